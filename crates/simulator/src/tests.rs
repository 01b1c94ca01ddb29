use super::*;
use minicrm_messaging::OutboundMessage;
use secrecy::ExposeSecret;
use std::hash::BuildHasher;

fn message(reference: &str, to: &str) -> OutboundMessage {
    OutboundMessage {
        to: to.into(),
        channel: minicrm_messaging::Channel::Sms,
        body: "hi".into(),
        reference: reference.into(),
        callback_url: None,
    }
}

#[test]
fn duplicates_within_and_across_batches_share_ids() {
    let vendor = Vendor::new(VendorConfig {
        seed: Some(1),
        ..VendorConfig::default()
    });
    let first = vendor.inner.accept(vec![
        message("a", "+14155550100"),
        message("b", "+14155550101"),
        message("a", "+14155550100"),
    ]);
    assert_eq!(first[0].id, first[2].id);
    assert_ne!(first[0].id, first[1].id);
    assert_eq!(
        first.iter().map(|a| a.duplicate).collect::<Vec<_>>(),
        [false, false, true]
    );
    let again = vendor.inner.accept(vec![message("b", "+14155550101")]);
    assert_eq!(again[0].id, first[1].id);
    assert!(again[0].duplicate);
    let stats = vendor.stats();
    assert_eq!((stats.accepted, stats.duplicates), (2, 2));
    assert_eq!(stats.receipts_pending, 0, "no callback, no receipt");
    assert!(first[0].id.starts_with("vm_") && first[0].id.len() == 19);
}

#[test]
fn seeded_vendors_agree() {
    let ids = |seed| {
        let vendor = Vendor::new(VendorConfig {
            seed: Some(seed),
            ..VendorConfig::default()
        });
        vendor.inner.accept(vec![message("x", "+14155550100")])[0]
            .id
            .clone()
    };
    assert_eq!(ids(9), ids(9));
    assert_ne!(ids(9), ids(10));
}

#[test]
fn default_keys_are_random_hex() {
    let (a, b) = (VendorConfig::default(), VendorConfig::default());
    assert_eq!(a.api_key.expose_secret().len(), 64);
    assert!(a
        .signing_secret
        .expose_secret()
        .bytes()
        .all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a.api_key.expose_secret(), b.api_key.expose_secret());
    assert_ne!(a.signing_secret.expose_secret(), a.api_key.expose_secret());
}

#[test]
fn a_million_references_fit_in_the_map() {
    let mut seen: HashMap<u64, u64, BuildHasherDefault<PreHashed>> = HashMap::default();
    let hasher = RandomState::new();
    for i in 0..1_000_000u64 {
        seen.insert(hasher.hash_one(format!("ref-{i}")), i);
    }
    assert_eq!(seen.len(), 1_000_000);
    // hashbrown keeps buckets at most 7/8 full, with one control byte plus the 16-byte entry each.
    let buckets = (seen.capacity() * 8 / 7).next_power_of_two();
    let bytes = buckets * 17;
    assert!(bytes < 64 * 1024 * 1024, "{bytes}");
}
