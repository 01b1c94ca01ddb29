//! What a request may cost the server: `minicrm api`'s resident memory, sampled from /proc while hostile
//! bodies of the largest size arrive three at once. Before the fix, one unsigned 32 MiB receipt
//! callback holding `\u0000` took the server from 58 MB to 897 MB (it was parsed whole into a JSON tree
//! to look for the NUL, before its signature was checked).

use crate::harness::{Backend, Cluster};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const MIB: usize = 1024 * 1024;
/// `MINICRM_MAX_BODY_BYTES`' default: the largest batch the API takes.
const MAX_BODY: usize = 32 * MIB;

/// The resident memory of process `pid`, in bytes.
fn rss(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    let kib: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib * 1024
}

/// Samples `pid`'s resident memory every 10 ms until stopped; the highest value seen.
fn watch(pid: u32) -> (Arc<AtomicBool>, std::thread::JoinHandle<usize>) {
    let stop = Arc::new(AtomicBool::new(false));
    let handle = std::thread::spawn({
        let stop = stop.clone();
        move || {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss(pid));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        }
    });
    (stop, handle)
}

/// Sends `body` as a POST over a raw socket and returns the status line's code. Writes stop at the
/// first error: a server that answers before reading the whole body may close the connection.
fn post(port: u16, path: &str, headers: &str, body: &[u8]) -> u16 {
    let mut socket = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).unwrap();
    for chunk in body.chunks(256 * 1024) {
        if socket.write_all(chunk).is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

/// Runs the three posts at once against `api-0` and returns how much its resident memory grew at most,
/// with the statuses answered.
async fn peak_growth(
    cluster: &Cluster,
    posts: Vec<(String, String, Vec<u8>)>,
) -> (usize, Vec<u16>) {
    let pid = cluster.pid("api-0");
    let port: u16 = cluster.api(0).rsplit(':').next().unwrap().parse().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss(pid);
    let (stop, watcher) = watch(pid);
    let senders: Vec<_> = posts
        .into_iter()
        .map(|(path, headers, body)| std::thread::spawn(move || post(port, &path, &headers, &body)))
        .collect();
    let statuses = senders.into_iter().map(|s| s.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let peak = watcher.join().unwrap();
    let growth = peak.saturating_sub(before);
    eprintln!(
        "{statuses:?}: from {} MiB, grew by {} MiB",
        before / MIB,
        growth / MIB
    );
    (growth, statuses)
}

/// `n` bytes of JSON: a text holding `\u0000`, then millions of zeros. Looking for the NUL's place
/// used to parse it whole into a tree, at 32 bytes a zero: 16 times its size, 25 with the list's
/// growth.
fn nul_then_zeros(n: usize) -> Vec<u8> {
    let mut body = br#"["\u0000""#.to_vec();
    body.extend(b",0".repeat((n - body.len() - 1) / 2));
    body.push(b']');
    body
}

/// Unsigned receipt callbacks of the largest batch size, full of `\u0000`: refused for their size
/// or their missing signature before a byte of them is parsed, so the API's memory barely moves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_callbacks_cost_nothing_however_large() {
    let mut cluster = Cluster::new(&Backend::Sqlite, 1, &[]).await;
    cluster.start("api-0").await;
    let body = nul_then_zeros(MAX_BODY);
    let posts = (0..3)
        .map(|i| {
            // One claims a signature: it is refused by its size all the same.
            let headers = match i {
                0 => "minicrm-signature: t=1,v1=00\r\n".to_owned(),
                _ => String::new(),
            };
            ("/api/v1/receipts".to_owned(), headers, body.clone())
        })
        .collect();
    let (growth, statuses) = peak_growth(&cluster, posts).await;
    assert_eq!(statuses, vec![413, 401, 401]);
    assert!(growth < 16 * MIB, "grew by {} MiB", growth / MIB);
    cluster.finish().await;
}

/// Batches of the largest size with an ingest key, each hostile in a way that used to cost many times
/// its size: a NUL before millions of zeros (the whole body parsed into a tree to find it), four million one-byte rows (a slot each),
/// attributes of two million keys (a map entry each). Three arrive at once; each may cost about twice
/// its size, and the gate lets two be read at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_hostile_batches_cost_about_twice_their_size() {
    let mut cluster = Cluster::new(&Backend::Sqlite, 1, &[]).await;
    cluster.start("api-0").await;
    let auth = format!("Authorization: Bearer {}\r\n", cluster.key);
    let mut rows = b"[".to_vec();
    rows.extend(b"1,".repeat((MAX_BODY - 3) / 2));
    rows.extend(b"1]");
    let mut attributes = br#"{"external_id": "c1", "name": "n", "attributes": {"#.to_vec();
    let mut i = 0u64;
    while attributes.len() < MAX_BODY - 40 {
        attributes.extend(format!(r#""a{i}":0,"#).bytes());
        i += 1;
    }
    attributes.extend(br#""z":0}}"#);
    let posts = vec![
        (
            "/api/v1/customers".to_owned(),
            auth.clone(),
            nul_then_zeros(MAX_BODY),
        ),
        ("/api/v1/customers".to_owned(), auth.clone(), rows),
        ("/api/v1/customers".to_owned(), auth, attributes),
    ];
    let (growth, statuses) = peak_growth(&cluster, posts).await;
    assert_eq!(statuses, vec![400, 413, 422]);
    assert!(
        growth <= 2 * 2 * MAX_BODY + 16 * MIB,
        "grew by {} MiB",
        growth / MIB
    );
    cluster.finish().await;
}

/// `n` bytes of JSON: 10,000 valid customers (the most a batch holds) with long custom attributes.
fn full_batch(n: usize, prefix: &str) -> Vec<u8> {
    let per_record = n / 10_000 - 120;
    let text = "x".repeat(per_record / 4);
    let records: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                r#"{{"external_id":"{prefix}{i}","name":"Asha {i}","attributes":{{"a":"{text}","b":"{text}","c":"{text}"}}}}"#
            )
        })
        .collect();
    let body = format!("[{}]", records.join(","));
    assert!(body.len() <= n, "{} > {n}", body.len());
    body.into_bytes()
}

/// Valid batches of the largest size, three at once: each is parsed as it is written into its message
/// (the text and the message, never the records beside them) and queued in parts, and costs about
/// twice its size while it is; the gate lets two be at it together. A first batch fills the queue
/// database's page cache (bounded, kept) before the measure. Before, one batch cost five times its size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_valid_batches_cost_about_twice_their_size() {
    let mut cluster = Cluster::new(&Backend::Sqlite, 1, &[]).await;
    cluster.start("api-0").await;
    let auth = format!("Authorization: Bearer {}\r\n", cluster.key);
    let warm_up = vec![(
        "/api/v1/customers".to_owned(),
        auth.clone(),
        full_batch(MAX_BODY, "W"),
    )];
    peak_growth(&cluster, warm_up).await;
    let posts = ["A", "B", "C"]
        .iter()
        .map(|p| {
            (
                "/api/v1/customers".to_owned(),
                auth.clone(),
                full_batch(MAX_BODY, p),
            )
        })
        .collect();
    let (growth, statuses) = peak_growth(&cluster, posts).await;
    assert_eq!(statuses, vec![202, 202, 202]);
    assert!(
        growth <= 2 * 2 * MAX_BODY + 32 * MIB,
        "grew by {} MiB",
        growth / MIB
    );
    cluster.finish().await;
}
