//! End-to-end tests over real HTTP on 127.0.0.1: the simulator on one random port, a receipt receiver
//! on another.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use minicrm_messaging::{
    sign, verify, Accepted, BatchAccepted, BatchRequest, Channel, ErrorBody, FailureReason,
    OutboundMessage, Receipt, ReceiptStatus, SignatureError, VendorStats, SIGNATURE_HEADER,
};
use minicrm_simulator::{deterministic_failure, on_dnd_registry, Vendor, VendorConfig};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const KEY: &str = "test-key";
const SECRET: &str = "test-secret";

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Records every receipt POST, checking its signature; answers 500 to the first `fail_first` POSTs
/// and `status` afterwards.
#[derive(Default)]
struct Recorder {
    receipts: Mutex<Vec<Receipt>>,
    posts: AtomicUsize,
    bad_signatures: AtomicUsize,
    fail_first: AtomicUsize,
    status: Mutex<Option<StatusCode>>,
}

impl Recorder {
    fn unique(&self) -> HashMap<String, Receipt> {
        self.receipts
            .lock()
            .unwrap()
            .iter()
            .map(|r| (r.id.clone(), r.clone()))
            .collect()
    }

    fn len(&self) -> usize {
        self.receipts.lock().unwrap().len()
    }
}

async fn record(
    State(recorder): State<Arc<Recorder>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    recorder.posts.fetch_add(1, Ordering::SeqCst);
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|h| verify(SECRET, h, &body, unix_now(), Duration::from_secs(300)));
    if content_type != Some("application/json") || signed != Some(Ok(())) {
        recorder.bad_signatures.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    if recorder
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let batch: Vec<Receipt> = serde_json::from_slice(&body).expect("a JSON array of receipts");
    assert!(!batch.is_empty());
    recorder.receipts.lock().unwrap().extend(batch);
    recorder.status.lock().unwrap().unwrap_or(StatusCode::OK)
}

async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

async fn receiver(recorder: Arc<Recorder>) -> String {
    let url = serve(
        Router::new()
            .route("/receipts", post(record))
            .with_state(recorder),
    )
    .await;
    format!("{url}/receipts")
}

struct Harness {
    vendor: Vendor,
    base: String,
    http: reqwest::Client,
    shutdown: CancellationToken,
    sender: JoinHandle<()>,
}

impl Harness {
    async fn start(config: VendorConfig) -> Self {
        let vendor = Vendor::new(VendorConfig {
            api_key: KEY.into(),
            signing_secret: SECRET.into(),
            ..config
        });
        let base = serve(vendor.router()).await;
        let shutdown = CancellationToken::new();
        let sender = tokio::spawn({
            let (vendor, shutdown) = (vendor.clone(), shutdown.clone());
            async move { vendor.run_receipts(shutdown).await }
        });
        Self {
            vendor,
            base,
            http: reqwest::Client::new(),
            shutdown,
            sender,
        }
    }

    async fn post(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(KEY)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn batch(&self, messages: Vec<OutboundMessage>) -> Vec<Accepted> {
        let response = self
            .post("/v1/messages/batch", &BatchRequest { messages })
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        response.json::<BatchAccepted>().await.unwrap().results
    }

    async fn stats(&self) -> VendorStats {
        let over_http: VendorStats = self
            .http
            .get(format!("{}/v1/stats", self.base))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        over_http
    }

    async fn stop(self) {
        self.shutdown.cancel();
        self.sender.await.unwrap();
    }
}

fn sms(to: &str, reference: &str) -> OutboundMessage {
    OutboundMessage {
        to: to.into(),
        channel: Channel::Sms,
        body: "Your order has shipped".into(),
        reference: reference.into(),
        callback_url: None,
    }
}

/// Valid Indian mobile numbers that are not on the DND registry.
fn clean_numbers(n: usize) -> Vec<String> {
    (0..)
        .map(|i: u64| format!("+91{}", 9_100_000_000 + i * 13))
        .filter(|to| deterministic_failure(Channel::Sms, to).is_none())
        .take(n)
        .collect()
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn fast(callback: &str) -> VendorConfig {
    VendorConfig {
        callback_url: Some(callback.into()),
        latency: Duration::ZERO..=Duration::from_millis(20),
        receipt_flush: Duration::from_millis(20),
        seed: Some(42),
        ..VendorConfig::default()
    }
}

#[tokio::test]
async fn batches_answer_in_order_and_duplicates_get_no_second_receipt() {
    let recorder = Arc::new(Recorder::default());
    let h = Harness::start(fast(&receiver(recorder.clone()).await)).await;
    let numbers = clean_numbers(50);

    let messages: Vec<_> = (0..50)
        .map(|i| sms(&numbers[i], &format!("ref-{i}")))
        .collect();
    let first = h.batch(messages.clone()).await;
    let references: Vec<_> = first.iter().map(|a| a.reference.as_str()).collect();
    let expected: Vec<_> = messages.iter().map(|m| m.reference.as_str()).collect();
    assert_eq!(references, expected);
    assert!(first
        .iter()
        .all(|a| !a.duplicate && a.id.starts_with("vm_")));
    assert_eq!(
        first.iter().map(|a| &a.id).collect::<HashSet<_>>().len(),
        50
    );

    // Ten references again plus one new one, then one again on the single-message route.
    let mut again: Vec<_> = messages[..10].to_vec();
    again.push(sms(&numbers[0], "ref-new"));
    let second = h.batch(again).await;
    for i in 0..10 {
        assert_eq!(second[i].id, first[i].id);
        assert!(second[i].duplicate);
    }
    assert!(!second[10].duplicate);
    let single = h.post("/v1/messages", &messages[7]).await;
    assert_eq!(single.status(), StatusCode::ACCEPTED);
    let single: Accepted = single.json().await.unwrap();
    assert_eq!(
        (single.id.as_str(), single.duplicate),
        (first[7].id.as_str(), true)
    );

    wait_until("51 receipts", Duration::from_secs(5), || {
        recorder.len() >= 51
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let receipts = recorder.receipts.lock().unwrap().clone();
    assert_eq!(receipts.len(), 51, "exactly one receipt per unique message");
    assert_eq!(recorder.bad_signatures.load(Ordering::SeqCst), 0);
    let by_reference: HashMap<_, _> = first
        .iter()
        .chain(&second[10..])
        .map(|a| (a.reference.clone(), a.id.clone()))
        .collect();
    for receipt in &receipts {
        assert_eq!(by_reference[&receipt.reference], receipt.message_id);
        assert!(receipt.id.starts_with("vr_"));
        assert!(receipt.occurred_at.ends_with('Z') && receipt.occurred_at.len() == 24);
        assert_eq!(
            receipt.reason.is_none(),
            receipt.status == ReceiptStatus::Delivered
        );
    }

    let stats = h.stats().await;
    assert_eq!(stats, h.vendor.stats());
    assert_eq!((stats.accepted, stats.duplicates), (51, 11));
    assert_eq!(stats.delivered + stats.failed, 51);
    assert_eq!((stats.receipts_posted, stats.receipts_pending), (51, 0));
    h.stop().await;
}

#[tokio::test]
async fn invalid_indian_numbers_always_fail_and_data_failures_follow_the_recipient() {
    let recorder = Arc::new(Recorder::default());
    let h = Harness::start(VendorConfig {
        success_rate: 1.0,
        ..fast(&receiver(recorder.clone()).await)
    })
    .await;
    let invalid = [
        "+915123456789",
        "+91987654321",
        "+9198765432100",
        "+91 9876543210",
        "9876543210",
        "+910000000000",
    ];
    let dnd = (0u64..)
        .map(|i| format!("+91{}", 9_800_000_000 + i))
        .find(|n| on_dnd_registry(n))
        .unwrap();
    let clean = clean_numbers(5);
    let mut messages = Vec::new();
    for (i, to) in invalid.iter().enumerate() {
        for channel in [Channel::Sms, Channel::Whatsapp] {
            messages.push(OutboundMessage {
                channel,
                ..sms(to, &format!("bad-{i}-{channel:?}"))
            });
        }
    }
    messages.push(sms(&dnd, "dnd-sms"));
    messages.push(OutboundMessage {
        channel: Channel::Whatsapp,
        ..sms(&dnd, "dnd-whatsapp")
    });
    for (i, to) in clean.iter().enumerate() {
        messages.push(sms(to, &format!("good-{i}")));
    }
    for (reference, to) in [
        ("mail-ok", "asha@shop.example.com"),
        ("mail-bad", "asha@shop.invalid"),
        ("mail-malformed", "asha.shop.com"),
    ] {
        messages.push(OutboundMessage {
            channel: Channel::Email,
            ..sms(to, reference)
        });
    }
    let total = messages.len();
    h.batch(messages).await;
    wait_until("all receipts", Duration::from_secs(5), || {
        recorder.len() >= total
    })
    .await;

    let receipts = recorder.unique();
    assert_eq!(receipts.len(), total);
    for receipt in receipts.values() {
        let expected = match receipt.reference.as_str() {
            r if r.starts_with("bad-") => Some(FailureReason::InvalidNumber),
            "dnd-sms" => Some(FailureReason::DndRegistry),
            "mail-bad" | "mail-malformed" => Some(FailureReason::InvalidAddress),
            _ => None,
        };
        assert_eq!(receipt.reason, expected, "{}", receipt.reference);
        let status = if expected.is_some() {
            ReceiptStatus::Failed
        } else {
            ReceiptStatus::Delivered
        };
        assert_eq!(receipt.status, status, "{}", receipt.reference);
    }
    h.stop().await;
}

#[tokio::test]
async fn rate_limit_share_of_one_refuses_everything_with_retry_after() {
    let h = Harness::start(VendorConfig {
        rate_limit_share: 1.0,
        ..fast("http://127.0.0.1:9/unused")
    })
    .await;
    for path in ["/v1/messages", "/v1/messages/batch"] {
        let body = serde_json::json!({"messages": [sms("+14155550100", "r1")]});
        let body = if path == "/v1/messages" {
            serde_json::to_value(sms("+14155550100", "r1")).unwrap()
        } else {
            body
        };
        let response = h.post(path, &body).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "1");
        let error: ErrorBody = response.json().await.unwrap();
        assert_eq!(error.error, "rate_limited");
    }
    let stats = h.stats().await;
    assert_eq!((stats.accepted, stats.rate_limited), (0, 2));
    h.stop().await;
}

#[tokio::test]
async fn outage_windows_answer_503_and_accept_nothing() {
    let down = Harness::start(VendorConfig {
        outages: vec![Duration::ZERO..Duration::from_secs(60)],
        ..fast("http://127.0.0.1:9/unused")
    })
    .await;
    let response = down.post("/v1/messages", &sms("+14155550100", "r1")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(response.json::<ErrorBody>().await.unwrap().error, "outage");
    let stats = down.stats().await;
    assert_eq!((stats.accepted, stats.outage_refused), (0, 1));
    down.stop().await;

    let later = Harness::start(VendorConfig {
        outages: vec![Duration::from_secs(60)..Duration::from_secs(120)],
        ..fast("http://127.0.0.1:9/unused")
    })
    .await;
    let response = later.post("/v1/messages", &sms("+14155550100", "r1")).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    later.stop().await;
}

/// The outages' clock starts at the first message, however long after the start that comes.
#[tokio::test]
async fn outage_windows_are_timed_from_the_first_message() {
    let h = Harness::start(VendorConfig {
        outages: vec![Duration::from_millis(300)..Duration::from_secs(60)],
        ..fast("http://127.0.0.1:9/unused")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = h.post("/v1/messages", &sms("+14155550100", "r1")).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = h.post("/v1/messages", &sms("+14155550100", "r2")).await;
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    h.stop().await;
}

#[tokio::test]
async fn requests_without_the_right_bearer_key_get_401() {
    let h = Harness::start(fast("http://127.0.0.1:9/unused")).await;
    let url = format!("{}/v1/messages", h.base);
    let message = sms("+14155550100", "r1");
    let wrong = h
        .http
        .post(&url)
        .bearer_auth("nope")
        .json(&message)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.json::<ErrorBody>().await.unwrap().error,
        "unauthorized"
    );
    let missing = h.http.post(&url).json(&message).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let health = h
        .http
        .get(format!("{}/healthz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(h.stats().await.accepted, 0);
    h.stop().await;
}

/// The counters say what a deployment sent: only its key reads them, and no simulated fault hides them.
#[tokio::test]
async fn stats_need_the_bearer_key() {
    let h = Harness::start(VendorConfig {
        outages: vec![Duration::ZERO..Duration::from_secs(60)],
        ..fast("http://127.0.0.1:9/unused")
    })
    .await;
    let url = format!("{}/v1/stats", h.base);
    let missing = h.http.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        missing.json::<ErrorBody>().await.unwrap().error,
        "unauthorized"
    );
    let wrong = h.http.get(&url).bearer_auth("nope").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = h.http.get(&url).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(
        right.status(),
        StatusCode::OK,
        "an outage hides no counters"
    );
    h.stop().await;
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_refused() {
    let h = Harness::start(fast("http://127.0.0.1:9/unused")).await;
    let too_many: Vec<_> = (0..1001)
        .map(|i| sms("+14155550100", &format!("r{i}")))
        .collect();
    let response = h
        .post("/v1/messages/batch", &BatchRequest { messages: too_many })
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.json::<ErrorBody>().await.unwrap().error,
        "too_many_messages"
    );

    let empty = h
        .post("/v1/messages/batch", &BatchRequest { messages: vec![] })
        .await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);

    let missing = h
        .post(
            "/v1/messages",
            &serde_json::json!({"to": "+14155550100", "channel": "sms", "body": "x"}),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let error: ErrorBody = missing.json().await.unwrap();
    assert_eq!(error.error, "invalid_json");
    assert!(error.message.contains("reference"), "{}", error.message);

    let garbage = h
        .http
        .post(format!("{}/v1/messages/batch", h.base))
        .bearer_auth(KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);

    let bad_channel = h
        .post(
            "/v1/messages",
            &serde_json::json!({"to": "+14155550100", "channel": "fax", "body": "x", "reference": "r"}),
        )
        .await;
    assert_eq!(bad_channel.status(), StatusCode::BAD_REQUEST);

    let bad_callback = h
        .post(
            "/v1/messages/batch",
            &BatchRequest {
                messages: vec![
                    sms("+14155550100", "ok"),
                    OutboundMessage {
                        callback_url: Some("nowhere".into()),
                        ..sms("+14155550100", "bad")
                    },
                ],
            },
        )
        .await;
    assert_eq!(bad_callback.status(), StatusCode::BAD_REQUEST);
    let error: ErrorBody = bad_callback.json().await.unwrap();
    assert!(
        error.message.starts_with("messages[1]"),
        "{}",
        error.message
    );

    assert_eq!(
        h.stats().await.accepted,
        0,
        "nothing of a refused batch is accepted"
    );
    h.stop().await;
}

#[tokio::test]
async fn callback_failures_are_retried_without_losing_receipts() {
    let recorder = Arc::new(Recorder {
        fail_first: AtomicUsize::new(3),
        ..Recorder::default()
    });
    let h = Harness::start(VendorConfig {
        receipt_batch: 10,
        ..fast(&receiver(recorder.clone()).await)
    })
    .await;
    let numbers = clean_numbers(40);
    let accepted = h
        .batch(
            (0..40)
                .map(|i| sms(&numbers[i], &format!("retry-{i}")))
                .collect(),
        )
        .await;
    let vendor = h.vendor.clone();
    wait_until("every receipt", Duration::from_secs(10), || {
        vendor.stats().receipts_pending == 0
    })
    .await;

    let receipts = recorder.unique();
    let expected: HashSet<_> = accepted.iter().map(|a| a.id.clone()).collect();
    let got: HashSet<_> = receipts.values().map(|r| r.message_id.clone()).collect();
    assert_eq!(got, expected, "no receipt lost");
    assert_eq!(receipts.len(), 40, "one receipt id per message");
    assert!(recorder.posts.load(Ordering::SeqCst) >= 7);
    let stats = h.stats().await;
    assert_eq!(stats.callback_failures, 3);
    assert_eq!(stats.receipts_posted, 40);
    h.stop().await;
}

#[tokio::test]
async fn a_4xx_callback_answer_is_not_retried() {
    let recorder = Arc::new(Recorder {
        status: Mutex::new(Some(StatusCode::BAD_REQUEST)),
        ..Recorder::default()
    });
    let h = Harness::start(fast(&receiver(recorder.clone()).await)).await;
    h.batch(vec![sms("+14155550100", "once")]).await;
    let vendor = h.vendor.clone();
    wait_until("the refusal", Duration::from_secs(5), || {
        vendor.stats().callback_failures == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(recorder.posts.load(Ordering::SeqCst), 1);
    let stats = h.stats().await;
    assert_eq!((stats.receipts_pending, stats.receipts_posted), (0, 0));
    h.stop().await;
}

#[tokio::test]
async fn a_message_callback_url_overrides_the_default() {
    let default = Arc::new(Recorder::default());
    let own = Arc::new(Recorder::default());
    let h = Harness::start(fast(&receiver(default.clone()).await)).await;
    let own_url = receiver(own.clone()).await;
    h.batch(vec![
        sms("+14155550100", "to-default"),
        OutboundMessage {
            callback_url: Some(own_url),
            ..sms("+14155550101", "to-own")
        },
    ])
    .await;
    wait_until("both receipts", Duration::from_secs(5), || {
        default.len() == 1 && own.len() == 1
    })
    .await;
    assert_eq!(default.receipts.lock().unwrap()[0].reference, "to-default");
    assert_eq!(own.receipts.lock().unwrap()[0].reference, "to-own");
    h.stop().await;
}

#[tokio::test]
async fn shutdown_flushes_due_receipts_without_waiting_for_the_batch() {
    let recorder = Arc::new(Recorder::default());
    let h = Harness::start(VendorConfig {
        latency: Duration::ZERO..=Duration::ZERO,
        receipt_flush: Duration::from_secs(60),
        ..fast(&receiver(recorder.clone()).await)
    })
    .await;
    h.batch(
        (0..5)
            .map(|i| sms("+14155550100", &format!("s{i}")))
            .collect(),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(recorder.len(), 0, "the batch is still filling");
    let vendor = h.vendor.clone();
    h.stop().await;
    assert_eq!(recorder.len(), 5);
    assert_eq!(vendor.stats().receipts_pending, 0);
}

#[tokio::test]
async fn success_rate_holds_over_5000_valid_numbers() {
    let recorder = Arc::new(Recorder::default());
    let h = Harness::start(VendorConfig {
        success_rate: 0.9,
        latency: Duration::ZERO..=Duration::ZERO,
        seed: Some(7),
        ..fast(&receiver(recorder.clone()).await)
    })
    .await;
    let numbers = clean_numbers(5000);
    for chunk in numbers.chunks(1000) {
        h.batch(chunk.iter().map(|to| sms(to, to)).collect()).await;
    }
    wait_until("5000 receipts", Duration::from_secs(10), || {
        recorder.len() >= 5000
    })
    .await;
    let receipts = recorder.unique();
    assert_eq!(receipts.len(), 5000);
    let delivered = receipts
        .values()
        .filter(|r| r.status == ReceiptStatus::Delivered)
        .count();
    let share = delivered as f64 / 5000.0;
    assert!((0.85..0.93).contains(&share), "delivered share {share}");
    assert!(receipts.values().all(|r| matches!(
        r.reason,
        None | Some(FailureReason::CarrierRejected | FailureReason::Expired)
    )));
    h.stop().await;
}

#[tokio::test]
async fn twenty_thousand_messages_at_zero_latency() {
    let recorder = Arc::new(Recorder::default());
    let h = Harness::start(VendorConfig {
        latency: Duration::ZERO..=Duration::ZERO,
        ..fast(&receiver(recorder.clone()).await)
    })
    .await;
    let started = Instant::now();
    let batches: Vec<_> = (0..20)
        .map(|b| {
            let (http, url) = (h.http.clone(), format!("{}/v1/messages/batch", h.base));
            tokio::spawn(async move {
                let messages: Vec<_> = (0..1000)
                    .map(|i| sms("+14155550100", &format!("bulk-{b}-{i}")))
                    .collect();
                let response = http
                    .post(url)
                    .bearer_auth(KEY)
                    .json(&BatchRequest { messages })
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::ACCEPTED);
            })
        })
        .collect();
    for batch in batches {
        batch.await.unwrap();
    }
    wait_until("20000 receipts", Duration::from_secs(15), || {
        recorder.len() >= 20_000
    })
    .await;
    let elapsed = started.elapsed();
    eprintln!(
        "20000 messages accepted and receipted in {elapsed:?} ({:.0}/s, unoptimised build)",
        20_000.0 / elapsed.as_secs_f64()
    );
    assert_eq!(recorder.unique().len(), 20_000);
    h.stop().await;
}

#[test]
fn verify_rejects_tampering_wrong_secrets_stale_and_malformed_headers() {
    let now = unix_now();
    let body = br#"[{"id":"vr_1"}]"#;
    let header = sign(SECRET, now, body);
    let age = Duration::from_secs(300);
    assert_eq!(verify(SECRET, &header, body, now, age), Ok(()));
    assert_eq!(
        verify(SECRET, &header, br#"[{"id":"vr_2"}]"#, now, age),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify("another-secret", &header, body, now, age),
        Err(SignatureError::Mismatch)
    );
    let old = sign(SECRET, now - 301, body);
    assert_eq!(
        verify(SECRET, &old, body, now, age),
        Err(SignatureError::Stale)
    );
    for malformed in ["", "garbage", "t=12", "v1=abcd", "t=x,v1=00"] {
        assert_eq!(
            verify(SECRET, malformed, body, now, age),
            Err(SignatureError::Malformed)
        );
    }
    assert!(!SignatureError::Stale.to_string().is_empty());
}

/// The throughput check behind the CRM's benchmark target. Run it optimised:
/// `cargo test --release -p minicrm-simulator --test simulator -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a one-million-message benchmark; run it with --release"]
async fn a_million_messages_at_zero_latency() {
    async fn count(
        State(seen): State<Arc<AtomicUsize>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let header = headers[SIGNATURE_HEADER].to_str().unwrap();
        verify(SECRET, header, &body, unix_now(), Duration::from_secs(300)).unwrap();
        let batch: Vec<Receipt> = serde_json::from_slice(&body).unwrap();
        seen.fetch_add(batch.len(), Ordering::Relaxed);
        StatusCode::NO_CONTENT
    }
    const TOTAL: usize = 1_000_000;
    let seen = Arc::new(AtomicUsize::new(0));
    let callback = serve(
        Router::new()
            .route("/r", post(count))
            .with_state(seen.clone()),
    )
    .await;
    let h = Harness::start(VendorConfig {
        latency: Duration::ZERO..=Duration::ZERO,
        ..fast(&format!("{callback}/r"))
    })
    .await;
    let started = Instant::now();
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (http, url) = (h.http.clone(), format!("{}/v1/messages/batch", h.base));
            tokio::spawn(async move {
                for b in (c..TOTAL / 1000).step_by(8) {
                    let messages: Vec<_> = (0..1000)
                        .map(|i| sms("+919876543210", &format!("m-{b}-{i}")))
                        .collect();
                    let response = http
                        .post(&url)
                        .bearer_auth(KEY)
                        .json(&BatchRequest { messages })
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), StatusCode::ACCEPTED);
                }
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
    let accepted_in = started.elapsed();
    wait_until("every receipt", Duration::from_secs(120), || {
        seen.load(Ordering::Relaxed) >= TOTAL
    })
    .await;
    let elapsed = started.elapsed();
    eprintln!(
        "{TOTAL} messages: accepted in {accepted_in:?}, all receipts in {elapsed:?} ({:.0} messages/s)",
        TOTAL as f64 / elapsed.as_secs_f64()
    );
    let stats = h.vendor.stats();
    assert_eq!(
        (stats.accepted, stats.receipts_posted),
        (TOTAL as u64, TOTAL as u64)
    );
    h.stop().await;
}
