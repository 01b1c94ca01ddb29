//! Comparisons read from text — "more than 5", "between 2k and 5k", "10+", "₹5,000 or less" — and
//! their values as numbers of orders or amounts of money.

use super::vocabulary::unit_days;
use super::Scanner;
use crate::local::rules::lexer::{Number, SCALE};
use crate::local::rules::tree::Value;
use minicrm_domain::money::MAX_MAJOR;
use minicrm_domain::rules::Operator;
use minicrm_domain::{Currency, Money};

/// A comparison read from text: "more than 5", "between 2k and 5k", "10+".
#[derive(Debug, Clone, Copy)]
pub(super) struct Comparison {
    pub(super) operator: Operator,
    /// The number compared with, or the low end of a range.
    pub(super) number: Number,
    /// The high end of a range.
    pub(super) upper: Option<Number>,
    pub(super) explicit: bool,
    pub(super) end: usize,
}

impl Scanner<'_> {
    /// Words before a number that compare: "more than", "at least", "up to", ">=".
    pub(super) fn leading_comparison(&self, p: usize) -> Option<(Operator, usize)> {
        const PREFIXES: &[(&str, Operator)] = &[
            ("more|greater|higher|bigger|larger than|then", Operator::Gt),
            (
                "over|above|exceeding|exceeds|exceed|beyond|upwards|past",
                Operator::Gt,
            ),
            ("in excess of", Operator::Gt),
            ("upwards|north of", Operator::Gt),
            (">", Operator::Gt),
            ("at least", Operator::Ge),
            ("atleast|minimum|min", Operator::Ge),
            ("a? minimum of", Operator::Ge),
            ("no|not less|fewer|lower than", Operator::Ge),
            ("not below|under", Operator::Ge),
            (">=", Operator::Ge),
            ("less|fewer|lower|smaller than|then", Operator::Lt),
            ("under|below", Operator::Lt),
            ("<", Operator::Lt),
            ("at most", Operator::Le),
            ("atmost|maximum|max|upto", Operator::Le),
            ("up to", Operator::Le),
            ("a? maximum of", Operator::Le),
            ("no|not more|greater|higher than", Operator::Le),
            ("not exceeding|over|above", Operator::Le),
            ("<=", Operator::Le),
            ("exactly|precisely|equals|equalling", Operator::Eq),
            ("equal to", Operator::Eq),
            ("=", Operator::Eq),
            ("!=", Operator::Ne),
            ("not equal to", Operator::Ne),
        ];
        PREFIXES
            .iter()
            .filter_map(|(pt, op)| self.pat(p, pt).map(|e| (*op, e)))
            .max_by_key(|(_, e)| *e)
    }

    /// Words after a number that compare: "or more", "+", "and above", "or less".
    pub(super) fn trailing_comparison(&self, p: usize) -> Option<(Operator, usize)> {
        if let Some(e) = self.pats(
            p,
            &[
                "or|and more|above|higher|over|greater|up|plus",
                "+",
                "plus",
                "or|and more|greater|higher than that",
            ],
        ) {
            return Some((Operator::Ge, e));
        }
        self.pat(p, "or|and less|fewer|below|under|lower")
            .map(|e| (Operator::Le, e))
    }

    /// A comparison at p: "more than 5", "between 2k and 5k", "2k-5k", "10+", or a number alone
    /// (`explicit` false: equal, unless the recogniser reads it otherwise).
    pub(super) fn compare(&self, p: usize) -> Option<Comparison> {
        let p = self.skip(p, &["only", "just"]);
        let between = |a: Number, b: Number, end: usize| {
            let (a, b) = if a.scaled <= b.scaled { (a, b) } else { (b, a) };
            Some(Comparison {
                operator: Operator::Between,
                number: a,
                upper: Some(b),
                explicit: true,
                end,
            })
        };
        if let Some(q) = self.pat(p, "between|from") {
            let a = self.number(q)?;
            let r = self.pat(q + 1, "and|to|-")?;
            let b = self.number(r)?;
            return between(a, b, r + 1);
        }
        let (op, q) = match self.leading_comparison(p) {
            Some((op, q)) => (Some(op), q),
            None => (None, p),
        };
        let a = self.number(q)?;
        let end = q + 1;
        if op.is_none() {
            if let Some(r) = self.pat(end, "-|to") {
                if let Some(b) = self.number(r) {
                    return between(a, b, r + 1);
                }
            }
            if let Some((op, e)) = self.trailing_comparison(end) {
                return Some(Comparison {
                    operator: op,
                    number: a,
                    upper: None,
                    explicit: true,
                    end: e,
                });
            }
        }
        Some(Comparison {
            operator: op.unwrap_or(Operator::Eq),
            number: a,
            upper: None,
            explicit: op.is_some(),
            end,
        })
    }

    /// A comparison of a number of orders (whole numbers, no currency).
    pub(super) fn count_values(&self, c: &Comparison) -> Option<Value> {
        if c.number.money || c.upper.is_some_and(|b| b.money) {
            return None;
        }
        let a = c.number.whole()?;
        match c.upper {
            Some(b) => Some(Value::CountRange(a, b.whole()?)),
            None => Some(Value::Count(a)),
        }
    }

    /// A comparison of an amount of money, within what a rule can hold.
    pub(super) fn money_values(&self, c: &Comparison) -> Option<Value> {
        match c.upper {
            Some(b) => Some(Value::MoneyRange(rupees(c.number)?, rupees(b)?)),
            None => Some(Value::Money(rupees(c.number)?)),
        }
    }

    /// What counts orders after a number: "orders", "purchases", "times", "x".
    pub(super) fn count_unit(&self, p: usize) -> Option<usize> {
        self.pat(
            p,
            "orders|order|purchases|purchase|transactions|transaction|times|time|x",
        )
    }

    /// Whether a number at p is followed by something that makes it not an amount of money.
    pub(super) fn not_money_after(&self, p: usize) -> bool {
        unit_days(self.word(p)).is_some()
            || self.count_unit(p).is_some()
            || matches!(self.word(p), "ago" | "items" | "products" | "percent" | "%")
    }
}

/// A number as an amount in rupees, rounded to the paisa, when a rule can hold it (up to ₹1 crore).
fn rupees(n: Number) -> Option<Money> {
    if n.scaled > i128::from(MAX_MAJOR) * SCALE {
        return None;
    }
    let paise = (n.scaled + SCALE / 200) / (SCALE / 100);
    Some(Money {
        minor: i64::try_from(paise).ok()?,
        currency: Currency::INR,
    })
}
