//! The local parser from how marketers write to segment rules: offline, deterministic, no model.
//!
//! It works in three stages, each a module:
//!
//! 1. **Lexing** (`lexer`): the prompt becomes tokens — words, numbers (with `₹`, `Rs.`, `INR`,
//!    `rupees`, `K`, `lakh`, `crore` and numbers in words merged into one amount), dates, quoted text,
//!    comparison symbols, punctuation and parentheses — each keeping its span in the prompt.
//! 2. **Recognising** (`recognisers`, one file per kind of phrase): at each token a set of
//!    recognisers tries to read one condition ("spent over ₹5K in the last 30 days", "from Mumbai
//!    or Pune", "gold tier"). Connectors, negations and parentheses become items for the grouping
//!    parser, filler words are skipped and everything else is kept, verbatim, as unrecognised.
//! 3. **Grouping** (`grouping`): NOT binds tightest, then AND (`and`, `but`, commas, or nothing
//!    at all between two conditions), then OR; parentheses and `either … or …` group.
//!
//! The result is the domain's rule tree over the values as written (`tree`), which serializes to
//! minicrm's rule JSON, and one plain-English line per condition (`description`).
//!
//! Conventions (shared with the evaluation set): day = 1, week = 7, fortnight = 14, month = 30,
//! quarter = 90 and year = 365 days; K = 1,000, lakh = 1,00,000, crore = 1,00,00,000. Calendar words
//! ("this month") use the Asia/Kolkata calendar and become ISO dates (`2026-06-01`), which the rule
//! parser reads as midnight UTC. Amounts above what a rule can hold (₹1 crore) are reported as not
//! understood rather than clamped.

mod description;
mod grouping;
mod lexer;
mod recognisers;
mod tree;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use grouping::Grammar;
use minicrm_domain::rules::Combinator;
use minicrm_domain::Currency;
use recognisers::Scanner;
use serde_json::Value;
use tree::{Group, Rule};

/// What the local parser made of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// A rule tree in minicrm's JSON rule format (react-querybuilder shape), or None when nothing was understood.
    pub rules: Option<Value>,
    /// What was understood, one plain-English line per condition, e.g. "total spend over ₹5,000".
    pub explanation: Vec<String>,
    /// Every part of the prompt that could not be understood, verbatim (trimmed) — never drop a phrase silently.
    pub unrecognised: Vec<String>,
}

/// Reads a marketer's description of an audience into segment rules. `now` is the moment relative
/// dates are taken from; calendar words use the Asia/Kolkata calendar (UTC+05:30).
pub fn parse(prompt: &str, now: DateTime<Utc>) -> Parsed {
    let (items, unrecognised) = Scanner::new(prompt, today_in_india(now)).run();
    let Some(tree) = Grammar::new(items).parse() else {
        return Parsed {
            rules: None,
            explanation: Vec::new(),
            unrecognised,
        };
    };
    let root = as_root(tree);
    let Some(rules) = valid_json(&root) else {
        return Parsed {
            rules: None,
            explanation: Vec::new(),
            unrecognised: vec![prompt.trim().to_owned()],
        };
    };
    Parsed {
        rules: Some(rules),
        explanation: description::explain(&root),
        unrecognised,
    }
}

/// The day in India at `now`: calendar words ("this month", "today") are read on it.
fn today_in_india(now: DateTime<Utc>) -> NaiveDate {
    let ist = FixedOffset::east_opt(5 * 3600 + 1800).expect("+05:30 is a valid offset");
    now.with_timezone(&ist).date_naive()
}

/// A rule tree's root is a group: a lone condition is a group of one.
fn as_root(tree: Rule) -> Group {
    match tree {
        Rule::Group(group) => group,
        condition => Group {
            combinator: Combinator::And,
            not: false,
            rules: vec![condition],
        },
    }
}

/// The tree as rule JSON, when the domain accepts it. A safety net: every recogniser builds valid
/// conditions, so this only trips on pathological input (nesting past the depth limit).
fn valid_json(root: &Group) -> Option<Value> {
    serde_json::to_value(root)
        .ok()
        .filter(|json| minicrm_domain::rules::parse(json, Currency::INR).is_ok())
}

#[cfg(test)]
mod tests;
