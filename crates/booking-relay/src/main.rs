//! `booking-relay [sandbox|serve] [--addr HOST:PORT] [--config FILE]`

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use booking_relay::{app, AppState, Config, Secrets};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "The booking widget's relay: the providers' secrets stay here.")]
struct Cli {
    /// What to run (default: sandbox).
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Where to listen.
    #[arg(long, global = true, default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// TOML config: policy, origins, limits (required for serve).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// All four providers in memory: no accounts, no secrets, open CORS.
    Sandbox,
    /// The real providers, secrets from the environment.
    Serve,
}

#[tokio::main]
async fn main() {
    // Logs go to stderr (stdout stays free for output), coloured only on a terminal.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let cli = Cli::parse();
    if let Err(message) = run(cli).await {
        eprintln!("booking-relay: {message}");
        std::process::exit(2);
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let mode = cli.mode.unwrap_or(Mode::Sandbox);
    let config = match &cli.config {
        Some(path) => Config::load(path).map_err(|error| error.to_string())?,
        None if mode == Mode::Serve => {
            return Err(
                "serve needs --config FILE naming the providers to serve (see README.md, \"Run the relay\").".into(),
            )
        }
        None => Config::default(),
    };
    let state = match mode {
        Mode::Sandbox => AppState::sandbox(&config),
        Mode::Serve => {
            let secrets = Secrets::from_env(&config, |name| std::env::var(name).ok()).map_err(|e| e.to_string())?;
            AppState::serve(&config, secrets).map_err(|error| format!("cannot start the HTTPS client: {error}"))?
        }
    };
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}. Choose another --addr.", cli.addr))?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    if mode == Mode::Sandbox {
        eprintln!(
            "booking-relay SANDBOX on http://{address}\n  \
             No real provider is called: iClosed, GoHighLevel, meetergo and Cal.com are simulated in memory.\n  \
             Point the widget's data-endpoint at http://{address}/<provider> (iclosed, gohighlevel, meetergo, calcom).\n  \
             Inspect: GET http://{address}/__sandbox/requests   Reset: POST http://{address}/__sandbox/reset"
        );
    } else {
        eprintln!("booking-relay serving {:?} on http://{address}", config.configured());
    }
    booking_relay::server::serve(listener, app(Arc::new(state)), &config.limits, shutdown_signal())
        .await
        .map_err(|error| error.to_string())
}

/// Ctrl-C, or SIGTERM (what `docker stop` and systemd send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
