//! Everything the parser produces is a valid rule tree: phrases combined with connectors,
//! negations and parentheses, odd prompts, and deterministic word soup from its own vocabulary.

use super::{now, parse, valid};
use crate::local::rules::recognisers::{FILLERS, KEYWORDS, KNOWN_CITIES, NEGATORS, TIERS};

/// Phrases to combine with connectors, negations and parentheses.
const PHRASES: &[&str] = &[
    "spent over ₹5K",
    "spent between 2k and 5k",
    "average order value above 1000",
    "spent more than 2000 in the last 30 days",
    "fewer than 3 orders",
    "ordered at least twice",
    "one-time buyers",
    "repeat customers",
    "never ordered",
    "more than three orders in the last 60 days",
    "haven't shopped in 6 months",
    "inactive for 90 days",
    "lapsed",
    "bought in the last 2 weeks",
    "joined this month",
    "joined last month",
    "new customers",
    "first order more than a year ago",
    "from Mumbai or Pune",
    "outside Delhi",
    "gold tier",
    "women",
    "acquired through ads",
    "with plan premium",
    "with no email",
    "gmail users",
    "named Asha",
    "bought from electronics",
    "bought SKU TSHIRT-01",
    "love cricket",
    "spent more than 2 crore",
    "customers who haven't ordered since 2026-01-01",
];

const PROMPTS: &[&str] = &[
    "5,000 rupees",
    "Rs. 2000",
    "INR 3k",
    "1.5 lakh",
    "2 crore",
    "more than 10k",
    "5+ orders",
    "no purchase in the last 2 months",
    "ordered recently",
    "active in the past month",
    "joined in the last 10 days",
    "in Delhi",
    "customers in Bengaluru, Chennai and Hyderabad",
    "not in Mumbai",
    "silver members",
    "tier is bronze",
    "men",
    "referral customers",
    "organic",
    "without a phone number",
    "with an email",
    "bought category footwear",
    "excluding gold tier",
    "except those who ordered in the last week",
    "either gold tier in Bengaluru or silver tier in Mumbai",
    "customers who joined between 2025-01-01 and 2025-06-30",
    "customers who signed up in March",
    "customers who signed up in January 2026",
    "customers whose last order was on 2026-06-01",
    "customers whose last order was before 01/01/2026",
    "customers with no order since January",
    "customers inactive since March",
    "customers who ordered yesterday",
    "customers who ordered today",
    "customers who placed 2 orders this week",
    "customers with at least 2 orders this year",
    "neither gold nor silver members",
    "((((((((((((((gold))))))))))))))",
    "not not not not not gold",
    "(((gold or silver) and (Mumbai or (Pune and women))) or (spent over 5k and (not lapsed)))",
    "spent over 5k or",
    "and or not",
    ") gold (",
    "either",
    "either gold or",
    "customers who spent 99999999999999999999999",
    "customers with more than 99999999999999999999 orders",
    "inactive for 500 years",
    "customers who ordered more than 2.5 times",
    "customers who spent ₹0.001",
    "customers who joined 31/02/2025",
    "city in (Mumbai, Pune",
    "name is",
    "tier is",
    "customers with email ending in",
    "customers whose phone starts with",
    "spent between 5k and 2k",
    "ordered between 5 and 2 times",
    "customers from São Paulo",
    "customers in 'Navi Mumbai'",
    "customers named ''",
    "“gold”",
    "₹₹₹",
    "rs rs rs 5",
    "- + : / & , . ; ?",
    "joined this year, this quarter, this week, today",
    "orders this quarter at least 3",
    "spent over 5k since 1 Jan 2026",
    "customers who ordered last year",
    "customers who ordered in 2024",
    "last order in March 2025",
];

#[test]
fn every_rule_tree_produced_is_valid() {
    let mut prompts: Vec<String> = PROMPTS
        .iter()
        .chain(PHRASES)
        .map(|p| (*p).to_owned())
        .collect();
    for a in PHRASES {
        for b in PHRASES {
            prompts.push(format!("{a} and {b}"));
            prompts.push(format!("{a} or {b}"));
            prompts.push(format!("{a} but not {b}"));
            prompts.push(format!("({a} or {b}), {a}"));
            prompts.push(format!("either {a} or not {b}"));
        }
    }
    let mut understood = 0;
    for prompt in &prompts {
        let parsed = parse(prompt, now());
        if let Some(rules) = &parsed.rules {
            valid(rules);
            understood += 1;
        }
    }
    assert!(
        understood * 10 > prompts.len() * 9,
        "{understood} of {}",
        prompts.len()
    );
}

/// Deterministic word soup from the parser's own vocabulary: no panic, and anything it makes of
/// it is valid.
#[test]
fn word_soup_never_breaks_it() {
    let vocabulary: Vec<&str> = KEYWORDS
        .iter()
        .chain(NEGATORS)
        .chain(FILLERS.iter().take(40))
        .chain(TIERS)
        .chain(KNOWN_CITIES.iter().take(10))
        .copied()
        .chain([
            "5",
            "5k",
            "₹",
            "2.5",
            "1,50,000",
            "lakh",
            "crore",
            "(",
            ")",
            ",",
            "days",
            "months",
            "2025-01-01",
            "\"",
            "'",
            "+",
            "-",
            "/",
            ">=",
            "<",
            "=",
            "TSHIRT-01",
            "twice",
            "a",
            "dozen",
            "twenty",
            "five",
        ])
        .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..3000 {
        let len = 1 + next(14);
        let prompt: Vec<&str> = (0..len)
            .map(|_| vocabulary[next(vocabulary.len())])
            .collect();
        let prompt = prompt.join(" ");
        let parsed = parse(&prompt, now());
        if let Some(rules) = &parsed.rules {
            valid(rules);
        }
        for part in &parsed.unrecognised {
            assert!(
                prompt.contains(part.as_str()),
                "{part:?} is not in {prompt:?}"
            );
        }
    }
}
