//! The scan: reads the prompt left to right into items for the grouping parser — conditions,
//! connectors, negations, parentheses — skipping filler and keeping, verbatim, what it could not
//! understand.

use super::vocabulary::{FILLERS, NEGATORS, PREPOSITIONS};
use super::{Context, Scanner};
use crate::local::rules::grouping::Item;
use crate::local::rules::lexer::TokenKind;
use crate::local::rules::tree::implied_field;
use minicrm_domain::rules::Field;

impl Scanner<'_> {
    /// Punctuation and words that join or group conditions.
    fn connector(&self, p: usize) -> Option<(Item, usize)> {
        let and = Item::And { comma: false };
        match self.kind(p)? {
            TokenKind::Open => Some((Item::Open, p + 1)),
            TokenKind::Close => Some((Item::Close, p + 1)),
            TokenKind::Comma | TokenKind::Semicolon | TokenKind::Stop => {
                Some((Item::And { comma: true }, p + 1))
            }
            TokenKind::Slash => Some((Item::Or, p + 1)),
            TokenKind::Word(w) if w == "either" => Some((Item::Either, p + 1)),
            TokenKind::Word(w) if w == "nor" => Some((and, p + 1)),
            TokenKind::Word(_) => {
                if let Some(e) = self.pats(
                    p,
                    &[
                        "and|but|plus|whereas|while",
                        "as well as",
                        "along with",
                        "and also",
                    ],
                ) {
                    return Some((and, e));
                }
                self.pats(p, &["or", "or else"]).map(|e| (Item::Or, e))
            }
            _ => None,
        }
    }

    /// A negation: "not", "haven't", "excluding", "except for", "other than"…
    fn negator(&self, p: usize) -> Option<usize> {
        NEGATORS.iter().filter_map(|n| self.pat(p, n)).max()
    }

    fn ignorable(&self, p: usize) -> bool {
        match self.kind(p) {
            Some(TokenKind::Word(w)) => FILLERS.contains(&w.as_str()),
            Some(
                TokenKind::Other
                | TokenKind::Dash
                | TokenKind::Plus
                | TokenKind::Colon
                | TokenKind::Rupee,
            ) => true,
            _ => false,
        }
    }

    /// Reads the prompt into items for the grouping parser and the text it could not understand.
    pub(in crate::local::rules) fn run(&self) -> (Vec<Item>, Vec<String>) {
        let mut scan = Scan {
            items: Vec::new(),
            unknown: Vec::new(),
            run: None,
            skipped: vec![false; self.tokens.len()],
            previous: None,
        };
        let mut p = 0;
        while p < self.tokens.len() {
            p = self.step(&mut scan, p);
        }
        scan.flush(self);
        scan.dangling_not(self);
        (scan.items, scan.unknown)
    }

    /// Reads what starts at p — a connector, a condition, a negation, filler or text not
    /// understood — and returns where the next thing starts.
    fn step(&self, scan: &mut Scan, p: usize) -> usize {
        if let Some((item, e)) = self.connector(p) {
            self.connect(scan, item, p);
            return e;
        }
        let ctx = Context {
            after_unknown: scan.run.is_some(),
            previous: scan.previous,
        };
        if let Some((rule, e)) = self.leaf(p, ctx) {
            scan.flush(self);
            scan.previous = implied_field(&rule);
            scan.items.push(Item::Leaf(rule));
            return e.max(p + 1);
        }
        if let Some(e) = self.negator(p) {
            scan.flush(self);
            scan.items.push(Item::Not {
                start: self.tokens[p].start,
                end: self.tokens[e - 1].end,
            });
            return e;
        }
        if self.ignorable(p) {
            scan.skipped[p] = true;
        } else {
            scan.unknown_token(self, p);
        }
        p + 1
    }

    /// A connector at p: it ends the text not understood before it.
    fn connect(&self, scan: &mut Scan, item: Item, p: usize) {
        scan.flush(self);
        // "not (…)" and "not either … or …" negate what follows.
        if !matches!(item, Item::Open | Item::Either) {
            scan.dangling_not(self);
        }
        scan.items.push(item);
        // "neither A nor B": and not B.
        if self.word(p) == "nor" {
            scan.items.push(Item::Not {
                start: self.tokens[p].start,
                end: self.tokens[p].end,
            });
        }
    }
}

/// The state of a scan: items so far, text not understood, the current run of it.
struct Scan {
    items: Vec<Item>,
    unknown: Vec<String>,
    /// Byte span of the current run of text not understood.
    run: Option<(usize, usize)>,
    /// Which tokens were skipped as filler.
    skipped: Vec<bool>,
    /// The field of the last condition, for what the next may leave implied.
    previous: Option<Field>,
}

impl Scan {
    fn unknown_token(&mut self, s: &Scanner, p: usize) {
        let tok = &s.tokens[p];
        if let Some((start, _)) = self.run {
            self.run = Some((start, tok.end));
            return;
        }
        // Start at a preposition just before ("in 2024", "over the weekend") and at a negation
        // that had nothing to negate ("not loving cricket").
        let mut start = tok.start;
        let mut q = p;
        while q > 0 && q + 3 > p && self.skipped[q - 1] {
            if let Some(TokenKind::Word(w)) = s.kind(q - 1) {
                if !PREPOSITIONS.contains(&w.as_str()) {
                    break;
                }
                if !matches!(w.as_str(), "the" | "a" | "an") {
                    start = s.tokens[q - 1].start;
                }
            }
            q -= 1;
        }
        if let Some(Item::Not { start: ns, .. }) = self.items.last() {
            start = *ns;
            self.items.pop();
        }
        self.run = Some((start, tok.end));
    }

    fn flush(&mut self, s: &Scanner) {
        if let Some((a, b)) = self.run.take() {
            let text = s.src[a..b].trim();
            if !text.is_empty() {
                self.unknown.push(text.to_owned());
            }
        }
    }

    /// A negation with nothing after it to negate is reported, not dropped.
    fn dangling_not(&mut self, s: &Scanner) {
        if let Some(Item::Not { start, end }) = self.items.last() {
            self.unknown.push(s.src[*start..*end].trim().to_owned());
            self.items.pop();
        }
    }
}
