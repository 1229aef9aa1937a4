//! `fake-upstream [--addr HOST:PORT] [--delay-ms N]`: iClosed's `POST /v1/eventCalls`
//! for the relay benchmark (`bench/relay`). Every request gets the documented
//! create-call reply, `201`, after a fixed delay standing in for the provider's work.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::routing::post;
use axum::Router;
use clap::Parser;

/// iClosed's documented reply to `POST /v1/eventCalls`, with realistic values.
const CREATE_CALL_REPLY: &str = r#"{"data":{"eventCall":{"message":"Event call created successfully","status":201,"data":{"startTime":"2026-03-09T14:30:00Z","endTime":"2026-03-09T15:00:00Z","id":123,"closerId":7,"timeZone":"America/New_York","guestEmail":"ada@example.com","token":"c7d1f0a2-4b9e-4c1e-9a57-2f3b8e6d9a10","closerName":"Grace Hopper","previewId":"pv_8f3a2c","closerEmail":"grace@example.com","confirmationLink":"https://app.iclosed.io/e/example/strategy-call/confirmation/123","redirectUrl":"https://www.example.com/thank-you"}}}}"#;

#[derive(Parser)]
#[command(about = "Stands in for iClosed's POST /v1/eventCalls in the relay benchmark.")]
struct Cli {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9797")]
    addr: SocketAddr,
    /// How long each reply takes, in milliseconds.
    #[arg(long, default_value_t = 20)]
    delay_ms: u64,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let delay = Duration::from_millis(cli.delay_ms);
    let app = Router::new().route(
        "/v1/eventCalls",
        post(move || async move {
            tokio::time::sleep(delay).await;
            (
                StatusCode::CREATED,
                [(header::CONTENT_TYPE, "application/json")],
                CREATE_CALL_REPLY,
            )
        }),
    );
    let listener = match tokio::net::TcpListener::bind(cli.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("fake-upstream: cannot listen on {}: {error}", cli.addr);
            std::process::exit(2);
        }
    };
    eprintln!("fake-upstream on http://{} (delay {} ms)", cli.addr, cli.delay_ms);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        eprintln!("fake-upstream: {error}");
        std::process::exit(1);
    }
}
