//! How recognisers read tokens: the words and numbers at a position, a small pattern language
//! ("more|greater than"), and lists of items joined by commas, and, or.

use super::vocabulary::reserved;
use super::Scanner;
use crate::local::rules::lexer::{Number, TokenKind};
use minicrm_domain::rules::Operator;

impl Scanner<'_> {
    /// What the token at p is, if there is one.
    pub(super) fn kind(&self, p: usize) -> Option<&TokenKind> {
        self.tokens.get(p).map(|t| &t.kind)
    }

    /// The word at p, or "" when there is none.
    pub(super) fn word(&self, p: usize) -> &str {
        match self.kind(p) {
            Some(TokenKind::Word(w)) => w,
            _ => "",
        }
    }

    /// The number at p.
    pub(super) fn number(&self, p: usize) -> Option<Number> {
        match self.kind(p) {
            Some(TokenKind::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// The prompt's text of tokens a..b.
    pub(super) fn raw(&self, a: usize, b: usize) -> &str {
        if a >= b || b > self.tokens.len() {
            return "";
        }
        &self.src[self.tokens[a].start..self.tokens[b - 1].end]
    }

    /// Whether the token at p is written with a capital: a name ("Navi Mumbai", "Asha").
    pub(super) fn capitalised(&self, p: usize) -> bool {
        self.raw(p, p + 1)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }

    /// Whether the token at p is `alt`: a word or a punctuation mark.
    pub(super) fn slot(&self, p: usize, alt: &str) -> bool {
        let Some(kind) = self.kind(p) else {
            return false;
        };
        match (alt, kind) {
            (",", TokenKind::Comma)
            | (":", TokenKind::Colon)
            | ("(", TokenKind::Open)
            | (")", TokenKind::Close)
            | ("-", TokenKind::Dash)
            | ("+", TokenKind::Plus)
            | ("/", TokenKind::Slash)
            | ("=", TokenKind::Symbol(Operator::Eq))
            | ("!=", TokenKind::Symbol(Operator::Ne))
            | (">", TokenKind::Symbol(Operator::Gt))
            | (">=", TokenKind::Symbol(Operator::Ge))
            | ("<", TokenKind::Symbol(Operator::Lt))
            | ("<=", TokenKind::Symbol(Operator::Le)) => true,
            (alt, TokenKind::Word(w)) => alt == w,
            _ => false,
        }
    }

    /// Matches a pattern of space-separated slots, each a `|`-separated list of words (or
    /// punctuation), optional when it ends in `?`; returns where the match ends.
    pub(super) fn pat(&self, p: usize, pattern: &str) -> Option<usize> {
        let slots: Vec<&str> = pattern.split(' ').collect();
        self.slots(p, &slots)
    }

    fn slots(&self, p: usize, slots: &[&str]) -> Option<usize> {
        let Some((first, rest)) = slots.split_first() else {
            return Some(p);
        };
        let (body, optional) = match first.strip_suffix('?') {
            Some(b) if !b.is_empty() => (b, true),
            _ => (*first, false),
        };
        if body.split('|').any(|alt| self.slot(p, alt)) {
            if let Some(end) = self.slots(p + 1, rest) {
                return Some(end);
            }
        }
        if optional {
            self.slots(p, rest)
        } else {
            None
        }
    }

    /// The longest match of any of the patterns.
    pub(super) fn pats(&self, p: usize, patterns: &[&str]) -> Option<usize> {
        patterns.iter().filter_map(|pt| self.pat(p, pt)).max()
    }

    pub(super) fn skip(&self, mut p: usize, words: &[&str]) -> usize {
        while words.iter().any(|w| self.slot(p, w)) {
            p += 1;
        }
        p
    }

    /// A word that is not part of our vocabulary: a place, a category, an attribute.
    pub(super) fn plain(&self, p: usize) -> Option<&str> {
        let w = self.word(p);
        (w.chars().next().is_some_and(char::is_alphabetic) && !reserved(w)).then_some(w)
    }

    pub(super) fn is_connector(&self, p: usize) -> bool {
        matches!(self.word(p), "and" | "or" | "but" | "nor" | "either")
    }

    /// Items joined by commas, and, or, &, /; returns them, where the list ends and whether "and"
    /// joined any two of them. `again` are words that may repeat before an item ("from A or from B").
    pub(super) fn list<F>(
        &self,
        p: usize,
        again: &[&str],
        item: F,
    ) -> Option<(Vec<String>, usize, bool)>
    where
        F: Fn(usize) -> Option<(String, usize)>,
    {
        let (first, mut end) = item(p)?;
        let mut items = vec![first];
        let mut and_used = false;
        while let Some(sep) = self.pats(end, &[", and|or", "and|or|,|/", "as well as"]) {
            let next = self.skip(sep, again);
            match item(next) {
                Some((v, e)) => {
                    and_used |= (end..sep).any(|q| matches!(self.word(q), "and" | "&"));
                    if !items.contains(&v) {
                        items.push(v);
                    }
                    end = e;
                }
                None => break,
            }
        }
        Some((items, end, and_used))
    }

    /// A list in parentheses: "(Mumbai or Pune)".
    pub(super) fn paren_list<F>(&self, p: usize, item: F) -> Option<(Vec<String>, usize)>
    where
        F: Fn(usize) -> Option<(String, usize)>,
    {
        let q = self.pat(p, "(")?;
        let (items, end, _) = self.list(q, &[], item)?;
        let end = self.pat(end, ")")?;
        Some((items, end))
    }
}
