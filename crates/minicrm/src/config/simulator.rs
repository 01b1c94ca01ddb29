//! The vendor simulator (`minicrm vendor`, and inside `serve`): where it listens and how it behaves —
//! its delivered share, receipt latency, 429 share and outage windows — so fault tests can use it.

use clap::Args;
use std::ops::{Range, RangeInclusive};
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct SimulatorArgs {
    /// Where the vendor simulator listens (`minicrm vendor`, and inside `serve`).
    #[arg(
        long,
        env = "MINICRM_VENDOR_BIND",
        default_value = "127.0.0.1:8090",
        global = true
    )]
    pub vendor_bind: std::net::SocketAddr,
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
}

impl SimulatorArgs {
    /// The simulator's settings; its secrets are the deployment's.
    pub fn vendor(
        &self,
        api_key: &str,
        secret: &str,
        callback: Option<String>,
    ) -> anyhow::Result<minicrm_simulator::VendorConfig> {
        let latency = self.latency()?;
        let outages = self.outages()?;
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.vendor_success_rate),
            "MINICRM_VENDOR_SUCCESS_RATE must be within 0..1"
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.vendor_rate_limit_share),
            "MINICRM_VENDOR_RATE_LIMIT_SHARE must be within 0..1"
        );
        Ok(minicrm_simulator::VendorConfig {
            api_key: api_key.to_owned().into(),
            signing_secret: secret.to_owned().into(),
            callback_url: callback,
            success_rate: self.vendor_success_rate,
            latency,
            rate_limit_share: self.vendor_rate_limit_share,
            outages,
            ..Default::default()
        })
    }

    /// `MIN-MAX` or one number of milliseconds.
    fn latency(&self) -> anyhow::Result<RangeInclusive<Duration>> {
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
        Ok(latency)
    }

    /// `FROM-TO[,FROM-TO…]` in seconds; empty: none.
    fn outages(&self) -> anyhow::Result<Vec<Range<Duration>>> {
        let secs = |t: &str| {
            t.trim()
                .parse::<f64>()
                .map(Duration::from_secs_f64)
                .map_err(|_| anyhow::anyhow!("MINICRM_VENDOR_OUTAGES: '{t}' is not seconds"))
        };
        let windows = self.vendor_outages.split(',').map(str::trim);
        windows
            .filter(|w| !w.is_empty())
            .map(|window| {
                let (a, b) = window.split_once('-').ok_or_else(|| {
                    anyhow::anyhow!("MINICRM_VENDOR_OUTAGES: '{window}' is not FROM-TO")
                })?;
                Ok(secs(a)?..secs(b)?)
            })
            .collect()
    }
}
