//! One chunk of the seed: a run of consecutive customers, each with a life (never ordered, lapsed or
//! active), the chunk's share of the orders spread over them with a skew, and each customer's
//! aggregates computed from exactly the orders generated for them.
//!
//! A chunk depends only on the options and its index (its own ChaCha stream), so chunks can be made in
//! any order, on any thread, and the whole run is reproducible.

use super::people::{person, Person};
use super::rhythm::DAY_MS;
use super::sample::{log_normal, Cumulative};
use super::SeedOptions;
use minicrm_store::seed::{SeedCustomer, SeedOrder};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod builder;

use builder::Builder;

/// Customers per chunk (and per transaction). Part of what the data depends on: changing it changes
/// the data a seed produces.
pub const CUSTOMERS_PER_CHUNK: u64 = 50_000;
/// How far back the history goes.
const HISTORY_MS: i64 = 730 * DAY_MS;
/// A customer whose last order is older than this has lapsed.
const LAPSE_MS: i64 = 183 * DAY_MS;
const NEVER_ORDERED: f64 = 0.10;
/// Customers who stopped ordering on purpose; active ones who order rarely also look lapsed, as they
/// would in real data, so about a quarter end up lapsed.
const LAPSED: f64 = 0.15;
/// The most one customer's appetite may exceed the median's: heavy buyers, not one bot.
const MAX_APPETITE: f64 = 20.0;

/// The customers of one chunk and all their orders.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub customers: Vec<SeedCustomer>,
    pub orders: Vec<SeedOrder>,
}

/// How a customer's orders spread over time.
#[derive(Debug, Clone, Copy)]
enum Life {
    Never,
    /// Orders between `from` and `to`.
    Buyer {
        from: i64,
        to: i64,
    },
}

struct Profile {
    person: Person,
    life: Life,
    /// Scales this customer's typical basket.
    taste: f64,
    /// How many of the chunk's orders this customer draws, relatively.
    appetite: f64,
}

/// How many chunks the run has.
pub fn count(opts: &SeedOptions) -> u64 {
    opts.customers.div_ceil(CUSTOMERS_PER_CHUNK)
}

/// Generates chunk `index` of the run.
pub fn generate(opts: &SeedOptions, index: u64) -> Chunk {
    let first = index * CUSTOMERS_PER_CHUNK;
    let end = (first + CUSTOMERS_PER_CHUNK).min(opts.customers);
    let (order_first, order_end) = (orders_before(opts, first), orders_before(opts, end));
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    rng.set_stream(index);
    let mut profiles: Vec<Profile> = (first..end)
        .map(|_| profile(&mut rng, opts.now_ms))
        .collect();
    if order_end > order_first && profiles.iter().all(|p| matches!(p.life, Life::Never)) {
        profiles[0].life = active(&mut rng, opts.now_ms);
    }
    let counts = allocate(&mut rng, &profiles, order_end - order_first);
    let mut builder = Builder::new(
        opts.now_ms,
        order_first,
        profiles.len(),
        order_end - order_first,
    );
    for (k, (profile, n)) in profiles.into_iter().zip(counts).enumerate() {
        builder.add(
            &mut rng,
            format!("C{:07}", first + k as u64 + 1),
            profile,
            n,
        );
    }
    builder.chunk
}

/// The orders that belong to customers before the `customer`-th, so each chunk takes its exact share.
fn orders_before(opts: &SeedOptions, customer: u64) -> u64 {
    match opts.customers {
        0 => 0,
        n => (u128::from(opts.orders) * u128::from(customer) / u128::from(n)) as u64,
    }
}

fn profile(rng: &mut impl Rng, now: i64) -> Profile {
    let person = person(rng);
    let roll: f64 = rng.gen();
    let life = if roll < NEVER_ORDERED {
        Life::Never
    } else if roll < NEVER_ORDERED + LAPSED {
        lapsed(rng, now)
    } else {
        active(rng, now)
    };
    let years = match life {
        Life::Never => 0.0,
        Life::Buyer { from, to } => (to - from) as f64 / (365.0 * DAY_MS as f64),
    };
    let appetite = log_normal(rng, 1.0, 1.0).min(MAX_APPETITE) * years.clamp(0.15, 2.0);
    Profile {
        person,
        life,
        taste: log_normal(rng, 1.0, 0.35),
        appetite,
    }
}

/// A customer who has shopped since some day in the last two years and still does.
fn active(rng: &mut impl Rng, now: i64) -> Life {
    let from = now - rng.gen_range(7 * DAY_MS..HISTORY_MS);
    Life::Buyer { from, to: now }
}

/// A customer who stopped ordering more than six months ago.
fn lapsed(rng: &mut impl Rng, now: i64) -> Life {
    let to = now - rng.gen_range(LAPSE_MS + 7 * DAY_MS..HISTORY_MS - DAY_MS);
    let from = (to - rng.gen_range(DAY_MS..450 * DAY_MS)).max(now - HISTORY_MS);
    Life::Buyer { from, to }
}

/// Orders per customer: every buyer gets one when there are enough, the rest go by appetite, so a few
/// customers order a lot.
fn allocate(rng: &mut impl Rng, profiles: &[Profile], quota: u64) -> Vec<u64> {
    let mut counts = vec![0; profiles.len()];
    let buyers: Vec<usize> = (0..profiles.len())
        .filter(|&i| matches!(profiles[i].life, Life::Buyer { .. }))
        .collect();
    if buyers.is_empty() {
        return counts;
    }
    let mut left = quota;
    if quota >= buyers.len() as u64 {
        buyers.iter().for_each(|&b| counts[b] = 1);
        left -= buyers.len() as u64;
    }
    let by_appetite = Cumulative::new(buyers.iter().map(|&b| profiles[b].appetite));
    for _ in 0..left {
        counts[buyers[by_appetite.draw(rng)]] += 1;
    }
    counts
}
