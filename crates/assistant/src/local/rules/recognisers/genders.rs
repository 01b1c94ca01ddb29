//! Genders: "women", "female customers", "men", "gender is female".

use super::{Found, Scanner};
use crate::local::rules::tree::{attribute, text_condition};

impl Scanner<'_> {
    /// "women", "female customers", "men", "gender is female".
    pub(super) fn gender(&self, p: usize) -> Found {
        if let Some(q) = self.pat(p, "gender|sex") {
            let (negated, q) = self.attribute_op(q)?;
            let item = |x: usize| self.gender_word(x).or_else(|| self.listed_value(x, q));
            let (vals, e, _) = self.list(q, &[], item)?;
            return Some((text_condition(attribute("gender"), negated, vals), e));
        }
        let (vals, e, _) = self.list(p, &[], |x| self.gender_word(x))?;
        Some((text_condition(attribute("gender"), false, vals), e))
    }

    /// "women", "ladies", "men", "gents": female or male.
    fn gender_word(&self, p: usize) -> Option<(String, usize)> {
        let g = match self.word(p) {
            "female" | "females" | "women" | "woman" | "ladies" | "lady" | "girls" | "girl" => {
                "female"
            }
            "male" | "males" | "men" | "man" | "gentlemen" | "gents" | "boys" | "boy" | "guys" => {
                "male"
            }
            _ => return None,
        };
        Some((g.to_owned(), p + 1))
    }
}
