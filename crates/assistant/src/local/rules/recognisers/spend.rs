//! Money: "spent over ₹5K", "total spend between 2k and 5k", "spent more than 2000 in the last 30
//! days", "average order value above 1000", an amount alone.

use super::windows::Window;
use super::{Context, Found, Scanner};
use crate::local::rules::tree::{condition, Rule, Value};
use minicrm_domain::rules::{Field, Operator};

/// What names total spend: "spent", "lifetime value", "revenue".
const SPEND_TRIGGERS: &[&str] = &[
    "spent|spend|spends|spending|spender|spenders|total_spend",
    "total|lifetime spend|spends|spending|spent|value|revenue",
    "customer lifetime value",
    "ltv|clv",
    "total|overall purchase|order value",
    "purchases|purchase worth",
    "purchase value",
    "revenue",
    "worth",
];

/// What may come between a word of spending and its amount: "spent a total of", "spend is".
const SPEND_FILLER: &[&str] = &[
    "of",
    "is",
    "was",
    "a",
    "an",
    "total",
    "overall",
    "amounting",
    "to",
    "worth",
    "have",
    "has",
];

/// What names the average order value: "AOV", "average basket size".
const AOV_TRIGGERS: &[&str] = &[
    "average|avg|mean order|orders|basket|cart|ticket|purchase|transaction value|size|amount",
    "average|avg|mean order|basket|cart|purchase",
    "average|avg|mean spend|spending per order|purchase",
    "average|avg spend|spending",
    "aov|atv|avg_order_value",
    "basket|ticket size",
];

impl Scanner<'_> {
    /// "spent over ₹5K", "total spend between 2k and 5k", "spent more than 2000 in the last 30 days".
    pub(super) fn spend(&self, p: usize) -> Found {
        let q = self.pats(p, SPEND_TRIGGERS)?;
        let q = self.skip(q, SPEND_FILLER);
        // "spent in the last 30 days more than 2000"
        let (before, q) = match self.window(q) {
            Some((w, e)) => (Some(w), self.skip(e, SPEND_FILLER)),
            None => (None, q),
        };
        let (op, value, end) = self.amount_compared(q)?;
        let end = self
            .pats(
                end,
                &[
                    "in total",
                    "in all",
                    "total",
                    "overall",
                    "so far",
                    "till date",
                    "to date",
                ],
            )
            .unwrap_or(end);
        let (after, end) = self.optional_window(end);
        Some((self.spend_condition(op, value, before.or(after))?, end))
    }

    /// "over ₹5K", "2k-5k", "₹1,499.50 or less", or an amount alone (at least it); not a number of
    /// days or orders.
    fn amount_compared(&self, q: usize) -> Option<(Operator, Value, usize)> {
        let c = self.compare(q)?;
        if self.not_money_after(c.end) {
            return None;
        }
        let mut end = c.end;
        let mut op = if c.explicit { c.operator } else { Operator::Ge };
        if !c.explicit {
            if let Some((o, e)) = self.trailing_comparison(end) {
                op = o;
                end = e;
            }
        }
        Some((op, self.money_values(&c)?, end))
    }

    /// Total spend, or — in a window — spend in its last N days.
    pub(super) fn spend_condition(
        &self,
        op: Operator,
        val: Value,
        window: Option<Window>,
    ) -> Option<Rule> {
        Some(match window {
            Some(w) => {
                let window = Value::Window {
                    days: self.window_days(w)?,
                    value: Box::new(val),
                };
                condition(Field::SpendInLastDays, op, window)
            }
            None => condition(Field::TotalSpend, op, val),
        })
    }

    /// "average order value above 1000", "AOV of at least 2.5k".
    pub(super) fn aov(&self, p: usize) -> Found {
        let q = self.pats(p, AOV_TRIGGERS)?;
        let q = self.skip(
            q,
            &[
                "of", "is", "was", "a", "an", "per", "order", "that's", "thats",
            ],
        );
        let c = self.compare(q)?;
        if self.not_money_after(c.end) {
            return None;
        }
        let op = if c.explicit { c.operator } else { Operator::Ge };
        Some((
            condition(Field::AvgOrderValue, op, self.money_values(&c)?),
            c.end,
        ))
    }

    /// An amount with no field named: "more than 10k", "between 2k and 5k", "50K+ total spend".
    pub(super) fn bare_money(&self, p: usize, ctx: Context) -> Found {
        if ctx.after_unknown {
            return None;
        }
        let c = self.compare(p)?;
        if !c.explicit && !c.number.money {
            return None;
        }
        if self.not_money_after(c.end) || c.number.times {
            return None;
        }
        let val = self.money_values(&c)?;
        // An amount alone ("₹5,000 spenders") is a floor.
        let op = if c.explicit { c.operator } else { Operator::Ge };
        if let Some(e) = self.pats(c.end, AOV_TRIGGERS) {
            return Some((condition(Field::AvgOrderValue, op, val), e));
        }
        let end = self.pats(c.end, SPEND_TRIGGERS).unwrap_or(c.end);
        let (w, end) = self.optional_window(end);
        Some((self.spend_condition(op, val, w)?, end))
    }
}
