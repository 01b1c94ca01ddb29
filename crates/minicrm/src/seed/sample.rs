//! Small sampling helpers over `rand` 0.8 (the normal distribution without pulling in `rand_distr`).

use rand::Rng;

/// An index drawn in proportion to `weights` (at least one weight must be positive).
pub fn pick_weighted(rng: &mut impl Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// One of `items`, drawn in proportion to `weight`.
pub fn pick_by<'a, T>(rng: &mut impl Rng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for item in items {
        let w = weight(item);
        if x < w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1]
}

/// One of `items`, uniformly.
pub fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A standard normal variate (Box–Muller).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A log-normal variate with the given median and spread (sigma of the logarithm).
pub fn log_normal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Draws indices in proportion to a fixed list of weights, in O(log n) each.
pub struct Cumulative(Vec<f64>);

impl Cumulative {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        Self(
            weights
                .into_iter()
                .map(|w| {
                    total += w;
                    total
                })
                .collect(),
        )
    }

    pub fn draw(&self, rng: &mut impl Rng) -> usize {
        let total = self.0.last().copied().unwrap_or(0.0);
        let x = rng.gen::<f64>() * total;
        self.0
            .partition_point(|c| *c <= x)
            .min(self.0.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests;
