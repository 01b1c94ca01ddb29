//! Loyalty tiers: "gold tier", "silver members", "gold or silver", "tier is bronze".

use super::{Found, Scanner};
use crate::local::rules::tree::{attribute, text_condition};

pub(in crate::local::rules) const TIERS: &[&str] =
    &["gold", "silver", "bronze", "platinum", "diamond"];

impl Scanner<'_> {
    /// "gold tier", "silver members", "gold or silver", "tier is bronze".
    pub(super) fn tier(&self, p: usize) -> Found {
        if let Some(q) = self.pats(
            p,
            &[
                "tier|tiers|level",
                "loyalty|membership|customer tier|level|status",
                "tier level",
            ],
        ) {
            let (negated, q) = self.attribute_op(q)?;
            let q = self.skip(q, &["the"]);
            let item = |x: usize| self.tier_word(x).or_else(|| self.listed_value(x, q));
            let (vals, e, _) = self.list(q, &[], item)?;
            return Some((text_condition(attribute("tier"), negated, vals), e));
        }
        let (vals, e, _) = self.list(p, &[], |x| self.tier_word(x))?;
        let e = self
            .pat(e, "tier|tiers|level|status|membership|card|plan")
            .unwrap_or(e);
        Some((text_condition(attribute("tier"), false, vals), e))
    }

    /// "gold", "gold-tier", "silver-members".
    fn tier_word(&self, p: usize) -> Option<(String, usize)> {
        let w = self.word(p);
        let w = w
            .strip_suffix("-tier")
            .or_else(|| w.strip_suffix("-members"))
            .unwrap_or(w);
        TIERS.contains(&w).then(|| (w.to_owned(), p + 1))
    }
}
