use super::posting::jitter;
use super::*;

#[test]
fn heap_pops_earliest_first() {
    let now = std::time::Instant::now();
    let pending = |ms: u64, id: u64| Pending {
        due: now + Duration::from_millis(ms),
        id,
        reference: "r".into(),
        reason: None,
        callback: None,
    };
    let mut heap: BinaryHeap<Pending> = [
        pending(30, 1),
        pending(10, 2),
        pending(20, 3),
        pending(10, 0),
    ]
    .into_iter()
    .collect();
    let order: Vec<u64> = std::iter::from_fn(|| heap.pop().map(|p| p.id)).collect();
    assert_eq!(order, [0, 2, 3, 1]);
}

#[test]
fn jitter_stays_within_the_upper_half() {
    for _ in 0..1000 {
        let d = jitter(Duration::from_millis(200));
        assert!(d >= Duration::from_millis(100) && d <= Duration::from_millis(200));
    }
}
