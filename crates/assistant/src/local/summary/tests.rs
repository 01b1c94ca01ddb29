use super::*;

fn bucket(dimension: &'static str, key: &str, delivered: i64, failed: i64) -> Bucket {
    Bucket {
        dimension,
        key: key.into(),
        label: format!("{dimension} {key}"),
        recipients: delivered + failed,
        delivered,
        failed,
    }
}

fn campaign(delivered: i64, failed: i64) -> Campaign {
    Campaign {
        name: "Diwali 2026".into(),
        channel: "sms".into(),
        status: "completed".into(),
        audience: delivered + failed + 50,
        sent: delivered + failed,
        delivered,
        failed,
        pending: 0,
    }
}

#[test]
fn notable_slices_need_size_difference_and_confidence() {
    let c = campaign(900, 100);
    let buckets = [
        bucket("city", "Pune", 180, 120), // 60 % vs ~102/... the rest: far worse
        bucket("city", "Tiny", 5, 15),    // too few
        bucket("city", "Mumbai", 720, 0), // hmm: better
        bucket("order_count", "b", 460, 52), // close to average
    ];
    let f = facts(
        &c,
        &buckets,
        &[
            ("no phone number".into(), 60),
            ("carrier rejected".into(), 40),
        ],
        &[Earlier {
            name: "x".into(),
            delivered: 800,
            failed: 200,
        }],
    );
    assert_eq!(f.delivery_rate, Some(90.0));
    assert_eq!(f.worse.len(), 1);
    assert_eq!(f.worse[0].key, "Pune");
    assert_eq!(f.better.len(), 1);
    assert_eq!(f.better[0].key, "Mumbai");
    assert!(f
        .better
        .iter()
        .chain(&f.worse)
        .all(|s| s.key != "Tiny" && s.key != "b"));
    assert_eq!(f.failure_reasons[0].share, 60.0);
    let e = f.earlier.as_ref().unwrap();
    assert_eq!((e.rate, e.difference), (80.0, 10.0));
    let t = text(&f);
    assert!(
        t.contains("90.0 %") && t.contains("Pune") && t.contains("no phone number"),
        "{t}"
    );
    assert!(unfounded(&t, &f).is_empty(), "{t}: {:?}", unfounded(&t, &f));
}

#[test]
fn a_campaign_without_outcomes_says_so() {
    let f = facts(&campaign(0, 0), &[], &[], &[]);
    let t = text(&f);
    assert!(t.contains("No delivery outcomes"), "{t}");
    assert!(unfounded(&t, &f).is_empty());
}

#[test]
fn counts_group_the_indian_way_and_numbers_are_read_back() {
    assert_eq!(count(1234567), "12,34,567");
    assert_eq!(count(999), "999");
    assert_eq!(count(100000), "1,00,000");
    assert_eq!(
        numbers_in("reached 12,34,567 of 90.5 %, then 3."),
        vec![1234567.0, 90.5, 3.0]
    );
    let f = facts(&campaign(10, 0), &[], &[], &[]);
    assert_eq!(unfounded("we reached 11 people", &f), vec![11.0]);
}
