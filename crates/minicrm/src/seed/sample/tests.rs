use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[test]
fn weighted_picks_follow_their_weights() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut seen = [0u32; 3];
    for _ in 0..10_000 {
        seen[pick_weighted(&mut rng, &[1, 0, 3])] += 1;
    }
    assert_eq!(seen[1], 0);
    assert!(seen[2] > 2 * seen[0], "{seen:?}");
    let cumulative = Cumulative::new([0.0, 1.0, 0.0]);
    assert!((0..100).all(|_| cumulative.draw(&mut rng) == 1));
}

#[test]
fn log_normal_has_the_asked_median() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut xs: Vec<f64> = (0..10_001)
        .map(|_| log_normal(&mut rng, 1000.0, 1.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    assert!((900.0..1100.0).contains(&xs[5000]), "{}", xs[5000]);
}
