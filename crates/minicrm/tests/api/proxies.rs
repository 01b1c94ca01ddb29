//! Sign-in limits behind a trusted proxy: each client behind it has its own bucket, named by the
//! proxy's `X-Forwarded-For`, while the same header from a peer that is not a trusted proxy is
//! ignored. The proxy here is this test at 127.0.0.1; the untrusted peer connects from 127.0.0.2.

use crate::helpers::{spawn_app_with, Backend, TestApp};
use minicrm_api::auth::forwarded::TrustedProxies;
use reqwest::StatusCode;

/// One sign-in attempt (a one-time link that does not exist): 400, or 429 once over the limit.
async fn attempt(app: &TestApp, client: &reqwest::Client, forwarded_for: &str) -> StatusCode {
    client
        .get(format!("{}/auth/link?token=not-a-link", app.address))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .expect("request sent")
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_behind_a_trusted_proxy_get_their_own_sign_in_limits() {
    let app = spawn_app_with(&Backend::Sqlite, |c| {
        c.api.auth.signin_per_minute = 2;
        c.api.auth.trusted_proxies = TrustedProxies::parse("127.0.0.1/32").unwrap();
    })
    .await;
    let proxy = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(
            attempt(&app, &proxy, "203.0.113.1").await,
            StatusCode::BAD_REQUEST
        );
    }
    assert_eq!(
        attempt(&app, &proxy, "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // What a client writes into the header itself stays left of what the proxy appends.
    assert_eq!(
        attempt(&app, &proxy, "203.0.113.2, 203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed left-most entry escaped the limit"
    );
    assert_eq!(
        attempt(&app, &proxy, "203.0.113.2").await,
        StatusCode::BAD_REQUEST,
        "another client behind the proxy shares the first one's limit"
    );

    let untrusted = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let statuses = [
        attempt(&app, &untrusted, "198.51.100.1").await,
        attempt(&app, &untrusted, "198.51.100.2").await,
        attempt(&app, &untrusted, "198.51.100.3").await,
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "an untrusted peer's forged header made new clients"
    );
    app.stop().await;
}
