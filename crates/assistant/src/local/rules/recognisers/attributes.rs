//! Custom attributes by name — "with plan premium", "preferred language is Hindi", "plan: pro",
//! "segment is not b2b", "attributes.tier = gold" — and the values attributes take.

use super::vocabulary::{FILLERS, NEGATORS, PREPOSITIONS};
use super::{Found, Scanner};
use crate::local::rules::lexer::TokenKind;
use crate::local::rules::tree::{condition_on, text_condition, Value};
use minicrm_domain::rules::catalogue::ATTRIBUTE_PREFIX;
use minicrm_domain::rules::{Operator, Subject};

/// What says an attribute's value follows: "is", "=", ":", "isn't".
const IS: &str = "is|are|=|:|equals|isn't|aren't|!=";

impl Scanner<'_> {
    /// "with plan premium", "preferred language is Hindi", "plan: pro", "segment is not b2b".
    pub(super) fn generic_attribute(&self, p: usize) -> Found {
        self.with_attribute(p).or_else(|| self.named_attribute(p))
    }

    /// "with favourite colour blue": the last word is the value, the words before it the key.
    fn with_attribute(&self, p: usize) -> Found {
        if self.word(p) != "with" {
            return None;
        }
        let (mut words, q) = self.plain_words(p + 1, 4);
        if words.len() < 2 || self.pat(q, IS).is_some() {
            return None;
        }
        let value = words.pop()?.to_owned();
        let subject = Subject::Attribute(attribute_key(&words)?);
        Some((condition_on(subject, Operator::Eq, Value::Text(value)), q))
    }

    /// "preferred language is Hindi", "plan is premium or pro", "attributes.tier = gold" (as the
    /// rule builder names it).
    fn named_attribute(&self, p: usize) -> Found {
        let (words, q) = match self.word(p).strip_prefix(ATTRIBUTE_PREFIX) {
            Some(k) => (vec![k], p + 1),
            None => self.plain_words(p, 3),
        };
        if words.is_empty() {
            return None;
        }
        self.pat(q, IS)?;
        let (negated, r) = self.attribute_op(q)?;
        let (vals, e, _) = self.list(r, &[], |x| self.listed_value(x, r))?;
        let subject = Subject::Attribute(attribute_key(&words)?);
        Some((text_condition(subject, negated, vals), e))
    }

    /// Up to `max` words from `start` that are not our vocabulary, and where they end.
    fn plain_words(&self, start: usize, max: usize) -> (Vec<&str>, usize) {
        let mut words = Vec::new();
        let mut q = start;
        while q < start + max {
            let Some(w) = self.plain(q) else { break };
            words.push(w);
            q += 1;
        }
        (words, q)
    }

    /// After an attribute's name: "is", "=", ":", "is not", "isn't", "is one of" → (negated, end).
    pub(super) fn attribute_op(&self, q: usize) -> Option<(bool, usize)> {
        if let Some(e) = self.pats(
            q,
            &[
                "is|are|was not|none",
                "isn't|aren't|!=",
                "not",
                "is not one|any of",
                "other than",
            ],
        ) {
            return Some((true, e));
        }
        let e = self
            .pats(
                q,
                &[
                    "is|are|=|:|equals|of|in",
                    "is|are one|any of",
                    "is equal to",
                    "is set to",
                ],
            )
            .unwrap_or(q);
        Some((false, e))
    }

    /// A value for an attribute: quoted text, a number, or a word that is not a connector or filler.
    pub(super) fn value_word(&self, p: usize) -> Option<(String, usize)> {
        match self.kind(p)? {
            TokenKind::Quoted(s) => Some((s.to_lowercase(), p + 1)),
            TokenKind::Number(n) if !n.money => Some((self.raw(p, p + 1).to_lowercase(), p + 1)),
            TokenKind::Word(w) if self.plain(p).is_some() => Some((w.clone(), p + 1)),
            _ => None,
        }
    }

    /// A value after an attribute's name ("channel is email"): any word but a connector, filler,
    /// negation or comparison.
    fn named_value(&self, p: usize) -> Option<(String, usize)> {
        if let Some(found) = self.value_word(p) {
            return Some(found);
        }
        let w = self.word(p);
        let loose = w.chars().next().is_some_and(char::is_alphabetic)
            && !self.is_connector(p)
            && !FILLERS.contains(&w)
            && !NEGATORS.contains(&w)
            && !PREPOSITIONS.contains(&w)
            && self.leading_comparison(p).is_none();
        loose.then(|| (w.to_owned(), p + 1))
    }

    /// A value in a list after an attribute's name: after "is" (at `first`) any word is a value,
    /// after "or" only one that starts nothing else.
    pub(super) fn listed_value(&self, x: usize, first: usize) -> Option<(String, usize)> {
        if x == first {
            self.named_value(x)
        } else {
            self.value_word(x)
        }
    }
}

/// An attribute's key from its words: "preferred language" → `preferred_language`; None when
/// nothing is left or it is longer than a key may be.
fn attribute_key(words: &[&str]) -> Option<String> {
    let key: String = words
        .join("_")
        .chars()
        .map(|c| if c == '-' { '_' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!key.is_empty() && key.len() <= 64).then_some(key)
}
