//! Recognising: at each token a set of recognisers tries to read one condition ("spent over ₹5K in
//! the last 30 days", "from Mumbai or Pune", "gold tier"). This module holds the scanner they share
//! and the order in which they are tried; each kind of phrase has its own file.

mod acquisition;
mod attributes;
mod common_segments;
mod comparisons;
mod contact;
mod dates;
mod genders;
mod names;
mod orders;
mod patterns;
mod places;
mod products;
mod recency;
mod scan;
mod spend;
mod tiers;
mod vocabulary;
mod windows;

#[cfg(test)]
pub(in crate::local::rules) use places::KNOWN_CITIES;
#[cfg(test)]
pub(in crate::local::rules) use tiers::TIERS;
#[cfg(test)]
pub(in crate::local::rules) use vocabulary::{FILLERS, KEYWORDS, NEGATORS};

use super::lexer::{lex, Token};
use super::tree::Rule;
use chrono::NaiveDate;
use minicrm_domain::rules::Field;

/// What a recogniser may want to know about the text before it.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    /// The previous substantive word was not understood.
    pub(super) after_unknown: bool,
    /// The field of the previous condition, for what a prompt leaves implied: "bought from beauty
    /// but not from apparel", "ordered in the last 30 days but not in the last 7".
    pub(super) previous: Option<Field>,
}

/// What a recogniser read: a condition (or a group of them) and where it ends.
type Found = Option<(Rule, usize)>;

/// The prompt, its tokens and the day relative dates are taken from, for the recognisers to read.
pub(super) struct Scanner<'a> {
    pub(super) src: &'a str,
    pub(super) tokens: Vec<Token>,
    pub(super) today: NaiveDate,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(prompt: &'a str, today: NaiveDate) -> Self {
        Scanner {
            src: prompt,
            tokens: lex(prompt),
            today,
        }
    }

    /// The condition at p, if one starts there: the recognisers are tried in this order, and the
    /// first that reads one wins.
    fn leaf(&self, p: usize, ctx: Context) -> Found {
        self.segment_phrase(p)
            .or_else(|| self.first_last(p))
            .or_else(|| self.aov(p))
            .or_else(|| self.spend(p))
            .or_else(|| self.acquisition(p))
            .or_else(|| self.joined(p))
            .or_else(|| self.tenure(p))
            .or_else(|| self.order_field(p))
            .or_else(|| self.order_verb(p))
            .or_else(|| self.count_first(p))
            .or_else(|| self.bare_money(p, ctx))
            .or_else(|| self.activity(p))
            .or_else(|| self.contact(p, ctx))
            .or_else(|| self.name(p))
            .or_else(|| self.tier(p))
            .or_else(|| self.gender(p))
            .or_else(|| self.implied(p, ctx))
            .or_else(|| self.place(p, ctx))
            .or_else(|| self.product(p))
            .or_else(|| self.generic_attribute(p))
    }

    /// A condition whose subject the prompt leaves implied by the one before.
    fn implied(&self, p: usize, ctx: Context) -> Found {
        match ctx.previous? {
            Field::BoughtCategory => self.category_tail(p),
            Field::LastOrderAt => {
                let (w, e) = self.window(p)?;
                Some((w.ordered_in()?, e))
            }
            field @ (Field::CreatedAt | Field::FirstOrderAt) => {
                let (w, e) = self.window(p)?;
                Some((w.date_condition(field), e))
            }
            _ => None,
        }
    }
}
