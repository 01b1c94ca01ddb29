//! The API's connections against clients that hold them without finishing a request, as an operator
//! configures it (`MINICRM_HTTP_*`) on the real binary: half a request line, nothing at all, a kept-alive
//! connection left idle, and more connections than the cap — each closed or kept waiting, while a slow
//! request that keeps sending is served. The HTTP server does not depend on the backend: SQLite only.

use crate::harness::{Backend, Cluster};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HEADER_TIMEOUT_SECS: u64 = 1;
const IDLE_TIMEOUT_SECS: u64 = 3;

async fn api_with(env: &[(&str, &str)]) -> (Cluster, String) {
    let mut cluster = Cluster::new(&Backend::Sqlite, 1, env).await;
    cluster.start("api-0").await;
    let address = cluster.api(0).trim_start_matches("http://").to_owned();
    (cluster, address)
}

/// Waits for the server to close `stream` (end of file or a reset); how long that took, or `None`
/// if it still stood after `limit`. Whatever the server sends before closing is read and dropped.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
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

/// Reads one response (with a `Content-Length` body); its status line, or `None` by `limit`.
async fn response_within(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let read = async {
        let mut text = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                return None;
            }
            text.extend_from_slice(&buf[..n]);
            let head_end = text.windows(4).position(|w| w == b"\r\n\r\n")?;
            let head = String::from_utf8_lossy(&text[..head_end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if text.len() >= head_end + 4 + length {
                return head.lines().next().map(str::to_owned);
            }
        }
    };
    tokio::time::timeout(limit, read).await.ok().flatten()
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: minicrm\r\n\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_send_too_little_are_closed() {
    let header = HEADER_TIMEOUT_SECS.to_string();
    let idle = IDLE_TIMEOUT_SECS.to_string();
    let (cluster, address) = api_with(&[
        ("MINICRM_HTTP_HEADER_TIMEOUT_SECS", header.as_str()),
        ("MINICRM_HTTP_IDLE_TIMEOUT_SECS", idle.as_str()),
    ])
    .await;
    let header = Duration::from_secs(HEADER_TIMEOUT_SECS);
    let idle = Duration::from_secs(IDLE_TIMEOUT_SECS);
    let grace = Duration::from_secs(2);

    let mut half_line = TcpStream::connect(&address).await.unwrap();
    half_line.write_all(b"GET /heal").await.unwrap();
    let mut silent = TcpStream::connect(&address).await.unwrap();
    let mut kept_alive = TcpStream::connect(&address).await.unwrap();
    kept_alive
        .write_all(get("/healthz").as_bytes())
        .await
        .unwrap();
    let status = response_within(&mut kept_alive, grace).await;
    assert_eq!(status.as_deref(), Some("HTTP/1.1 200 OK"));
    let kept_alive = tokio::spawn(async move { closed_within(&mut kept_alive, idle * 3).await });

    // A request that keeps sending, for longer than both limits, is served.
    let mut slow = TcpStream::connect(&address).await.unwrap();
    let body = serde_json::to_vec(&serde_json::json!(
        [{"external_id": "slow-1", "name": "Slow Sender"}]
    ))
    .unwrap();
    let head = format!(
        "POST /api/v1/customers HTTP/1.1\r\nHost: minicrm\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        cluster.key,
        body.len()
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let pieces = body.chunks(body.len().div_ceil(8));
    let pause = (idle + header) / 6;
    let slow = tokio::spawn({
        let body: Vec<Vec<u8>> = pieces.map(<[u8]>::to_vec).collect();
        async move {
            for piece in body {
                tokio::time::sleep(pause).await;
                slow.write_all(&piece).await.unwrap();
            }
            response_within(&mut slow, grace).await
        }
    });

    let took = closed_within(&mut half_line, header + grace).await;
    assert!(took.is_some(), "half a request line held its connection");
    let took = closed_within(&mut silent, header + grace).await;
    assert!(took.is_some(), "a silent connection stayed open");
    let took = kept_alive
        .await
        .unwrap()
        .expect("an idle kept-alive connection stayed open");
    // Closed by the idle limit, not by the (shorter) header timeout.
    assert!(
        took + Duration::from_millis(500) >= idle,
        "an idle connection was closed after {took:?}, before the idle limit"
    );
    assert_eq!(
        slow.await.unwrap().as_deref(),
        Some("HTTP/1.1 202 Accepted"),
        "a slow request that kept sending was cut"
    );
    cluster.finish().await;
}

/// At `MINICRM_HTTP_MAX_CONNECTIONS` the API takes no further connection until one closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_the_next_waits_until_one_closes() {
    let (cluster, address) = api_with(&[
        ("MINICRM_HTTP_MAX_CONNECTIONS", "2"),
        ("MINICRM_HTTP_HEADER_TIMEOUT_SECS", "1"),
        ("MINICRM_HTTP_IDLE_TIMEOUT_SECS", "1"),
    ])
    .await;
    // The harness's own kept-alive connection (from waiting for /healthz) goes at the idle limit.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    // Two uploads in progress hold both places: a request in flight has no idle limit.
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /api/v1/customers HTTP/1.1\r\nHost: minicrm\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n[",
            cluster.key
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        holders.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut waiting = TcpStream::connect(&address).await.unwrap();
    waiting.write_all(get("/healthz").as_bytes()).await.unwrap();
    assert_eq!(
        response_within(&mut waiting, Duration::from_millis(1_500)).await,
        None,
        "a connection beyond the cap was served"
    );
    drop(holders.pop());
    assert_eq!(
        response_within(&mut waiting, Duration::from_secs(3))
            .await
            .as_deref(),
        Some("HTTP/1.1 200 OK"),
        "the waiting connection was not served once a place was free"
    );
    drop(holders);
    cluster.finish().await;
}
