use super::*;
use minicrm_domain::{Email, Phone};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[test]
fn contact_details_parse_as_the_domain_types() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..2_000 {
        let p = person(&mut rng);
        if let Some(e) = &p.email {
            assert_eq!(
                Email::parse(e).map(|e| e.as_str().to_owned()).as_deref(),
                Ok(e.as_str())
            );
        }
        if let Some(ph) = &p.phone {
            assert_eq!(
                Phone::parse(ph).map(|p| p.as_str().to_owned()).as_deref(),
                Ok(ph.as_str())
            );
            assert_eq!(ph.len(), 13);
        }
    }
}

#[test]
fn tiers_follow_spend() {
    assert_eq!(tier(0), "bronze");
    assert_eq!(tier(500_000), "silver");
    assert_eq!(tier(9_000_000), "gold");
}
