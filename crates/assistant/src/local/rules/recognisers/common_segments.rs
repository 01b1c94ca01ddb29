//! Fixed phrases for common segments: one-time buyers, repeat customers, non-buyers, new customers,
//! recent buyers.

use super::windows::Window;
use super::{Found, Scanner};
use crate::local::rules::tree::{condition, Rule, Value};
use minicrm_domain::rules::{Field, Operator};

/// Who a phrase names: "one-time buyers", "repeat customers".
const WHO: &str =
    "buyers|buyer|customers|customer|shoppers|shopper|purchasers|purchaser|clients|users";

impl Scanner<'_> {
    /// Fixed phrases for common segments: one-time buyers, repeat customers, non-buyers, new
    /// customers, recent buyers.
    pub(super) fn segment_phrase(&self, p: usize) -> Found {
        self.one_time_buyers(p)
            .or_else(|| self.repeat_buyers(p))
            .or_else(|| self.non_buyers(p))
            .or_else(|| self.new_customers(p))
            .or_else(|| self.recent_buyers(p))
    }

    /// "one-time buyers", "single-order customers", "1-time shoppers": exactly one order.
    fn one_time_buyers(&self, p: usize) -> Found {
        let e = self
            .pats(
                p,
                &[
                    "one-time|onetime|single-purchase|single-order|one-off",
                    "single purchase|order",
                    "first-time buyers|buyer|purchasers|shoppers",
                ],
            )
            .or_else(|| {
                let n = self.number(p)?;
                let one = n.whole() == Some(1) && !n.times;
                one.then(|| self.pat(p + 1, "time|timer|timers|off"))
                    .flatten()
            })?;
        let e = self.pat(e, WHO).unwrap_or(e);
        Some((order_count(Operator::Eq, 1), e))
    }

    /// "repeat customers", "returning buyers": two orders or more.
    fn repeat_buyers(&self, p: usize) -> Found {
        let e = self.pats(
            p,
            &[
                &format!("repeat|repeated|returning|recurring {WHO}"),
                "repeat|repeat-purchase|repeat-buyers|repeat-customers",
                "repeat purchase|order customers|buyers?",
            ],
        )?;
        Some((order_count(Operator::Ge, 2), e))
    }

    /// "non-buyers", "non purchasers": no order.
    fn non_buyers(&self, p: usize) -> Found {
        let e = self.pats(
            p,
            &[
                "non-buyers|non-purchasers|never-ordered|non-paying",
                "non buyers|purchasers",
            ],
        )?;
        Some((order_count(Operator::Eq, 0), e))
    }

    /// "new customers", "recently joined", "new signups in the last 2 weeks": joined in a window
    /// (the last 30 days when none is given).
    fn new_customers(&self, p: usize) -> Found {
        let e = self.pats(
            p,
            &[
                "new|recent|fresh customers|customer|users|user|signups|signup|sign-ups|members|joiners|registrations|accounts",
                "newly|recently joined|registered|onboarded|acquired",
                "newly|recently signed up",
                "new joinees|arrivals|registrants",
            ],
        )?;
        Some(match self.window(e) {
            Some((w, e2)) => (w.date_condition(Field::CreatedAt), e2),
            None => {
                let last_30_days = Value::Days(30);
                let joined = condition(Field::CreatedAt, Operator::WithinLastDays, last_30_days);
                (joined, e)
            }
        })
    }

    /// "recent buyers", "active customers this month": ordered in a window (the last 30 days when
    /// none is given).
    fn recent_buyers(&self, p: usize) -> Found {
        let e = self.pat(
            p,
            "recent|active buyers|shoppers|purchasers|customers|customer|users",
        )?;
        let (w, e) = self.window(e).unwrap_or((Window::Days(30), e));
        Some((w.ordered_in()?, e))
    }
}

fn order_count(operator: Operator, n: i64) -> Rule {
    condition(Field::OrderCount, operator, Value::Count(n))
}
