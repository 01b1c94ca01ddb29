//! Who the seeded customers are: a name, an e-mail address derived from it, an Indian mobile number,
//! a city, and a few custom attributes. Some contact details are missing, as in real data.

use super::rhythm::{Rhythm, BASE};
use super::sample::{pick, pick_by, pick_weighted};
use super::tables::{CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES};
use rand::Rng;
use serde_json::{Map, Value};

const NO_EMAIL: f64 = 0.12;
const NO_PHONE: f64 = 0.08;
const NO_CITY: f64 = 0.03;
const NO_ATTRIBUTES: f64 = 0.15;

/// A customer's identity, before any orders.
pub struct Person {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<&'static str>,
    /// When this person shops (their city's rhythm, or the common one without a city).
    pub rhythm: &'static Rhythm,
    pub female: bool,
}

pub fn person(rng: &mut impl Rng) -> Person {
    let (first, female) = *pick(rng, FIRST_NAMES);
    let last = *pick(rng, LAST_NAMES);
    let email = (!rng.gen_bool(NO_EMAIL)).then(|| email(rng, first, last));
    let phone = (!rng.gen_bool(NO_PHONE)).then(|| phone(rng));
    let (city, rhythm) = if rng.gen_bool(NO_CITY) {
        (None, &BASE)
    } else {
        let c = pick_by(rng, CITIES, |c| c.weight);
        (Some(c.name), c.rhythm)
    };
    Person {
        name: format!("{first} {last}"),
        email,
        phone,
        city,
        rhythm,
        female,
    }
}

/// `priya.sharma@gmail.com`, `priyasharma87@…`, `p.sharma123@…`: the shapes people pick.
fn email(rng: &mut impl Rng, first: &str, last: &str) -> String {
    let first = first.to_ascii_lowercase();
    let last: String = last
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let local = match rng.gen_range(0..5) {
        0 => format!("{first}.{last}"),
        1 => format!("{first}{last}{}", rng.gen_range(70..100)),
        2 => format!("{first}_{last}{}", rng.gen_range(1..100)),
        3 => format!("{}.{last}{}", &first[..1], rng.gen_range(1..1000)),
        _ => format!("{first}.{last}{}", rng.gen_range(1..10_000)),
    };
    format!("{local}@{}", pick_by(rng, EMAIL_DOMAINS, |d| d.1).0)
}

/// An Indian mobile number in E.164: +91 and ten digits, the first of them 6 to 9.
fn phone(rng: &mut impl Rng) -> String {
    format!(
        "+91{}{:09}",
        rng.gen_range(6..=9),
        rng.gen_range(0..1_000_000_000u32)
    )
}

/// Custom attributes: a loyalty tier that follows the spend, gender and acquisition channel, each
/// sometimes absent; and some customers have none at all.
pub fn attributes(
    rng: &mut impl Rng,
    female: bool,
    total_spend: i64,
    ordered: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    if rng.gen_bool(NO_ATTRIBUTES) {
        return out;
    }
    if ordered && rng.gen_bool(0.9) {
        out.insert("tier".into(), tier(total_spend).into());
    }
    if rng.gen_bool(0.8) {
        out.insert(
            "gender".into(),
            if female { "female" } else { "male" }.into(),
        );
    }
    if rng.gen_bool(0.95) {
        let channel = ["organic", "ads", "referral"][pick_weighted(rng, &[50, 30, 20])];
        out.insert("acquisition".into(), channel.into());
    }
    out
}

/// Gold from ₹25,000 of completed orders, silver from ₹5,000 (amounts in paise).
fn tier(total_spend: i64) -> &'static str {
    match total_spend {
        s if s >= 2_500_000 => "gold",
        s if s >= 500_000 => "silver",
        _ => "bronze",
    }
}

#[cfg(test)]
mod tests;
