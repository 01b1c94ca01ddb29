//! The HTTP/1 server behind every listener (the API, the operations listener, the vendor simulator):
//! an accept loop that holds at most `max_connections` open, a deadline on each connection while no
//! request is in flight, and graceful shutdown. `axum::serve` gives hyper no timer, so there a client
//! that sent half a request line, or nothing, held its connection (and a file descriptor) for ever.
//!
//! Why not hyper's own `header_read_timeout`: hyper arms it whenever it waits for a request head
//! (`Conn::poll_read_head` in `proto/h1/conn.rs`), and after each response `State::idle` sets
//! `notify_read` so that it waits at once. A kept-alive connection would then be closed at the header
//! timeout however long the idle limit, and a head's clock would start when the previous response
//! ended rather than at the head's first byte. So hyper's timer is off and [`Activity`] keeps both
//! limits: a request head must be complete within `header_timeout` of the connection's accept or of
//! its first byte; a connection with nothing in flight closes after `idle_timeout` without a byte.
//! A request in flight has neither limit: its handler's time (and a slow body) is the TimeoutLayer's.

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

mod activity;
mod watched;

use activity::{Activity, InFlight};
use watched::{Tracked, Watched};

/// How long a connection may take over a request head and stay idle, and how many may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// From accepting a connection, or from the first byte of a later request, to the head's end.
    pub header_timeout: Duration,
    /// How long a connection with no request in flight may go without a byte.
    pub idle_timeout: Duration,
    /// Connections open at once; at the cap the listener accepts nothing until one closes.
    pub max_connections: u32,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            max_connections: 10_000,
        }
    }
}

/// Serves `router` on `listener` until `shutdown`, then waits for the connections in hand to finish.
/// Each request carries `ConnectInfo<SocketAddr>` (the peer), for whoever needs it.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    shutdown: CancellationToken,
) {
    let max = limits.max_connections.max(1);
    let places = Arc::new(Semaphore::new(max as usize));
    loop {
        let place = tokio::select! {
            place = places.clone().acquire_owned() => place,
            _ = shutdown.cancelled() => break,
        };
        let Ok(place) = place else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => break,
        };
        let (router, shutdown) = (router.clone(), shutdown.clone());
        tokio::spawn(async move {
            connection(stream, peer, router, limits, shutdown).await;
            drop(place);
        });
    }
    drop(listener);
    // Every open connection holds a place: all of them back means every connection has closed.
    let _ = places.acquire_many(max).await;
}

/// As `axum::serve` does: a client that gave up is nothing; anything else (out of file descriptors)
/// is logged, and the loop waits a moment rather than spin.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// One connection, until it ends, misses a deadline, or finishes after `shutdown`.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: HttpLimits,
    shutdown: CancellationToken,
) {
    tracing::trace!(%peer, "connection accepted");
    let activity = Arc::new(Activity::new(limits, Instant::now()));
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let service = hyper::service::service_fn({
        let activity = activity.clone();
        move |request| handle(router.clone(), peer, activity.clone(), request)
    });
    let mut conn = pin!(http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service));
    let mut stopping = pin!(shutdown.cancelled());
    let mut shutting_down = false;
    loop {
        let deadline = activity.deadline();
        if deadline.is_some_and(|d| d <= Instant::now()) {
            tracing::debug!(%peer, "closing a connection: no complete request in time");
            return;
        }
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = sleep_until(deadline) => {}
            _ = activity.changed.notified() => {}
            _ = &mut stopping, if !shutting_down => {
                shutting_down = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

async fn handle(
    router: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Tracked>, Infallible> {
    let in_flight = InFlight::start(activity);
    let mut request: Request = request.map(Body::new);
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.oneshot(request).await?;
    Ok(response.map(|body| Tracked {
        body,
        _in_flight: in_flight,
    }))
}

#[cfg(test)]
mod tests;
