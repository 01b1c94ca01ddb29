//! What was bought: SKUs ("SKU TSHIRT-01", "APP-004") and categories ("from electronics", "apparel
//! or footwear", "electronics buyers").

use super::{Found, Scanner};
use crate::local::rules::lexer::{TokenKind, SCALE};
use crate::local::rules::tree::{all_of, condition, text_condition, Rule, Value};
use minicrm_domain::rules::{Field, Operator, Subject};

impl Scanner<'_> {
    fn sku_like(&self, p: usize) -> bool {
        let raw = match self.kind(p) {
            Some(TokenKind::Word(_)) => self.raw(p, p + 1),
            _ => return false,
        };
        raw.chars().any(|c| c.is_ascii_digit()) && raw.chars().any(char::is_alphabetic)
    }

    fn sku_value(&self, p: usize, any: bool) -> Option<(String, usize)> {
        match self.kind(p)? {
            TokenKind::Quoted(s) => Some((s.clone(), p + 1)),
            TokenKind::Number(n) if any && !n.money => Some((self.raw(p, p + 1).to_owned(), p + 1)),
            TokenKind::Word(_) if self.sku_like(p) || (any && self.plain(p).is_some()) => {
                Some((self.raw(p, p + 1).to_owned(), p + 1))
            }
            _ => None,
        }
    }

    fn category_item(&self, p: usize) -> Option<(String, usize)> {
        if let Some(TokenKind::Quoted(s)) = self.kind(p) {
            return Some((s.to_lowercase(), p + 1));
        }
        // "shop frequently", "order often": how, not what.
        let w = self.word(p);
        let adverb = w.ends_with("ly")
            || matches!(
                w,
                "often" | "much" | "lots" | "nothing" | "everything" | "regular" | "less" | "well"
            );
        if self.known_city(p).is_some() || adverb {
            return None;
        }
        let mut words = Vec::new();
        let mut e = p;
        while e < p + 3 && !self.sku_like(e) {
            let Some(w) = self.plain(e) else { break };
            words.push(w);
            e += 1;
        }
        (!words.is_empty()).then(|| (words.join(" "), e))
    }

    /// After a verb of buying: "SKU TSHIRT-01", "APP-004", "from electronics", "category footwear",
    /// "from the home category", "apparel or footwear".
    pub(super) fn bought_what(&self, q: usize) -> Found {
        let r = self.skip(q, &["the", "a", "an"]);
        self.bought_skus(r).or_else(|| self.bought_categories(r))
    }

    /// "SKU TSHIRT-01", "product code APP-004", "TSHIRT-01 or APP-004".
    fn bought_skus(&self, r: usize) -> Found {
        if let Some(s) = self.pats(
            r,
            &[
                "sku|skus|product|products|item|items code|codes|id|ids?",
                "sku|skus",
            ],
        ) {
            let s = self.skip(s, &[":", "=", "number", "no", "#"]);
            let any = matches!(self.word(r), "sku" | "skus") || self.word(r + 1) == "code";
            if let Some((skus, e, and_used)) = self.list(s, &["sku"], |x| self.sku_value(x, any)) {
                return Some((bought(Field::BoughtSku, skus, and_used), e));
            }
        }
        if !self.sku_like(r) {
            return None;
        }
        let (skus, e, and_used) = self.list(r, &["sku"], |x| self.sku_value(x, false))?;
        Some((bought(Field::BoughtSku, skus, and_used), e))
    }

    /// "items from the electronics category", "apparel or footwear", "in home (at least once)".
    fn bought_categories(&self, r: usize) -> Found {
        let r = self.skip(
            r,
            &[
                "items",
                "products",
                "something",
                "anything",
                "stuff",
                "goods",
            ],
        );
        let r = self.pat(r, "from|in").unwrap_or(r);
        let r = self.skip(r, &["the", "our", "a"]);
        let r = self
            .pat(r, "category|categories|section|department")
            .unwrap_or(r);
        let r = self.skip(r, &[":", "="]);
        let (cats, e, and_used) =
            self.list(r, &["from", "in", "the"], |x| self.category_item(x))?;
        let e = self
            .pat(
                e,
                "category|categories|products|items|section|department|range|stuff|goods",
            )
            .unwrap_or(e);
        // "at least once", "ever": bought is bought.
        let e = match self.compare(e) {
            Some(c)
                if c.number.times
                    && c.number.scaled == SCALE
                    && matches!(c.operator, Operator::Ge | Operator::Eq) =>
            {
                c.end
            }
            _ => self.pats(e, &["ever", "before"]).unwrap_or(e),
        };
        Some((bought(Field::BoughtCategory, cats, and_used), e))
    }

    /// After a condition on categories: "(but not) from apparel".
    pub(super) fn category_tail(&self, p: usize) -> Found {
        let q = self.pat(p, "from|in")?;
        let q = self.skip(q, &["the"]);
        let (cats, e, and_used) =
            self.list(q, &["from", "in", "the"], |x| self.category_item(x))?;
        let e = self.pat(e, "category|categories").unwrap_or(e);
        Some((bought(Field::BoughtCategory, cats, and_used), e))
    }

    /// "SKU TSHIRT-01 buyers", "category is footwear", "electronics buyers", "the home category".
    pub(super) fn product(&self, p: usize) -> Found {
        if let Some(q) = self.pat(p, "sku|skus") {
            let q = self.skip(q, &[":", "=", "is", "code"]);
            let (skus, e, and_used) = self.list(q, &["sku"], |x| self.sku_value(x, true))?;
            return Some((bought(Field::BoughtSku, skus, and_used), e));
        }
        if let Some(q) = self.pat(p, "category|categories") {
            let q = self.skip(q, &[":", "=", "is", "of"]);
            let (cats, e, and_used) = self.list(q, &[], |x| self.category_item(x))?;
            return Some((bought(Field::BoughtCategory, cats, and_used), e));
        }
        let (cats, e, and_used) = self.list(p, &[], |x| self.category_item(x))?;
        let e = self.pat(e, "category|categories|buyers|buyer|shoppers|purchasers")?;
        Some((bought(Field::BoughtCategory, cats, and_used), e))
    }
}

/// Bought several things: "or" is any of them (`in`), "and" all of them.
fn bought(field: Field, values: Vec<String>, and_used: bool) -> Rule {
    if and_used && values.len() > 1 {
        all_of(
            values
                .into_iter()
                .map(|v| condition(field, Operator::Eq, Value::Text(v)))
                .collect(),
        )
    } else {
        text_condition(Subject::Field(field), false, values)
    }
}
