//! The command line and its environment variables: every option is documented once, here, and shows
//! in `minicrm --help`. Zero configuration runs on SQLite with the database queue on 127.0.0.1:8080.

use crate::http_server::HttpLimits;
use clap::{Args, Parser, Subcommand};
use minicrm_api::auth::forwarded::TrustedProxies;
use minicrm_bus::{amqp::AmqpOptions, ConsumerOptions};
use minicrm_domain::Currency;
use minicrm_workers::IngestSettings;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "minicrm",
    version,
    about = "minicrm: a customer-engagement CRM in one binary.",
    long_about = "minicrm: a customer-engagement CRM in one binary.\n\n\
    With no configuration it runs on SQLite (./minicrm.db) with a durable queue in the database, \
    listening on 127.0.0.1:8080. Set DATABASE_URL=postgres://… and MINICRM_AMQP_URL=amqp://… to scale out \
    with many `minicrm api` and `minicrm worker` processes."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run every role in one process: the HTTP API and the workers (the default deployment).
    Serve,
    /// Run only the HTTP API.
    Api,
    /// Run only the workers (the queue consumers, the campaign scheduler and the senders).
    Worker,
    /// Run only the vendor simulator (a messaging vendor over HTTP that posts signed receipts back).
    Vendor,
    /// Apply the database migrations and exit (every role also applies them at start).
    Migrate,
    /// Fill the database with realistic, deterministic demo data.
    Seed(SeedArgs),
    /// Print a fresh one-time sign-in link (the local mode, with no OpenID Connect configured).
    #[command(name = "login-link")]
    LoginLink,
    /// Manage API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Measure performance (see README for the figures).
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
}

#[derive(Args, Debug)]
pub struct SeedArgs {
    /// How many customers to make.
    #[arg(long, default_value_t = 10_000)]
    pub customers: u64,
    /// How many orders to make, spread over the customers.
    #[arg(long, default_value_t = 50_000)]
    pub orders: u64,
    /// The random seed: the same seed and --now give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The moment the data is made relative to (RFC 3339); now, if not given.
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Create a key; the key itself is printed as the last line, and never shown again.
    Create {
        /// A name that says who uses the key.
        #[arg(long)]
        name: String,
        /// Comma-separated scopes: ingest, read, write, admin (admin implies all).
        #[arg(long, default_value = "ingest,read")]
        scopes: String,
    },
}

/// Settings shared by every command. Each can be given as a flag or as its environment variable.
#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// The database: sqlite://path (created if missing; the queue goes beside it in path.queue.db) or
    /// postgres://user@host/db.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://minicrm.db",
        global = true
    )]
    pub database_url: String,
    /// Where the HTTP API listens.
    #[arg(
        long,
        env = "MINICRM_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// RabbitMQ (amqp://user:pass@host:5672/vhost). Unset: the durable queue in the database.
    #[arg(long, env = "MINICRM_AMQP_URL", global = true, hide_env_values = true)]
    pub amqp_url: Option<String>,
    /// Prefix of every RabbitMQ queue name, so deployments can share a broker.
    #[arg(
        long,
        env = "MINICRM_AMQP_NAMESPACE",
        default_value = "minicrm",
        global = true
    )]
    pub amqp_namespace: String,
    /// The store's ISO 4217 currency: orders must be in it.
    #[arg(long, env = "MINICRM_CURRENCY", default_value = "INR", global = true)]
    pub currency: String,
    /// The largest batch of customers or orders one request may carry, in bytes (other JSON bodies
    /// are small objects, up to 1 MiB; receipt callbacks up to 256 KiB).
    #[arg(long, env = "MINICRM_MAX_BODY_BYTES", default_value_t = 32 * 1024 * 1024, global = true)]
    pub max_body_bytes: usize,
    /// How many request bodies over 1 MiB the API reads and parses at once; more wait their turn
    /// (up to 30 s, then 503). Bounds the memory large requests can take together.
    #[arg(
        long,
        env = "MINICRM_MAX_LARGE_BODIES",
        default_value_t = 2,
        global = true
    )]
    pub max_large_bodies: usize,
    /// The largest CSV file an import takes, in bytes (streamed in batches, never held whole).
    #[arg(long, env = "MINICRM_IMPORT_MAX_BYTES", default_value_t = 256 * 1024 * 1024, global = true)]
    pub import_max_bytes: usize,
    /// Database connections per process (SQLite: readers beside the one writer).
    #[arg(
        long,
        env = "MINICRM_DB_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_max_connections: u32,
    /// Messages each worker handles at once per queue (and RabbitMQ's prefetch).
    #[arg(
        long,
        env = "MINICRM_WORKER_CONCURRENCY",
        default_value_t = 2,
        global = true
    )]
    pub worker_concurrency: usize,
    /// Queue messages the database queue applies in one transaction (bigger: fewer, larger commits).
    #[arg(long, env = "MINICRM_QUEUE_BATCH", default_value_t = 16, global = true)]
    pub queue_batch: usize,
    /// Deliveries of a failing message before it is dead-lettered.
    #[arg(long, env = "MINICRM_MAX_ATTEMPTS", default_value_t = 8, global = true)]
    pub max_attempts: u32,
    /// Seconds an order may wait for its customer before it is rejected.
    #[arg(
        long,
        env = "MINICRM_ORDER_RETRY_WINDOW_SECS",
        default_value_t = 3600,
        global = true
    )]
    pub order_retry_window_secs: u64,
    /// The address people and the vendor reach the API at (receipts go to PUBLIC_URL/api/v1/receipts).
    /// Unset: http://BIND.
    #[arg(long, env = "MINICRM_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// The messaging vendor the workers send to. Unset: the simulator at http://VENDOR_BIND.
    #[arg(long, env = "MINICRM_VENDOR_URL", global = true)]
    pub vendor_url: Option<String>,
    /// Our API key at the vendor. `serve` makes one up when unset; separate processes must share one.
    #[arg(
        long,
        env = "MINICRM_VENDOR_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub vendor_api_key: Option<String>,
    /// The secret the vendor signs receipts with (HMAC-SHA256). `serve` makes one up when unset;
    /// separate processes must share one.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub receipt_secret: Option<String>,
    /// How old a receipt's signature may be, in seconds.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_MAX_AGE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub receipt_max_age_secs: u64,
    /// Messages per second the workers of one process send to the vendor.
    #[arg(
        long,
        env = "MINICRM_DELIVERY_RATE",
        default_value_t = 20_000,
        global = true
    )]
    pub delivery_rate: u32,
    /// Send jobs (of up to 1,000 messages) one worker process runs at once.
    #[arg(
        long,
        env = "MINICRM_DELIVERY_CONCURRENCY",
        default_value_t = 4,
        global = true
    )]
    pub delivery_concurrency: usize,
    /// Receipt callbacks (each up to 500 receipts) applied in one transaction.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_BATCH",
        default_value_t = 16,
        global = true
    )]
    pub receipt_batch: usize,
    /// How long the receipt consumer waits for a batch to fill, in milliseconds.
    #[arg(
        long,
        env = "MINICRM_RECEIPT_LINGER_MS",
        default_value_t = 50,
        global = true
    )]
    pub receipt_linger_ms: u64,
    /// Seconds the database queue leases a message to a consumer: a consumer that dies holding one
    /// leaves it to another after this long (RabbitMQ hands it back as soon as the connection drops).
    #[arg(
        long,
        env = "MINICRM_QUEUE_LEASE_SECS",
        default_value_t = 120,
        global = true
    )]
    pub queue_lease_secs: u64,
    /// Seconds a message may stay `sending` unrenewed (its sender died between claiming and recording)
    /// before another worker sends it again; the vendor recognises the repeat by its reference. A live
    /// sender renews its claim between tries, so keep this above one vendor request's time limit (15 s).
    #[arg(
        long,
        env = "MINICRM_DELIVERY_STALE_SECS",
        default_value_t = 60,
        global = true
    )]
    pub delivery_stale_secs: u64,
    /// Where the vendor simulator listens (`minicrm vendor`, and inside `serve`).
    #[arg(
        long,
        env = "MINICRM_VENDOR_BIND",
        default_value = "127.0.0.1:8090",
        global = true
    )]
    pub vendor_bind: SocketAddr,
    /// The simulator's share of messages delivered (the rest fail with a carrier reason; invalid
    /// numbers and do-not-disturb numbers fail whatever this says).
    #[arg(
        long,
        env = "MINICRM_VENDOR_SUCCESS_RATE",
        default_value_t = 0.9,
        global = true
    )]
    pub vendor_success_rate: f64,
    /// The simulator's receipt delay in milliseconds, as MIN-MAX (uniform) or one number.
    #[arg(
        long,
        env = "MINICRM_VENDOR_LATENCY_MS",
        default_value = "200-2000",
        global = true
    )]
    pub vendor_latency_ms: String,
    /// The simulator's share of requests answered 429 Too Many Requests.
    #[arg(
        long,
        env = "MINICRM_VENDOR_RATE_LIMIT_SHARE",
        default_value_t = 0.0,
        global = true
    )]
    pub vendor_rate_limit_share: f64,
    /// The simulator's outage windows in seconds from the first message it receives, as
    /// FROM-TO[,FROM-TO…]: every request then gets 503.
    #[arg(
        long,
        env = "MINICRM_VENDOR_OUTAGES",
        default_value = "",
        global = true
    )]
    pub vendor_outages: String,
    /// OpenID Connect client id (Google's by default). Unset: the local mode — the API listens on
    /// loopback only and signs people in with one-time links (`minicrm login-link`).
    #[arg(long, env = "MINICRM_OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// OpenID Connect client secret.
    #[arg(
        long,
        env = "MINICRM_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// The OpenID Connect issuer, found through discovery (ISSUER/.well-known/openid-configuration).
    #[arg(
        long,
        env = "MINICRM_OIDC_ISSUER",
        default_value = minicrm_api::auth::oidc::GOOGLE,
        global = true
    )]
    pub oidc_issuer: String,
    /// Comma-separated e-mail addresses that may sign in through OpenID Connect.
    #[arg(
        long,
        env = "MINICRM_ALLOWED_EMAILS",
        default_value = "",
        global = true
    )]
    pub allowed_emails: String,
    /// Comma-separated domains whose addresses may sign in (e.g. example.com).
    #[arg(
        long,
        env = "MINICRM_ALLOWED_DOMAINS",
        default_value = "",
        global = true
    )]
    pub allowed_domains: String,
    /// The role of someone signing in for the first time (admin, marketer, viewer); the very first
    /// person to sign in through OpenID Connect becomes an admin.
    #[arg(
        long,
        env = "MINICRM_DEFAULT_ROLE",
        default_value = "viewer",
        global = true
    )]
    pub default_role: String,
    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "MINICRM_SESSION_IDLE_MINUTES",
        default_value_t = 720,
        global = true
    )]
    pub session_idle_minutes: u64,
    /// Hours after sign-in at which a session ends, however active.
    #[arg(
        long,
        env = "MINICRM_SESSION_MAX_HOURS",
        default_value_t = 168,
        global = true
    )]
    pub session_max_hours: u64,
    /// Sign-in attempts allowed per client address per minute.
    #[arg(
        long,
        env = "MINICRM_SIGNIN_PER_MINUTE",
        default_value_t = 30,
        global = true
    )]
    pub signin_per_minute: u32,
    /// Comma-separated networks (10.0.0.0/8,::1/128) of the proxies in front of the API. Only for a
    /// connection from one of them are Forwarded / X-Forwarded-For read (from the right) for the
    /// client's address, which sign-in limits count by. Empty: the TCP peer is the client.
    #[arg(
        long,
        env = "MINICRM_TRUSTED_PROXIES",
        default_value = "",
        global = true
    )]
    pub trusted_proxies: String,
    /// Requests allowed per API key per second, in bursts of up to twice that; 0: no limit.
    #[arg(
        long,
        env = "MINICRM_API_KEY_PER_SECOND",
        default_value_t = 1000,
        global = true
    )]
    pub api_key_per_second: u32,
    /// The AI provider: local (offline, the default), gemini, or openai (any OpenAI-compatible
    /// server: OpenAI, Ollama, vLLM, llama.cpp).
    #[arg(
        long,
        env = "MINICRM_AI_PROVIDER",
        default_value = "local",
        global = true
    )]
    pub ai_provider: String,
    /// The AI provider's API key.
    #[arg(
        long,
        env = "MINICRM_AI_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub ai_api_key: Option<String>,
    /// The AI provider's base URL (e.g. http://127.0.0.1:11434/v1 for Ollama). Unset: the vendor's own.
    #[arg(long, env = "MINICRM_AI_BASE_URL", global = true)]
    pub ai_base_url: Option<String>,
    /// The model (default gemini-2.0-flash or gpt-4o-mini).
    #[arg(long, env = "MINICRM_AI_MODEL", global = true)]
    pub ai_model: Option<String>,
    /// Seconds to wait for the model before trying once more, then answering locally.
    #[arg(
        long,
        env = "MINICRM_AI_TIMEOUT_SECS",
        default_value_t = 20,
        global = true
    )]
    pub ai_timeout_secs: u64,
    /// The built web UI (`npm run build` in web/ writes it); unset or missing: `/` says how to build it.
    #[arg(
        long,
        env = "MINICRM_WEB_DIR",
        default_value = "web/dist",
        global = true
    )]
    pub web_dir: String,
    /// Where to serve /healthz, /readyz and /metrics on a listener of their own (e.g. 0.0.0.0:9100),
    /// so that `minicrm worker` and `minicrm vendor`, which serve no API, can be scraped; /metrics
    /// takes an API key with the read scope, as on the API. Unset: no such listener (the API serves
    /// /metrics itself).
    #[arg(long, env = "MINICRM_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Seconds a client has to send a request's head (line and headers), from connecting or from its
    /// first byte on a kept-alive connection; then the connection is closed.
    #[arg(
        long,
        env = "MINICRM_HTTP_HEADER_TIMEOUT_SECS",
        default_value_t = 20,
        global = true
    )]
    pub http_header_timeout_secs: u64,
    /// Seconds a kept-alive connection may stay without a request or a byte before it is closed (keep
    /// a proxy's own idle timeout towards minicrm below this).
    #[arg(
        long,
        env = "MINICRM_HTTP_IDLE_TIMEOUT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub http_idle_timeout_secs: u64,
    /// Connections each listener holds open at once; at the cap it accepts no more until one closes.
    #[arg(
        long,
        env = "MINICRM_HTTP_MAX_CONNECTIONS",
        default_value_t = 10_000,
        global = true
    )]
    pub http_max_connections: u32,
    /// Log filter, as in RUST_LOG (e.g. info, minicrm=debug).
    #[arg(long, env = "MINICRM_LOG", default_value = "info", global = true)]
    pub log: String,
}

impl Settings {
    /// The settings of a fresh deployment on `database_url`, as if no flag or variable were given.
    pub fn defaults(database_url: impl Into<String>) -> Self {
        let mut s = Cli::parse_from(["minicrm", "serve"]).settings;
        s.database_url = database_url.into();
        s
    }

    pub fn currency(&self) -> anyhow::Result<Currency> {
        Currency::parse(&self.currency).map_err(|e| anyhow::anyhow!("MINICRM_CURRENCY: {e}"))
    }

    pub fn consumer(&self) -> ConsumerOptions {
        ConsumerOptions {
            concurrency: self.worker_concurrency,
            max_attempts: self.max_attempts,
            batch: self.queue_batch,
            visibility_timeout: Duration::from_secs(self.queue_lease_secs.max(1)),
            tuning: minicrm_workers::queue_tuning(
                self.delivery_concurrency,
                self.receipt_batch,
                Duration::from_millis(self.receipt_linger_ms),
            ),
            ..Default::default()
        }
    }

    /// The simulator's settings; its secrets are the deployment's.
    pub fn vendor(
        &self,
        api_key: &str,
        secret: &str,
        callback: Option<String>,
    ) -> anyhow::Result<minicrm_simulator::VendorConfig> {
        let millis = |text: &str| -> anyhow::Result<Duration> {
            Ok(Duration::from_millis(text.trim().parse().map_err(
                |_| anyhow::anyhow!("'{text}' is not a number of milliseconds"),
            )?))
        };
        let latency = match self.vendor_latency_ms.split_once('-') {
            Some((a, b)) => millis(a)?..=millis(b)?,
            None => millis(&self.vendor_latency_ms)?..=millis(&self.vendor_latency_ms)?,
        };
        anyhow::ensure!(
            latency.start() <= latency.end(),
            "MINICRM_VENDOR_LATENCY_MS: MIN must not exceed MAX"
        );
        let mut outages = Vec::new();
        for window in self
            .vendor_outages
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            let (a, b) = window.split_once('-').ok_or_else(|| {
                anyhow::anyhow!("MINICRM_VENDOR_OUTAGES: '{window}' is not FROM-TO")
            })?;
            let secs = |t: &str| {
                t.trim()
                    .parse::<f64>()
                    .map(Duration::from_secs_f64)
                    .map_err(|_| anyhow::anyhow!("MINICRM_VENDOR_OUTAGES: '{t}' is not seconds"))
            };
            outages.push(secs(a)?..secs(b)?);
        }
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.vendor_success_rate),
            "MINICRM_VENDOR_SUCCESS_RATE must be within 0..1"
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.vendor_rate_limit_share),
            "MINICRM_VENDOR_RATE_LIMIT_SHARE must be within 0..1"
        );
        Ok(minicrm_simulator::VendorConfig {
            api_key: api_key.to_owned(),
            signing_secret: secret.to_owned(),
            callback_url: callback,
            success_rate: self.vendor_success_rate,
            latency,
            rate_limit_share: self.vendor_rate_limit_share,
            outages,
            ..Default::default()
        })
    }

    /// How people sign in. The public URL is completed at start when not configured.
    pub fn auth(&self) -> anyhow::Result<minicrm_api::AuthSettings> {
        let list = |text: &str| -> Vec<String> {
            text.split(',')
                .map(|p| p.trim().trim_start_matches('@').to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect()
        };
        let oidc = match &self.oidc_client_id {
            Some(id) if !id.trim().is_empty() => Some(minicrm_api::auth::oidc::OidcSettings {
                issuer: self.oidc_issuer.trim().trim_end_matches('/').to_owned(),
                client_id: id.trim().to_owned(),
                client_secret: self
                    .oidc_client_secret
                    .clone()
                    .filter(|s| !s.trim().is_empty()),
            }),
            _ => None,
        };
        let settings = minicrm_api::AuthSettings {
            oidc,
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.bind)),
            allowed_emails: list(&self.allowed_emails),
            allowed_domains: list(&self.allowed_domains),
            default_role: minicrm_domain::Role::parse(&self.default_role)
                .map_err(|e| anyhow::anyhow!("MINICRM_DEFAULT_ROLE: {e}"))?,
            session_idle: Duration::from_secs(self.session_idle_minutes.max(1) * 60),
            session_lifetime: Duration::from_secs(self.session_max_hours.max(1) * 3600),
            signin_per_minute: self.signin_per_minute,
            api_key_per_second: self.api_key_per_second,
            trusted_proxies: TrustedProxies::parse(&self.trusted_proxies)
                .map_err(|e| anyhow::anyhow!("MINICRM_TRUSTED_PROXIES: {e}"))?,
            ..Default::default()
        };
        if settings.oidc.is_some() {
            anyhow::ensure!(
                !settings.allowed_emails.is_empty() || !settings.allowed_domains.is_empty(),
                "MINICRM_OIDC_CLIENT_ID is set but no one may sign in: set MINICRM_ALLOWED_EMAILS or \
                 MINICRM_ALLOWED_DOMAINS"
            );
        }
        Ok(settings)
    }

    /// Which AI provider answers; a provider that cannot work as configured is an error here.
    pub fn ai(&self) -> anyhow::Result<minicrm_assistant::AiSettings> {
        let settings = minicrm_assistant::AiSettings {
            provider: self.ai_provider.clone(),
            api_key: self.ai_api_key.clone(),
            base_url: self.ai_base_url.clone(),
            model: self.ai_model.clone(),
            timeout: Duration::from_secs(self.ai_timeout_secs.max(1)),
        };
        settings
            .model()
            .map_err(|e| anyhow::anyhow!("MINICRM_AI_PROVIDER: {e}"))?;
        Ok(settings)
    }

    /// How stale `sending` rows are found: looked for four times per staleness period, at most every
    /// 15 s and at least every 250 ms.
    pub fn delivery_staleness(&self) -> (Duration, Duration) {
        let stale = Duration::from_secs(self.delivery_stale_secs.max(1));
        let sweep = (stale / 4).clamp(Duration::from_millis(250), Duration::from_secs(15));
        (stale, sweep)
    }

    /// The limits every HTTP listener keeps; none of them can be zero.
    pub fn http(&self) -> HttpLimits {
        HttpLimits {
            header_timeout: Duration::from_secs(self.http_header_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(self.http_idle_timeout_secs.max(1)),
            max_connections: self.http_max_connections.max(1),
        }
    }

    pub fn ingest(&self) -> IngestSettings {
        IngestSettings {
            order_retry_window: Duration::from_secs(self.order_retry_window_secs),
            ..Default::default()
        }
    }

    pub fn amqp(&self) -> Option<AmqpOptions> {
        self.amqp_url.as_ref().map(|url| AmqpOptions {
            url: url.clone(),
            namespace: self.amqp_namespace.clone(),
            queue_expires: None,
        })
    }
}
