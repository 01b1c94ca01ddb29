//! The HTTP side of a process: where it listens, the address people reach it at, the limits every
//! listener keeps, the proxies it trusts, and the web UI it serves.

use crate::http_server::HttpLimits;
use clap::Args;
use minicrm_api::auth::forwarded::TrustedProxies;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct ServerArgs {
    /// Where the HTTP API listens.
    #[arg(
        long,
        env = "MINICRM_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// How many request bodies over 1 MiB the API reads and parses at once; more wait their turn
    /// (up to 30 s, then 503). Bounds the memory large requests can take together.
    #[arg(
        long,
        env = "MINICRM_MAX_LARGE_BODIES",
        default_value_t = 2,
        global = true
    )]
    pub max_large_bodies: usize,
    /// The address people and the vendor reach the API at (receipts go to PUBLIC_URL/api/v1/receipts).
    /// Unset: http://BIND.
    #[arg(long, env = "MINICRM_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
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
    /// A folder to serve the web UI from instead of the one built into the binary, for work on the UI
    /// (`npm run build` in web/ writes web/dist). Unset or empty: the UI in the binary.
    #[arg(long, env = "MINICRM_WEB_DIR", global = true)]
    pub web_dir: Option<String>,
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
}

impl ServerArgs {
    /// The limits every HTTP listener keeps; none of them can be zero.
    pub fn http(&self) -> HttpLimits {
        HttpLimits {
            header_timeout: Duration::from_secs(self.http_header_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(self.http_idle_timeout_secs.max(1)),
            max_connections: self.http_max_connections.max(1),
        }
    }

    /// Where people and the vendor reach the API: the public URL, or else the bind address.
    pub fn public_url_or_bind(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// A folder that stands in for the UI built into the binary; unset or empty: the binary's own.
    pub fn web_dir(&self) -> Option<std::path::PathBuf> {
        self.web_dir
            .clone()
            .filter(|d| !d.is_empty())
            .map(Into::into)
    }

    pub fn trusted_proxies(&self) -> anyhow::Result<TrustedProxies> {
        TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("MINICRM_TRUSTED_PROXIES: {e}"))
    }
}
