//! The messaging-vendor simulator: a real HTTP service that accepts SMS, e-mail and WhatsApp messages the
//! way a commercial provider does, and reports their fate later through signed, batched delivery
//! receipts POSTed to a callback URL.
//!
//! It exists so that minicrm's delivery worker can be developed, tested and benchmarked against
//! something that behaves like the real world:
//!
//! * **Idempotency.** Every message carries the client's `reference`; sending a reference again
//!   returns the same vendor id with `duplicate: true` and sends nothing.
//! * **Failures that follow the data.** Invalid numbers and addresses, numbers on the DND registry and
//!   full mailboxes fail every time for the same recipient (see [`deterministic_failure`]), so that
//!   a CRM's reports can find them; the rest succeed with probability
//!   [`VendorConfig::success_rate`].
//! * **Faults.** A share of requests is rate-limited (429 with `Retry-After`) and configured outage
//!   windows answer 503.
//! * **Receipts.** After a random latency each accepted message's [`Receipt`](minicrm_messaging::Receipt) is due; due receipts are
//!   grouped by callback URL into JSON arrays, signed with [`sign`](minicrm_messaging::sign) in the [`SIGNATURE_HEADER`](minicrm_messaging::SIGNATURE_HEADER)
//!   header, and retried with exponential backoff when the callback fails.
//!
//! # Routes
//!
//! | Route | Answer |
//! |---|---|
//! | `POST /v1/messages` ([`OutboundMessage`](minicrm_messaging::OutboundMessage)) | 202 [`Accepted`](minicrm_messaging::Accepted) |
//! | `POST /v1/messages/batch` ([`BatchRequest`](minicrm_messaging::BatchRequest), 1..=[`MAX_BATCH`](minicrm_messaging::MAX_BATCH)) | 202 [`BatchAccepted`](minicrm_messaging::BatchAccepted), in request order |
//! | `GET /v1/stats` | 200 [`VendorStats`](minicrm_messaging::VendorStats) |
//! | `GET /healthz` | 200 |
//!
//! The two `/v1/messages` routes first apply the simulated faults (503 in an outage, then 429 with
//! probability [`VendorConfig::rate_limit_share`]), then require `Authorization: Bearer <api_key>`
//! (401 otherwise). `GET /v1/stats` requires the key too, without the faults. Every error has an
//! [`ErrorBody`](minicrm_messaging::ErrorBody) JSON body.
//!
//! # Running it
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use minicrm_simulator::{Vendor, VendorConfig};
//! use tokio_util::sync::CancellationToken;
//!
//! let vendor = Vendor::new(VendorConfig {
//!     callback_url: Some("http://127.0.0.1:8080/hooks/receipts".into()),
//!     ..VendorConfig::default()
//! });
//! let shutdown = CancellationToken::new();
//! let receipts = tokio::spawn({
//!     let (vendor, shutdown) = (vendor.clone(), shutdown.clone());
//!     async move { vendor.run_receipts(shutdown).await }
//! });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9090").await?;
//! axum::serve(listener, vendor.router())
//!     .with_graceful_shutdown(shutdown.clone().cancelled_owned())
//!     .await?;
//! shutdown.cancel();
//! receipts.await.ok();
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accept;
mod config;
mod counters;
mod http;
mod outcome;
mod receipts;

pub use config::VendorConfig;
pub(crate) use counters::Counters;
use minicrm_messaging::{VendorStats, MAX_RECEIPTS_PER_CALLBACK};
pub use outcome::{deterministic_failure, on_dnd_registry};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use receipts::{Pending, ReceiptQueue};
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The largest request body accepted, in bytes (larger bodies are answered 413).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The simulator: the HTTP routes ([`Vendor::router`]) and the receipt sender
/// ([`Vendor::run_receipts`]) share it. Cloning is cheap: the state is behind an `Arc`.
#[derive(Clone)]
pub struct Vendor {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vendor")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Vendor {
    /// Creates a simulator.
    ///
    /// # Panics
    ///
    /// If the HTTP client for callbacks cannot be built (the TLS backend failed to initialise).
    pub fn new(config: VendorConfig) -> Self {
        let mut seeder = match config.seed {
            Some(seed) => SmallRng::seed_from_u64(seed),
            None => SmallRng::from_entropy(),
        };
        let id_prefix = u64::from(seeder.gen::<u32>()) << 32;
        let book = Book {
            seen: HashMap::default(),
            next_id: id_prefix,
            rng: SmallRng::seed_from_u64(seeder.gen()),
        };
        let fault_rng = SmallRng::seed_from_u64(seeder.gen());
        let (receipts_tx, rx) = mpsc::unbounded_channel();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(receipts::REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("minicrm-simulator/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the callback HTTP client can be built");
        let (lo, hi) = (*config.latency.start(), *config.latency.end());
        let inner = Inner {
            default_callback: config.callback_url.as_deref().map(Arc::from),
            latency_nanos: (saturating_nanos(lo), saturating_nanos(hi.max(lo))),
            receipt_batch: config.receipt_batch.clamp(1, MAX_RECEIPTS_PER_CALLBACK),
            config,
            first_message: OnceLock::new(),
            started: Instant::now(),
            started_at: chrono::Utc::now(),
            reference_hasher: RandomState::new(),
            book: Mutex::new(book),
            fault_rng: Mutex::new(fault_rng),
            receipts_tx,
            queue: Mutex::new(Some(ReceiptQueue::new(rx))),
            counters: Counters::default(),
            client,
            post_slots: tokio::sync::Semaphore::new(receipts::CONCURRENT_POSTS),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The HTTP routes (see the crate documentation), with their state; serve it with `axum::serve`.
    pub fn router(&self) -> axum::Router {
        http::router(self.clone())
    }

    /// Runs the receipt sender until `shutdown` is cancelled, then sends the due receipts it holds and
    /// waits for POSTs in flight, each making at most one more attempt (best effort).
    ///
    /// Receipts not yet due at shutdown are kept, and sent by the next call. Only one sender runs at
    /// a time: a second concurrent call logs a warning and returns at once.
    pub async fn run_receipts(&self, shutdown: CancellationToken) {
        receipts::run(self.inner.clone(), shutdown).await;
    }

    /// The counters, as served by `GET /v1/stats`.
    pub fn stats(&self) -> VendorStats {
        self.inner.counters.snapshot()
    }

    /// The configuration the simulator runs with.
    pub fn config(&self) -> &VendorConfig {
        &self.inner.config
    }
}

/// The shared state behind [`Vendor`].
pub(crate) struct Inner {
    pub(crate) config: VendorConfig,
    pub(crate) default_callback: Option<Arc<str>>,
    /// The latency range in nanoseconds, `lo <= hi`.
    latency_nanos: (u64, u64),
    pub(crate) receipt_batch: usize,
    /// When the first `/v1/messages*` request came: the clock of [`VendorConfig::outages`].
    first_message: OnceLock<Instant>,
    pub(crate) started: Instant,
    pub(crate) started_at: chrono::DateTime<chrono::Utc>,
    /// Keyed SipHash of references; the key is random so that references cannot be chosen to collide.
    reference_hasher: RandomState,
    book: Mutex<Book>,
    fault_rng: Mutex<SmallRng>,
    receipts_tx: mpsc::UnboundedSender<Vec<Pending>>,
    /// The receipt sender's queue while no sender runs.
    pub(crate) queue: Mutex<Option<ReceiptQueue>>,
    pub(crate) counters: Counters,
    pub(crate) client: reqwest::Client,
    pub(crate) post_slots: tokio::sync::Semaphore,
}

/// What acceptance needs under one lock: the seen references and the random source of outcomes.
struct Book {
    /// Hash of a reference → numeric message id: 16 bytes of payload per reference, about 36 bytes
    /// with the table's overhead, so a million references take roughly 36 MB.
    seen: HashMap<u64, u64, BuildHasherDefault<PreHashed>>,
    next_id: u64,
    rng: SmallRng,
}

/// A `Hasher` for keys that are already uniformly distributed hashes.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Locks a mutex, ignoring poisoning: every critical section leaves its data consistent.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn saturating_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The wire form of a numeric message id.
pub(crate) fn message_id(id: u64) -> String {
    format!("vm_{id:016x}")
}

/// The wire form of the receipt id of a numeric message id.
pub(crate) fn receipt_id(id: u64) -> String {
    format!("vr_{id:016x}")
}

#[cfg(test)]
mod tests;
