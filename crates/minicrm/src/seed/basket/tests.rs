use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[test]
fn amounts_are_long_tailed_around_the_median() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut xs: Vec<i64> = (0..100_001).map(|_| amount(&mut rng, 1.0)).collect();
    xs.sort_unstable();
    assert!(
        (80_000..150_000).contains(&xs[50_000]),
        "median {}",
        xs[50_000]
    );
    assert!(xs[100_000] > 5_000_000, "max {}", xs[100_000]);
    assert!(xs[0] >= 4_900);
}

#[test]
fn lines_are_products_of_about_their_price() {
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let cheap: Vec<LineItem> = (0..200).map(|_| line(&mut rng, 15_000)).collect();
    assert!(cheap.iter().all(|l| l.sku != "ELC-007"));
    let dear: Vec<LineItem> = (0..200).map(|_| line(&mut rng, 5_000_000)).collect();
    assert!(dear
        .iter()
        .all(|l| l.category.as_deref() != Some("grocery")));
}

#[test]
fn item_prices_add_up_to_the_amount() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for amount in [4_900, 149_900, 12_345_678] {
        for _ in 0..200 {
            let items = items(&mut rng, amount);
            assert!(items.len() <= 3);
            if !items.is_empty() {
                assert_eq!(
                    items.iter().map(|i| i.price * i.quantity).sum::<i64>(),
                    amount
                );
                assert!(items.iter().all(|i| i.price >= 0));
            }
        }
    }
}
