use super::{queue_database_url, AppConfig, Roles};
use crate::Settings;

#[test]
fn short_hand_set_secrets_are_refused_by_name() {
    let with = |key: &str, secret: &str| {
        let mut settings = Settings::defaults("sqlite://unused.db");
        settings.delivery.vendor_api_key = Some(key.into());
        settings.delivery.receipt_secret = Some(secret.into());
        settings
    };
    let long = "k".repeat(32);
    let error = |settings: &Settings, roles| {
        let result = AppConfig::from_settings(settings, roles);
        format!("{:#}", result.expect_err("refused"))
    };
    let message = error(&with(&long, "changeme"), Roles::API);
    assert!(message.contains("MINICRM_RECEIPT_SECRET"), "{message}");
    assert!(message.contains("32"), "{message}");
    assert!(
        !message.contains("changeme"),
        "the secret is not echoed: {message}"
    );
    let message = error(&with(&"k".repeat(31), &long), Roles::WORKER);
    assert!(message.contains("MINICRM_VENDOR_API_KEY"), "{message}");
    // `serve` takes no shortcut either: a secret given is a secret checked.
    let message = error(&with("short", &long), Roles::ALL);
    assert!(message.contains("MINICRM_VENDOR_API_KEY"), "{message}");
    // Surrounding spaces do not count towards the length.
    let padded = format!("  {}  ", "k".repeat(30));
    let message = error(&with(&long, &padded), Roles::VENDOR);
    assert!(message.contains("MINICRM_RECEIPT_SECRET"), "{message}");
    for roles in [Roles::ALL, Roles::API, Roles::WORKER, Roles::VENDOR] {
        assert!(AppConfig::from_settings(&with(&long, &long), roles).is_ok());
    }
}

#[test]
fn the_queue_sits_beside_a_sqlite_database() {
    assert_eq!(
        queue_database_url("sqlite://minicrm.db").as_deref(),
        Some("sqlite://minicrm.queue.db")
    );
    assert_eq!(
        queue_database_url("sqlite:///var/lib/crm?mode=rwc").as_deref(),
        Some("sqlite:///var/lib/crm.queue?mode=rwc")
    );
    assert_eq!(queue_database_url("postgres://localhost/crm"), None);
}
