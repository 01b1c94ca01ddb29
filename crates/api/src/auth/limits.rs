//! Rate limits (governor's GCRA, kept per key in memory of each API process, so N processes allow N
//! times the rate): sign-in attempts per client address, and requests per API key. Over the limit a
//! request gets 429 with `Retry-After`.

use super::AuthSettings;
use crate::{ApiError, AppState};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

pub struct Limits {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    api_keys: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl Limits {
    pub fn new(settings: &AuthSettings) -> Self {
        let per_minute = non_zero(settings.signin_per_minute);
        Self {
            sign_in: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(per_minute)),
            api_keys: (settings.api_key_per_second > 0).then(|| {
                let rate = non_zero(settings.api_key_per_second);
                RateLimiter::keyed(
                    Quota::per_second(rate).allow_burst(non_zero(rate.get().saturating_mul(2))),
                )
            }),
            clock: DefaultClock::default(),
        }
    }

    /// One sign-in attempt from `client`.
    pub fn check_sign_in(&self, client: IpAddr) -> Result<(), ApiError> {
        if self.sign_in.len() > 10_000 {
            self.sign_in.retain_recent();
        }
        self.sign_in
            .check_key(&client)
            .map_err(|not_until| self.too_many(not_until.wait_time_from(self.clock.now())))
    }

    /// One request under the API key `id`.
    pub fn check_key(&self, id: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.api_keys else {
            return Ok(());
        };
        // Keys are few and long-lived: no key is ever new for long, so the map stays small.
        limiter
            .check_key(&id.to_owned())
            .map_err(|not_until| self.too_many(not_until.wait_time_from(self.clock.now())))
    }

    fn too_many(&self, wait: std::time::Duration) -> ApiError {
        ApiError::TooManyRequests {
            retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}

/// The client's address: the TCP peer, or, when the peer is one of `MINICRM_TRUSTED_PROXIES`, the
/// client its forwarding headers name (see [`forwarded`](super::forwarded)).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        let proxies = &state.settings.auth.trusted_proxies;
        Ok(ClientIp(proxies.client(peer, &parts.headers)))
    }
}
