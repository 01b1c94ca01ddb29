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

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

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

/// What the deadlines are measured from, shared by the connection's reads, its requests and its task.
struct Activity {
    limits: HttpLimits,
    state: Mutex<State>,
    /// Woken when a deadline may have come nearer: the last request ended, or a new head began.
    changed: Notify,
}

#[derive(Debug, Clone, Copy)]
struct State {
    in_flight: usize,
    /// When the connection last fell quiet: its accept, or the end of its last response.
    quiet_since: Instant,
    last_read: Instant,
    /// When the head now awaited began: the accept for the first request, else its first byte.
    head_since: Option<Instant>,
}

impl Activity {
    fn new(limits: HttpLimits, now: Instant) -> Self {
        Self {
            limits,
            state: Mutex::new(State {
                in_flight: 0,
                quiet_since: now,
                last_read: now,
                head_since: Some(now),
            }),
            changed: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain values, whole after any panic: a poisoned lock is still good.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self, now: Instant) {
        let mut state = self.state();
        state.last_read = now;
        if state.in_flight == 0 && state.head_since.is_none() {
            state.head_since = Some(now);
            self.changed.notify_one();
        }
    }

    fn request_started(&self) {
        let mut state = self.state();
        state.in_flight += 1;
        state.head_since = None;
    }

    fn request_ended(&self, now: Instant) {
        let mut state = self.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.quiet_since = now;
            state.head_since = None;
            self.changed.notify_one();
        }
    }

    /// When the connection must close unless something happens first; none while a request is in
    /// flight.
    fn deadline(&self) -> Option<Instant> {
        let state = *self.state();
        if state.in_flight > 0 {
            return None;
        }
        let idle = state.quiet_since.max(state.last_read) + self.limits.idle_timeout;
        let head = state.head_since.map(|t| t + self.limits.header_timeout);
        Some(head.map_or(idle, |head| head.min(idle)))
    }
}

/// A request from its head until its response's body is done with (sent, or dropped).
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> Self {
        activity.request_started();
        Self(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_ended(Instant::now());
    }
}

/// A response body that keeps its request in flight until hyper has finished with it.
struct Tracked {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting each read that brings bytes.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read(Instant::now());
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests;
