//! The real vendor simulator on a random port, the receipts it posts back, and a proxy in front of it
//! that loses answers on their way back (the vendor took the messages; the sender never heard).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use minicrm_messaging::SIGNATURE_HEADER;
use minicrm_simulator::{Vendor, VendorConfig};
use minicrm_workers::DeliverySettings;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio_util::sync::CancellationToken;

/// A running simulator: its HTTP routes and its receipt sender.
pub struct TestVendor {
    pub vendor: Vendor,
    pub url: String,
    /// The signed callbacks it posted: (signature header, body).
    callbacks: Mutex<mpsc::UnboundedReceiver<(String, Bytes)>>,
    stop: CancellationToken,
}

impl TestVendor {
    /// Starts a simulator that delivers every valid message at once and signs its receipts with
    /// `secret`, posting them to a listener of the test's.
    pub async fn start(secret: &str) -> TestVendor {
        let stop = CancellationToken::new();
        let (sink, callbacks) = mpsc::unbounded_channel();
        let hooks = axum::Router::new()
            .route("/receipts", post(keep_callback))
            .with_state(sink);
        let hooks = serve(hooks, &stop).await;
        let vendor = Vendor::new(VendorConfig {
            signing_secret: secret.into(),
            callback_url: Some(format!("{hooks}/receipts")),
            success_rate: 1.0,
            latency: Duration::ZERO..=Duration::ZERO,
            receipt_flush: Duration::from_millis(10),
            seed: Some(7),
            ..VendorConfig::default()
        });
        let url = serve(vendor.router(), &stop).await;
        tokio::spawn({
            let (vendor, stop) = (vendor.clone(), stop.clone());
            async move { vendor.run_receipts(stop).await }
        });
        TestVendor {
            vendor,
            url,
            callbacks: Mutex::new(callbacks),
            stop,
        }
    }

    /// How a sender reaches this vendor at `url` (the vendor's own, or a proxy's), quickly.
    pub fn settings(&self, url: &str) -> DeliverySettings {
        DeliverySettings {
            vendor_url: url.into(),
            vendor_api_key: self.vendor.config().api_key.clone(),
            request_timeout: Duration::from_secs(5),
            max_tries: 3,
            ..DeliverySettings::default()
        }
    }

    /// The next callback the vendor posted: (signature header, body).
    pub async fn callback(&self) -> (String, Bytes) {
        let mut callbacks = self.callbacks.lock().await;
        tokio::time::timeout(Duration::from_secs(10), callbacks.recv())
            .await
            .expect("a callback within 10 s")
            .expect("the listener runs")
    }
}

impl Drop for TestVendor {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn keep_callback(
    State(sink): State<mpsc::UnboundedSender<(String, Bytes)>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let _ = sink.send((signature, body));
    StatusCode::OK
}

/// Serves `router` on a random local port until `stop`; its base URL.
async fn serve(router: axum::Router, stop: &CancellationToken) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let stop = stop.clone();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    });
    url
}

/// A proxy to the vendor that passes every request on and loses the answers to the first `lose`.
pub struct LossyProxy {
    pub url: String,
    stop: CancellationToken,
}

#[derive(Clone)]
struct Forward {
    target: String,
    lose: usize,
    seen: Arc<AtomicUsize>,
    client: reqwest::Client,
}

impl LossyProxy {
    pub async fn start(target: &str, lose: usize) -> LossyProxy {
        let stop = CancellationToken::new();
        let forward = Forward {
            target: target.into(),
            lose,
            seen: Arc::new(AtomicUsize::new(0)),
            client: reqwest::Client::new(),
        };
        let router = axum::Router::new()
            .route("/v1/messages/batch", post(forward_batch))
            .with_state(forward);
        let url = serve(router, &stop).await;
        LossyProxy { url, stop }
    }
}

impl Drop for LossyProxy {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn forward_batch(
    State(forward): State<Forward>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let key = headers.get("authorization").cloned();
    let mut request = forward
        .client
        .post(format!("{}/v1/messages/batch", forward.target))
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.header("authorization", key);
    }
    let answer = request.send().await.expect("the vendor answers");
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let text = answer.text().await.unwrap_or_default();
    match forward.seen.fetch_add(1, Ordering::SeqCst) < forward.lose {
        true => (StatusCode::BAD_GATEWAY, "the answer was lost".into()),
        false => (status, text),
    }
}
