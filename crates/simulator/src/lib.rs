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

mod http;
mod outcome;
mod receipts;

use minicrm_messaging::{
    Accepted, FailureReason, OutboundMessage, VendorStats, MAX_RECEIPTS_PER_CALLBACK,
};
pub use outcome::{deterministic_failure, on_dnd_registry};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use receipts::{Pending, ReceiptQueue};
use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::ops::{Range, RangeInclusive};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The largest request body accepted, in bytes (larger bodies are answered 413).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// How the simulator behaves. Start from [`VendorConfig::default`] and override what matters.
#[derive(Debug, Clone)]
pub struct VendorConfig {
    /// The key clients must send as `Authorization: Bearer <api_key>` on `/v1/messages*`.
    pub api_key: secrecy::SecretString,
    /// The HMAC key receipts are signed with (see [`sign`](minicrm_messaging::sign)).
    pub signing_secret: secrecy::SecretString,
    /// Where receipts go when a message has no `callback_url` of its own. Messages with neither get
    /// an outcome (counted in the stats) but no receipt.
    pub callback_url: Option<String>,
    /// The share of messages delivered among those without a data-driven failure (default 0.90).
    /// Values outside `0.0..=1.0` act as the nearest bound.
    pub success_rate: f64,
    /// The delay between acceptance and a message's receipt becoming due, drawn uniformly from this
    /// range (default 200 ms..=2 s; `ZERO..=ZERO` is allowed for benchmarks).
    pub latency: RangeInclusive<Duration>,
    /// The share of `/v1/messages*` requests answered 429 with `Retry-After: 1` (default 0.0).
    pub rate_limit_share: f64,
    /// Windows, measured from the first `/v1/messages*` request the simulator receives, during which
    /// every such request is answered 503. Timed from the first message rather than from the start, so
    /// that an outage falls inside the sending however long the sender took to begin.
    pub outages: Vec<Range<Duration>>,
    /// The most receipts in one callback POST (default and most [`MAX_RECEIPTS_PER_CALLBACK`]; 0 acts
    /// as 1).
    pub receipt_batch: usize,
    /// The longest a due receipt waits for its batch to fill before it is sent (default 50 ms).
    pub receipt_flush: Duration,
    /// Seeds every random choice (outcomes, latencies, faults, id prefix) for reproducible tests.
    pub seed: Option<u64>,
}

impl Default for VendorConfig {
    /// Realistic defaults, with a random 32-byte hex `api_key` and `signing_secret`.
    fn default() -> Self {
        Self {
            api_key: hex::encode(rand::random::<[u8; 32]>()).into(),
            signing_secret: hex::encode(rand::random::<[u8; 32]>()).into(),
            callback_url: None,
            success_rate: 0.90,
            latency: Duration::from_millis(200)..=Duration::from_secs(2),
            rate_limit_share: 0.0,
            outages: Vec::new(),
            receipt_batch: MAX_RECEIPTS_PER_CALLBACK,
            receipt_flush: Duration::from_millis(50),
            seed: None,
        }
    }
}

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

/// The counters behind [`VendorStats`](minicrm_messaging::VendorStats).
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) accepted: AtomicU64,
    pub(crate) duplicates: AtomicU64,
    pub(crate) delivered: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) receipts_pending: AtomicU64,
    pub(crate) receipts_posted: AtomicU64,
    pub(crate) callback_failures: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) outage_refused: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> VendorStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        VendorStats {
            accepted: get(&self.accepted),
            duplicates: get(&self.duplicates),
            delivered: get(&self.delivered),
            failed: get(&self.failed),
            receipts_pending: get(&self.receipts_pending),
            receipts_posted: get(&self.receipts_posted),
            callback_failures: get(&self.callback_failures),
            rate_limited: get(&self.rate_limited),
            outage_refused: get(&self.outage_refused),
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
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

impl Inner {
    /// Whether now falls in a configured outage window; if so, how long until it ends. Called for
    /// every `/v1/messages*` request: the first starts the outages' clock.
    pub(crate) fn outage_remaining(&self) -> Option<Duration> {
        let elapsed = self.first_message.get_or_init(Instant::now).elapsed();
        self.config
            .outages
            .iter()
            .filter(|window| window.contains(&elapsed))
            .map(|window| window.end - elapsed)
            .max()
    }

    /// Draws whether this request is rate-limited.
    pub(crate) fn rate_limited(&self) -> bool {
        let share = self.config.rate_limit_share;
        share > 0.0 && (share >= 1.0 || lock(&self.fault_rng).gen::<f64>() < share)
    }

    fn draw_latency(&self, rng: &mut SmallRng) -> Duration {
        let (lo, hi) = self.latency_nanos;
        Duration::from_nanos(if lo == hi { lo } else { rng.gen_range(lo..=hi) })
    }

    /// Accepts validated messages: answers each in order, and queues the receipts of new ones.
    pub(crate) fn accept(&self, messages: Vec<OutboundMessage>) -> Vec<Accepted> {
        let prepared: Vec<(u64, Option<FailureReason>)> = messages
            .iter()
            .map(|m| {
                (
                    self.reference_hasher.hash_one(m.reference.as_str()),
                    deterministic_failure(m.channel, &m.to),
                )
            })
            .collect();
        let now = Instant::now();
        let mut ids = Vec::with_capacity(messages.len());
        let mut pending = Vec::new();
        {
            let mut guard = lock(&self.book);
            let book = &mut *guard;
            for (message, (key, verdict)) in messages.iter().zip(prepared) {
                match book.seen.entry(key) {
                    Entry::Occupied(seen) => ids.push((*seen.get(), true)),
                    Entry::Vacant(slot) => {
                        let id = book.next_id;
                        book.next_id = book.next_id.wrapping_add(1);
                        slot.insert(id);
                        ids.push((id, false));
                        let reason =
                            outcome::decide(verdict, self.config.success_rate, &mut book.rng);
                        let due = now + self.draw_latency(&mut book.rng);
                        pending.push(Pending {
                            due,
                            id,
                            reference: message.reference.as_str().into(),
                            reason,
                            callback: None,
                        });
                    }
                }
            }
        }

        let mut with_callback = 0;
        let mut fresh = pending.iter_mut();
        let mut results = Vec::with_capacity(messages.len());
        for (message, (id, duplicate)) in messages.into_iter().zip(ids) {
            if !duplicate {
                let p = fresh.next().expect("one pending receipt per new message");
                p.callback = match message.callback_url {
                    Some(url) => Some(Arc::from(url)),
                    None => self.default_callback.clone(),
                };
                with_callback += u64::from(p.callback.is_some());
            }
            results.push(Accepted {
                id: message_id(id),
                reference: message.reference,
                duplicate,
            });
        }

        let new = pending.len() as u64;
        Counters::add(&self.counters.accepted, new);
        Counters::add(&self.counters.duplicates, results.len() as u64 - new);
        Counters::add(&self.counters.receipts_pending, with_callback);
        if !pending.is_empty() && self.receipts_tx.send(pending).is_err() {
            // The receiver lives in `queue` or in a running sender, both owned by `self`.
            tracing::error!("the receipt queue is gone; receipts were lost");
        }
        results
    }
}

#[cfg(test)]
mod tests;
