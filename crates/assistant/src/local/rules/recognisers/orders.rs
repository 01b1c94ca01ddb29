//! Orders: how many ("fewer than 3 orders", "ordered at least twice", "order count above 3") and the
//! verbs of buying ("bought in the last 2 weeks", "purchased APP-004", "ordered").

use super::comparisons::Comparison;
use super::vocabulary::unit_days;
use super::{Found, Scanner};
use crate::local::rules::lexer::SCALE;
use crate::local::rules::tree::{condition, negate, Condition, Rule, Value};
use minicrm_domain::rules::{Field, Operator};

impl Scanner<'_> {
    /// A comparison of a number of orders, then optionally a window: "more than 3 times in the last 60 days".
    fn count_tail(&self, c: &Comparison, end: usize) -> Found {
        let val = self.count_values(c)?;
        let mut op = c.operator;
        let mut end = end;
        if !c.explicit {
            if let Some((o, e)) = self.trailing_comparison(end) {
                op = o;
                end = e;
            }
        }
        let end = self.skip(end, &["total", "overall"]);
        match self.window(end) {
            Some((w, e)) => {
                let days = self.window_days(w)?;
                Some((orders_in_window(op, val, days), e))
            }
            None => Some((condition(Field::OrderCount, op, val), end)),
        }
    }

    /// "fewer than 3 orders", "5+ orders", "more than three orders in the last 60 days".
    pub(super) fn count_first(&self, p: usize) -> Found {
        let c = self.compare(p)?;
        let e = self.pat(
            c.end,
            "orders|order|purchases|purchase|transactions|transaction",
        )?;
        self.count_tail(&c, e)
    }

    /// "order count above 3", "number of orders at least 5".
    pub(super) fn order_field(&self, p: usize) -> Found {
        let q = self.pats(
            p,
            &[
                "order|orders|purchase|purchases count",
                "number|no|count|total of? orders|purchases|transactions",
                "total number of orders|purchases",
                "orders|purchases|order_count",
            ],
        )?;
        let q = self.skip(q, &["is", "are", "was", "of", ":"]);
        let (pre, q) = match self.window(q) {
            Some((w, e)) => (Some(w), self.skip(e, &["is", "are", "was", ":"])),
            None => (None, q),
        };
        let c = self.compare(q)?;
        if !c.explicit {
            return None;
        }
        let (rule, end) = self.count_tail(&c, self.count_unit(c.end).unwrap_or(c.end))?;
        match (pre, rule) {
            (
                Some(w),
                Rule::Condition(Condition {
                    operator, operand, ..
                }),
            ) => {
                let days = self.window_days(w)?;
                Some((orders_in_window(operator, operand, days), end))
            }
            (None, rule) => Some((rule, end)),
            _ => None,
        }
    }

    /// "ordered at least twice", "bought in the last 2 weeks", "bought from electronics",
    /// "purchased APP-004", "ordered recently", or just "ordered".
    pub(super) fn order_verb(&self, p: usize) -> Found {
        const VERBS: &[&str] = &[
            "ordered|order|orders|purchased|purchase|purchases|bought|buy|buys|shopped|shop|shops|transacted|transaction|transactions",
            "placed|made|done|did an|a|any|their|some order|orders|purchase|purchases|transaction|transactions",
            "made|done|did purchases|orders",
        ];
        let (q, loose) = match self.pats(p, VERBS) {
            Some(q) => (q, false),
            None => (self.pat(p, "placed|made|done|did")?, true),
        };
        let q = self
            .pats(q, &["from|with us", "with|from our store|shop"])
            .unwrap_or(q);
        // "bought nothing in the last 6 months": the negation of buying in it.
        if self.word(q) == "nothing" {
            let (rule, e) = self.order_verb_tail(q + 1, false)?;
            return Some((negate(rule), e));
        }
        self.order_verb_tail(q, loose)
    }

    /// What follows a verb of buying: when ("a month ago", "in the last 2 weeks"), how much
    /// ("₹5000 worth"), how often ("twice"), what ("from electronics") — or nothing: bought at all.
    fn order_verb_tail(&self, q: usize, loose: bool) -> Found {
        let q = self.skip(q, &["anything", "something", "online", "again", "ever"]);
        let q = if self.word(q) == "at" && self.word(q + 1) == "all" {
            q + 2
        } else {
            q
        };
        if let Some((op, days, e)) = self.ago(q, true) {
            return Some((condition(Field::LastOrderAt, op, Value::Days(days)), e));
        }
        if let Some(c) = self.compare(q) {
            if self.is_amount_bought(&c) {
                return self.bought_worth(&c);
            }
            if let Some(found) = self.bought_times(&c, loose) {
                return Some(found);
            }
        }
        if loose {
            return None;
        }
        if let Some((w, e)) = self.window(q) {
            if let Some(rule) = w.ordered_in() {
                return Some((rule, e));
            }
        }
        if let Some(found) = self.bought_what(q) {
            return Some(found);
        }
        Some((
            condition(Field::OrderCount, Operator::Ge, Value::Count(1)),
            q,
        ))
    }

    /// Whether a number after a verb of buying is money: written as money, followed by "worth",
    /// or a thousand or more that counts nothing.
    fn is_amount_bought(&self, c: &Comparison) -> bool {
        let large =
            c.number.scaled >= 1_000 * SCALE && self.count_unit(c.end).is_none() && !c.number.times;
        c.number.money || self.worth(c.end).is_some() || large
    }

    /// "bought more than ₹5000 worth (in the last month)": spend.
    fn bought_worth(&self, c: &Comparison) -> Found {
        let val = self.money_values(c)?;
        let op = if c.explicit { c.operator } else { Operator::Ge };
        let end = self.worth(c.end).unwrap_or(c.end);
        let (w, end) = self.optional_window(end);
        Some((self.spend_condition(op, val, w)?, end))
    }

    /// "worth", "of value", "in goods" after an amount.
    fn worth(&self, p: usize) -> Option<usize> {
        self.pats(p, &["worth", "in|of value|stuff|goods"])
    }

    /// "ordered at least twice", "bought 3 times in the last month": a number of orders.
    fn bought_times(&self, c: &Comparison, loose: bool) -> Found {
        let unit = self.count_unit(c.end);
        let counted = unit.is_some() || c.number.times || (c.explicit && !loose);
        if !counted || c.number.money || unit_days(self.word(c.end)).is_some() {
            return None;
        }
        self.count_tail(c, unit.unwrap_or(c.end))
    }
}

/// The number of orders in the last `days` days compared with `count`.
fn orders_in_window(operator: Operator, count: Value, days: u32) -> Rule {
    let window = Value::Window {
        days,
        value: Box::new(count),
    };
    condition(Field::OrdersInLastDays, operator, window)
}
