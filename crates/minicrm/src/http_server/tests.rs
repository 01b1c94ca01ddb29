//! The server against real sockets with limits of a fraction of a second: what it closes, what it
//! serves, the cap, the peer address, and graceful shutdown.

use super::*;
use axum::routing::{get, post};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

const HEADER: Duration = Duration::from_millis(400);
const IDLE: Duration = Duration::from_millis(1_200);

fn limits(max_connections: u32) -> HttpLimits {
    HttpLimits {
        header_timeout: HEADER,
        idle_timeout: IDLE,
        max_connections,
    }
}

fn router() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/echo", post(|body: String| async move { body }))
        .route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(500)).await;
                "done"
            }),
        )
}

struct Server {
    address: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

async fn start(limits: HttpLimits) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(serve(listener, router(), limits, shutdown.clone()));
    Server {
        address,
        shutdown,
        task,
    }
}

/// How long until the server closed `stream` (whatever it sent first is dropped); `None` by `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        let left = limit.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

/// One response with a `Content-Length` body: its status line and body, or `None` by `limit`.
async fn response_within(stream: &mut TcpStream, limit: Duration) -> Option<(String, String)> {
    let read = async {
        let mut text = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                return None;
            }
            text.extend_from_slice(&buf[..n]);
            let Some(end) = text.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&text[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if text.len() >= end + 4 + length {
                let status = head.lines().next().unwrap_or_default().to_owned();
                let body = String::from_utf8_lossy(&text[end + 4..end + 4 + length]).to_string();
                return Some((status, body));
            }
        }
    };
    tokio::time::timeout(limit, read).await.ok().flatten()
}

fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n")
}

#[tokio::test]
async fn half_a_request_line_is_closed_at_the_header_timeout() {
    let server = start(limits(10)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    stream.write_all(b"GET /ech").await.unwrap();
    let took = closed_within(&mut stream, Duration::from_secs(5)).await;
    let took = took.expect("half a request line held its connection");
    assert!(took + Duration::from_millis(100) >= HEADER, "{took:?}");
    assert!(
        took < IDLE,
        "closed by the idle limit, not the header timeout"
    );
}

#[tokio::test]
async fn a_head_sent_byte_by_byte_is_cut_at_the_header_timeout() {
    let server = start(limits(10)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let request = get_request("/");
    let trickle = async {
        for byte in request.as_bytes() {
            if stream.write_all(&[*byte]).await.is_err() {
                return true;
            }
            tokio::time::sleep(HEADER / 4).await;
        }
        false
    };
    let cut = tokio::time::timeout(Duration::from_secs(10), trickle).await;
    assert_eq!(
        cut,
        Ok(true),
        "a head that kept coming past the timeout was read"
    );
}

#[tokio::test]
async fn a_silent_connection_is_closed() {
    let server = start(limits(10)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let took = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(took.is_some(), "a silent connection stayed open");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_closes_at_the_idle_limit_not_before() {
    let server = start(limits(10)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    for _ in 0..2 {
        stream.write_all(get_request("/").as_bytes()).await.unwrap();
        let response = response_within(&mut stream, Duration::from_secs(2)).await;
        assert_eq!(response.map(|r| r.1).as_deref(), Some("ok"));
        // Longer than the header timeout: idle between requests is not a slow head.
        tokio::time::sleep(HEADER * 2).await;
    }
    let took = closed_within(&mut stream, Duration::from_secs(5)).await;
    let took = took.expect("an idle kept-alive connection stayed open") + HEADER * 2;
    assert!(took + Duration::from_millis(100) >= IDLE, "{took:?}");
}

#[tokio::test]
async fn a_slow_body_that_keeps_coming_is_served() {
    let server = start(limits(10)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let body = "0123456789";
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // 10 × 300 ms: longer than both limits together.
    for byte in body.as_bytes() {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stream.write_all(&[*byte]).await.unwrap();
    }
    let response = response_within(&mut stream, Duration::from_secs(2)).await;
    assert_eq!(response, Some(("http/1.1 200 ok".into(), body.into())));
}

#[tokio::test]
async fn at_the_cap_a_connection_waits_until_one_closes() {
    let server = start(limits(1)).await;
    let mut holder = TcpStream::connect(server.address).await.unwrap();
    let head = "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nab";
    holder.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut waiting = TcpStream::connect(server.address).await.unwrap();
    waiting
        .write_all(get_request("/").as_bytes())
        .await
        .unwrap();
    // Beyond the header timeout too: the clock starts at accept, not at connect.
    let early = response_within(&mut waiting, HEADER * 2).await;
    assert_eq!(early, None, "a connection beyond the cap was served");
    drop(holder);
    let served = response_within(&mut waiting, Duration::from_secs(2)).await;
    assert_eq!(served.map(|r| r.1).as_deref(), Some("ok"));
}

#[tokio::test]
async fn handlers_see_the_peer_address() {
    let server = start(limits(10)).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    let local = stream.local_addr().unwrap();
    stream
        .write_all(get_request("/peer").as_bytes())
        .await
        .unwrap();
    let response = response_within(&mut stream, Duration::from_secs(2)).await;
    assert_eq!(response.map(|r| r.1), Some(local.to_string()));
}

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_then_returns() {
    let server = start(limits(10)).await;
    let mut busy = TcpStream::connect(server.address).await.unwrap();
    let mut idle = TcpStream::connect(server.address).await.unwrap();
    idle.write_all(get_request("/").as_bytes()).await.unwrap();
    assert!(response_within(&mut idle, Duration::from_secs(2))
        .await
        .is_some());
    busy.write_all(get_request("/slow").as_bytes())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.shutdown.cancel();
    let response = response_within(&mut busy, Duration::from_secs(2)).await;
    assert_eq!(response.map(|r| r.1).as_deref(), Some("done"));
    assert!(
        closed_within(&mut idle, Duration::from_secs(1))
            .await
            .is_some(),
        "an idle connection outlived the shutdown"
    );
    tokio::time::timeout(Duration::from_secs(2), server.task)
        .await
        .expect("serve returns once its connections are closed")
        .unwrap();
    assert!(TcpStream::connect(server.address).await.is_err());
}

#[test]
fn deadlines_follow_the_requests() {
    let t0 = Instant::now();
    let activity = Activity::new(limits(1), t0);
    assert_eq!(activity.deadline(), Some(t0 + HEADER), "the first head");
    activity.request_started();
    activity.read(t0 + IDLE * 5);
    assert_eq!(
        activity.deadline(),
        None,
        "nothing limits a request in flight"
    );
    let ended = t0 + IDLE * 6;
    activity.request_ended(ended);
    assert_eq!(
        activity.deadline(),
        Some(ended + IDLE),
        "idle after a response"
    );
    let byte = ended + IDLE / 2;
    activity.read(byte);
    assert_eq!(activity.deadline(), Some(byte + HEADER), "a new head began");
    activity.read(byte + HEADER / 2);
    assert_eq!(
        activity.deadline(),
        Some(byte + HEADER),
        "more of it: no more time"
    );
}
