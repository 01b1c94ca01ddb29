//! Grouping: NOT binds tightest, then AND (`and`, `but`, commas, or nothing at all between two
//! conditions), then OR; parentheses and `either … or …` group.

use super::tree::{combine, negate, Rule};
use minicrm_domain::rules::Combinator;

/// What the grouping parser reads.
#[derive(Debug)]
pub(super) enum Item {
    Leaf(Rule),
    And { comma: bool },
    Or,
    Not { start: usize, end: usize },
    Open,
    Close,
    Either,
}

/// NOT binds tightest, then AND, then OR; parentheses and `either … or …` group.
pub(super) struct Grammar {
    items: std::iter::Peekable<std::vec::IntoIter<Item>>,
}

impl Grammar {
    pub(super) fn new(items: Vec<Item>) -> Self {
        Self {
            items: items.into_iter().peekable(),
        }
    }

    /// The tree of everything read, or None when no condition was.
    pub(super) fn parse(mut self) -> Option<Rule> {
        let mut parts = Vec::new();
        while self.items.peek().is_some() {
            if let Some(rule) = self.disjunction(false) {
                parts.push(rule);
            }
            // Only a stray ")" stops a disjunction before the end.
            if matches!(self.items.peek(), Some(Item::Close)) {
                self.items.next();
            }
        }
        combine(Combinator::And, parts)
    }

    fn disjunction(&mut self, stop_at_comma: bool) -> Option<Rule> {
        let mut alternatives = Vec::new();
        loop {
            if let Some(rule) = self.conjunction(stop_at_comma) {
                alternatives.push(rule);
            }
            if matches!(self.items.peek(), Some(Item::Or)) {
                self.items.next();
            } else {
                break;
            }
        }
        combine(Combinator::Or, alternatives)
    }

    fn conjunction(&mut self, stop_at_comma: bool) -> Option<Rule> {
        let mut parts = Vec::new();
        loop {
            match self.items.peek() {
                Some(Item::Leaf(_) | Item::Not { .. } | Item::Open | Item::Either) => {
                    if let Some(rule) = self.unary() {
                        parts.push(rule);
                    }
                }
                Some(Item::And { comma }) => {
                    if stop_at_comma && *comma && !parts.is_empty() {
                        break;
                    }
                    self.items.next();
                }
                _ => break,
            }
        }
        combine(Combinator::And, parts)
    }

    fn unary(&mut self) -> Option<Rule> {
        match self.items.next()? {
            Item::Leaf(rule) => Some(rule),
            Item::Not { .. } => self.unary().map(negate),
            Item::Open => {
                let rule = self.disjunction(false);
                if matches!(self.items.peek(), Some(Item::Close)) {
                    self.items.next();
                }
                rule
            }
            // The alternatives of "either" run to the next comma: "either A or B, and C".
            Item::Either => self.disjunction(true),
            _ => None,
        }
    }
}
