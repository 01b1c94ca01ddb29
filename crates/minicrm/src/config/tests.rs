//! The settings' outside: every variable, flag and default stays what operators have written down,
//! whichever group a setting sits in, and no secret among them ever prints.

use super::Cli;
use clap::{CommandFactory, Parser};
use secrecy::ExposeSecret;

/// (variable, flag, default) of every setting, as they were when the settings were one flat list.
const EVERY_SETTING: &[(&str, &str, &str)] = &[
    ("DATABASE_URL", "database-url", "sqlite://minicrm.db"),
    ("MINICRM_BIND", "bind", "127.0.0.1:8080"),
    ("MINICRM_AMQP_URL", "amqp-url", ""),
    ("MINICRM_AMQP_NAMESPACE", "amqp-namespace", "minicrm"),
    ("MINICRM_CURRENCY", "currency", "INR"),
    ("MINICRM_MAX_BODY_BYTES", "max-body-bytes", "33554432"),
    ("MINICRM_MAX_LARGE_BODIES", "max-large-bodies", "2"),
    ("MINICRM_IMPORT_MAX_BYTES", "import-max-bytes", "268435456"),
    ("MINICRM_DB_MAX_CONNECTIONS", "db-max-connections", "8"),
    ("MINICRM_WORKER_CONCURRENCY", "worker-concurrency", "2"),
    ("MINICRM_QUEUE_BATCH", "queue-batch", "16"),
    ("MINICRM_MAX_ATTEMPTS", "max-attempts", "8"),
    (
        "MINICRM_ORDER_RETRY_WINDOW_SECS",
        "order-retry-window-secs",
        "3600",
    ),
    ("MINICRM_PUBLIC_URL", "public-url", ""),
    ("MINICRM_VENDOR_URL", "vendor-url", ""),
    ("MINICRM_VENDOR_API_KEY", "vendor-api-key", ""),
    ("MINICRM_RECEIPT_SECRET", "receipt-secret", ""),
    (
        "MINICRM_RECEIPT_MAX_AGE_SECS",
        "receipt-max-age-secs",
        "300",
    ),
    ("MINICRM_DELIVERY_RATE", "delivery-rate", "20000"),
    ("MINICRM_DELIVERY_CONCURRENCY", "delivery-concurrency", "4"),
    ("MINICRM_RECEIPT_BATCH", "receipt-batch", "16"),
    ("MINICRM_RECEIPT_LINGER_MS", "receipt-linger-ms", "50"),
    ("MINICRM_QUEUE_LEASE_SECS", "queue-lease-secs", "120"),
    ("MINICRM_DELIVERY_STALE_SECS", "delivery-stale-secs", "60"),
    ("MINICRM_VENDOR_BIND", "vendor-bind", "127.0.0.1:8090"),
    ("MINICRM_VENDOR_SUCCESS_RATE", "vendor-success-rate", "0.9"),
    ("MINICRM_VENDOR_LATENCY_MS", "vendor-latency-ms", "200-2000"),
    (
        "MINICRM_VENDOR_RATE_LIMIT_SHARE",
        "vendor-rate-limit-share",
        "0",
    ),
    ("MINICRM_VENDOR_OUTAGES", "vendor-outages", ""),
    ("MINICRM_OIDC_CLIENT_ID", "oidc-client-id", ""),
    ("MINICRM_OIDC_CLIENT_SECRET", "oidc-client-secret", ""),
    (
        "MINICRM_OIDC_ISSUER",
        "oidc-issuer",
        "https://accounts.google.com",
    ),
    ("MINICRM_ALLOWED_EMAILS", "allowed-emails", ""),
    ("MINICRM_ALLOWED_DOMAINS", "allowed-domains", ""),
    ("MINICRM_DEFAULT_ROLE", "default-role", "viewer"),
    (
        "MINICRM_SESSION_IDLE_MINUTES",
        "session-idle-minutes",
        "720",
    ),
    ("MINICRM_SESSION_MAX_HOURS", "session-max-hours", "168"),
    ("MINICRM_SIGNIN_PER_MINUTE", "signin-per-minute", "30"),
    ("MINICRM_TRUSTED_PROXIES", "trusted-proxies", ""),
    ("MINICRM_API_KEY_PER_SECOND", "api-key-per-second", "1000"),
    ("MINICRM_AI_PROVIDER", "ai-provider", "local"),
    ("MINICRM_AI_API_KEY", "ai-api-key", ""),
    ("MINICRM_AI_BASE_URL", "ai-base-url", ""),
    ("MINICRM_AI_MODEL", "ai-model", ""),
    ("MINICRM_AI_TIMEOUT_SECS", "ai-timeout-secs", "20"),
    ("MINICRM_WEB_DIR", "web-dir", ""),
    ("MINICRM_METRICS_BIND", "metrics-bind", ""),
    (
        "MINICRM_HTTP_HEADER_TIMEOUT_SECS",
        "http-header-timeout-secs",
        "20",
    ),
    (
        "MINICRM_HTTP_IDLE_TIMEOUT_SECS",
        "http-idle-timeout-secs",
        "60",
    ),
    (
        "MINICRM_HTTP_MAX_CONNECTIONS",
        "http-max-connections",
        "10000",
    ),
    ("MINICRM_LOG", "log", "info"),
];

#[test]
fn every_setting_keeps_its_variable_flag_and_default() {
    let command = Cli::command();
    let mut found: Vec<(String, String, String)> = command
        .get_arguments()
        .filter_map(|arg| {
            let env = arg.get_env()?.to_string_lossy().into_owned();
            let long = arg.get_long().unwrap_or_default().to_owned();
            let default = arg.get_default_values().iter();
            let default = default.map(|d| d.to_string_lossy()).collect::<Vec<_>>();
            Some((env, long, default.join(",")))
        })
        .collect();
    let mut expected: Vec<(String, String, String)> = EVERY_SETTING
        .iter()
        .map(|(e, l, d)| (e.to_string(), l.to_string(), d.to_string()))
        .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn every_setting_is_global() {
    let command = Cli::command();
    let settings = command.get_arguments().filter(|a| a.get_env().is_some());
    for arg in settings {
        assert!(arg.is_global_set(), "{} is not global", arg.get_id());
    }
}

/// Every secret the settings hold, as a flag and a value that must never be printed (for a URL: the
/// password in it).
const SECRETS: &[(&str, &str, &str)] = &[
    (
        "--receipt-secret",
        "receipt-5e1f0c7a9b2d4e6f8a0b1c2d3e4f5a6b",
        "receipt-5e1f",
    ),
    (
        "--vendor-api-key",
        "vendor-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
        "vendor-9a8b",
    ),
    (
        "--oidc-client-secret",
        "oidc-GOCSPX-3f2e1d0c9b8a7f6e5d4c",
        "oidc-GOCSPX",
    ),
    (
        "--ai-api-key",
        "ai-AIzaSy0123456789abcdefghijklmnop",
        "ai-AIzaSy",
    ),
    (
        "--amqp-url",
        "amqp://crm:amqp-pw-7c6b5a49@rabbit:5672/crm",
        "amqp-pw-7c6b",
    ),
    (
        "--database-url",
        "postgres://crm:db-pw-0f1e2d3c@db:5432/crm",
        "db-pw-0f1e",
    ),
];

#[test]
fn the_settings_never_print_their_secrets() {
    let flags = SECRETS.iter().flat_map(|(flag, value, _)| [*flag, *value]);
    let args = std::iter::once("minicrm").chain(flags).chain(["serve"]);
    let cli = Cli::try_parse_from(args).expect("the command line parses");

    let printed = format!("{:?}\n{:#?}\n{cli:?}", cli.settings, cli.settings);

    for (flag, _, secret) in SECRETS {
        assert!(!printed.contains(secret), "{flag} is printed: {printed}");
    }
    // What is not secret still prints: the database's host, without the password.
    assert!(printed.contains("postgres://…@db:5432/crm"), "{printed}");
    // Nor does what the process is built from: every crate's settings keep their secrets too.
    let config = crate::app::AppConfig::from_settings(&cli.settings, crate::app::Roles::ALL)
        .expect("the settings make a configuration");
    let built = format!("{config:?}");
    for (flag, _, secret) in SECRETS {
        assert!(!built.contains(secret), "{flag} is printed: {built}");
    }
    assert!(built.contains("postgres://…@db:5432/crm"), "{built}");
    let exposed = cli.settings.delivery.receipt_secret.as_ref();
    assert_eq!(exposed.map(|s| s.expose_secret()), Some(SECRETS[0].1));
}
