//! Filling a chunk customer by customer: each one's orders, timed by their city's rhythm and numbered
//! in turn, and their aggregates counted from exactly those orders.

use super::{Chunk, Life, Profile, HISTORY_MS};
use crate::seed::basket;
use crate::seed::people::{attributes, Person};
use crate::seed::rhythm::{sample_time, DAY_MS};
use minicrm_domain::{Currency, Money};
use minicrm_store::seed::{SeedCustomer, SeedOrder};
use rand::Rng;

/// Fills a chunk customer by customer, numbering the orders as it goes.
pub(super) struct Builder {
    now: i64,
    /// The number of the order added last.
    last_order: u64,
    pub(super) chunk: Chunk,
}

impl Builder {
    pub(super) fn new(now: i64, last_order: u64, customers: usize, orders: u64) -> Self {
        let chunk = Chunk {
            customers: Vec::with_capacity(customers),
            orders: Vec::with_capacity(orders as usize),
        };
        Self {
            now,
            last_order,
            chunk,
        }
    }

    /// Adds a customer with `n` orders and the aggregates of the completed ones.
    pub(super) fn add(
        &mut self,
        rng: &mut impl Rng,
        external_id: String,
        profile: Profile,
        n: u64,
    ) {
        let times = order_times(rng, &profile, n);
        let mut totals = Aggregates::default();
        for &t in &times {
            self.last_order += 1;
            let order = self.order(rng, &external_id, profile.taste, t);
            totals.add(&order);
            self.chunk.orders.push(order);
        }
        let created_at = match times.first() {
            Some(first) => first - rng.gen_range(10 * 60_000..45 * DAY_MS),
            None => self.now - rng.gen_range(DAY_MS..HISTORY_MS),
        };
        let attributes = attributes(rng, profile.person.female, totals.spend, totals.count > 0);
        let Person {
            name,
            email,
            phone,
            city,
            ..
        } = profile.person;
        self.chunk.customers.push(SeedCustomer {
            external_id,
            name,
            email,
            phone,
            city: city.map(str::to_owned),
            attributes,
            created_at,
            updated_at: created_at,
            total_spend: totals.spend,
            order_count: totals.count,
            first_order_at: totals.first,
            last_order_at: totals.last,
        });
    }

    fn order(
        &self,
        rng: &mut impl Rng,
        customer_external_id: &str,
        taste: f64,
        t: i64,
    ) -> SeedOrder {
        let amount = basket::amount(rng, taste);
        SeedOrder {
            external_id: format!("O{:08}", self.last_order),
            customer_external_id: customer_external_id.to_owned(),
            amount: Money {
                minor: amount,
                currency: Currency::INR,
            },
            status: basket::status(rng, self.now - t),
            ordered_at: t,
            items: basket::items(rng, amount),
        }
    }
}

/// `n` order times in the customer's window, following their city's rhythm, oldest first.
fn order_times(rng: &mut impl Rng, profile: &Profile, n: u64) -> Vec<i64> {
    let Life::Buyer { from, to } = profile.life else {
        return Vec::new();
    };
    let rhythm = profile.person.rhythm;
    let mut times: Vec<i64> = (0..n).map(|_| sample_time(rng, rhythm, from, to)).collect();
    times.sort_unstable();
    times
}

/// A customer's aggregates, counted exactly as the order consumer counts them: completed orders only.
#[derive(Default)]
struct Aggregates {
    spend: i64,
    count: i64,
    first: Option<i64>,
    last: Option<i64>,
}

impl Aggregates {
    pub(super) fn add(&mut self, order: &SeedOrder) {
        if !order.status.counts_towards_aggregates() {
            return;
        }
        self.spend += order.amount.minor;
        self.count += 1;
        self.first = Some(
            self.first
                .map_or(order.ordered_at, |f| f.min(order.ordered_at)),
        );
        self.last = Some(
            self.last
                .map_or(order.ordered_at, |l| l.max(order.ordered_at)),
        );
    }
}
