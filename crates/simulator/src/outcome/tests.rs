use super::*;

#[test]
fn numbers() {
    for bad in [
        "",
        "9876543210",
        "+91 9876543210",
        "+1234567",
        "+1234567890123456",
        "+91987654321",
        "+9198765432101",
        "+915876543210",
        "+91abcdefghij",
    ] {
        assert_eq!(
            deterministic_failure(Channel::Whatsapp, bad),
            Some(FailureReason::InvalidNumber),
            "{bad:?}"
        );
    }
    for good in [
        "+919876543210",
        "+916000000000",
        "+14155550100",
        "+12345678",
    ] {
        assert_eq!(
            deterministic_failure(Channel::Whatsapp, good),
            None,
            "{good}"
        );
    }
}

#[test]
fn dnd_is_about_three_percent_and_sms_only() {
    let numbers: Vec<String> = (0..100_000u64)
        .map(|i| format!("+91{}", 9_000_000_000 + i * 7_919))
        .collect();
    let on = numbers.iter().filter(|n| on_dnd_registry(n)).count();
    assert!((2_500..3_500).contains(&on), "{on}");
    let dnd = numbers.iter().find(|n| on_dnd_registry(n)).unwrap();
    assert_eq!(
        deterministic_failure(Channel::Sms, dnd),
        Some(FailureReason::DndRegistry)
    );
    assert_eq!(deterministic_failure(Channel::Whatsapp, dnd), None);
}

#[test]
fn addresses() {
    for bad in [
        "",
        "asha",
        "asha@",
        "@example.com",
        "asha@localhost",
        "asha@exa mple.com",
        "asha@example..com",
        "asha@-x.com",
        "asha@shop.invalid",
        "asha@shop.TEST",
        "asha@mail.example",
        "a b@example.com",
    ] {
        assert_eq!(
            deterministic_failure(Channel::Email, bad),
            Some(FailureReason::InvalidAddress),
            "{bad:?}"
        );
    }
    let full = (0..100_000)
        .map(|i| format!("user{i}@example.com"))
        .filter(|a| deterministic_failure(Channel::Email, a) == Some(FailureReason::MailboxFull))
        .count();
    assert!((700..1_300).contains(&full), "{full}");
}

#[test]
fn random_failures_split() {
    use rand::SeedableRng;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let outcomes: Vec<_> = (0..20_000).map(|_| decide(None, 0.5, &mut rng)).collect();
    let delivered = outcomes.iter().filter(|o| o.is_none()).count();
    let rejected = outcomes
        .iter()
        .filter(|o| **o == Some(FailureReason::CarrierRejected))
        .count();
    assert!((9_500..10_500).contains(&delivered), "{delivered}");
    assert!((5_600..6_400).contains(&rejected), "{rejected}");
    assert_eq!(
        decide(Some(FailureReason::Bounced), 1.0, &mut rng),
        Some(FailureReason::Bounced)
    );
}
