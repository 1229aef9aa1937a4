//! The HTTP/1.1 server in front of [`app`](crate::app): a connection cap, a header-read
//! timeout, an idle timeout and a graceful shutdown, so slow or silent clients cannot
//! hold the relay. (The body-read deadline and the in-flight cap are in
//! [`admission`](crate::admission), where `oneshot` tests see them too.)
//!
//! HTTP/1.1 only: the relay sits behind a TLS proxy, browsers speak HTTP/2 only over
//! TLS, and cleartext HTTP/2 would bring its own stream limits to defend.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower::Service;

use crate::config::Limits;

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets
/// every open connection finish the request it is answering, and returns when all are
/// closed.
///
/// Each request carries its peer as `ConnectInfo<SocketAddr>`. At most
/// `limits.max_connections` connections are open at once: beyond that the relay stops
/// accepting (new connections wait in the kernel's queue) until one closes, which the
/// header-read and idle timeouts make sure happens.
pub async fn serve<F>(listener: TcpListener, router: Router, limits: &Limits, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()> + Send,
{
    let settings = Settings {
        header_read_timeout: limits.header_read_timeout(),
        idle_timeout: limits.idle_timeout(),
    };
    let capacity = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(capacity as usize));
    let (stop, stopping) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            stream,
            peer,
            router.clone(),
            settings,
            stopping.clone(),
            slot,
        ));
    }
    drop(listener);
    stop.send_replace(());
    // Every open connection holds a slot: all slots back means all connections closed.
    let _all = slots.acquire_many(capacity).await;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    header_read_timeout: Duration,
    idle_timeout: Duration,
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    settings: Settings,
    mut stopping: watch::Receiver<()>,
    _slot: OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let answering = activity.answering();
            let mut router = router.clone();
            async move {
                let response = router.call(request).await;
                drop(answering);
                response
            }
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut draining = false;
    loop {
        let idle_until = activity.idle_until(settings.idle_timeout);
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection closed");
                }
                return;
            }
            _ = stopping.changed(), if !draining => {
                draining = true;
                connection.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep_until(idle_until) => {
                if activity.is_idle(settings.idle_timeout) {
                    tracing::debug!("closing an idle connection");
                    return;
                }
            }
        }
    }
}

/// When bytes last moved on a connection, and how many of its requests are being answered.
#[derive(Debug)]
struct Activity {
    started: Instant,
    /// Milliseconds from `started` to the last byte read or written.
    last: AtomicU64,
    answering: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            last: AtomicU64::new(0),
            answering: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        self.last
            .store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.started + Duration::from_millis(self.last.load(Ordering::Relaxed))
    }

    /// The relay thinking (waiting for a provider) is not the client being idle.
    fn answering(self: &Arc<Self>) -> Answering {
        self.answering.fetch_add(1, Ordering::Relaxed);
        Answering(self.clone())
    }

    fn is_idle(&self, timeout: Duration) -> bool {
        self.answering.load(Ordering::Relaxed) == 0 && self.last().elapsed() >= timeout
    }

    /// When to look again.
    fn idle_until(&self, timeout: Duration) -> Instant {
        if self.answering.load(Ordering::Relaxed) == 0 {
            self.last() + timeout
        } else {
            Instant::now() + timeout
        }
    }
}

/// A request being answered; dropped when its answer is ready (or its connection gone).
struct Answering(Arc<Activity>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.touch();
        self.0.answering.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream that notes in [`Activity`] every time bytes move.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(poll, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
