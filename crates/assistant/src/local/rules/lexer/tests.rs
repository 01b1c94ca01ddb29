//! The lexer: amounts as written in India, dates, words and punctuation.

use super::{lex, Number, TokenKind, SCALE};
use chrono::NaiveDate;
use minicrm_domain::rules::Operator;

fn numbers(text: &str) -> Vec<(i128, bool)> {
    lex(text)
        .into_iter()
        .filter_map(|t| match t.kind {
            TokenKind::Number(n) => Some((n.scaled / SCALE, n.money)),
            _ => None,
        })
        .collect()
}

#[test]
fn lexes_amounts_as_written_in_india() {
    assert_eq!(numbers("₹5K"), [(5000, true)]);
    assert_eq!(numbers("Rs. 2000"), [(2000, true)]);
    assert_eq!(numbers("Rs.2000"), [(2000, true)]);
    assert_eq!(numbers("INR 3k"), [(3000, true)]);
    assert_eq!(numbers("INR3000"), [(3000, true)]);
    assert_eq!(numbers("5,000 rupees"), [(5000, true)]);
    assert_eq!(numbers("5000/-"), [(5000, true)]);
    assert_eq!(numbers("1,50,000"), [(150_000, false)]);
    assert_eq!(numbers("1.5 lakh"), [(150_000, false)]);
    assert_eq!(numbers("2.5L"), [(250_000, false)]);
    assert_eq!(numbers("2 crore"), [(20_000_000, false)]);
    assert_eq!(numbers("2cr"), [(20_000_000, false)]);
    assert_eq!(numbers("five thousand"), [(5000, false)]);
    assert_eq!(numbers("twenty five"), [(25, false)]);
    assert_eq!(numbers("twenty-five"), [(25, false)]);
    assert_eq!(numbers("two hundred fifty"), [(250, false)]);
    assert_eq!(numbers("a dozen"), [(12, false)]);
    assert_eq!(numbers("a lakh"), [(100_000, false)]);
    assert_eq!(numbers("twice"), [(2, false)]);
    assert_eq!(numbers("Mumbai, 2 orders"), [(2, false)]);
    // Not numbers: a quantity word alone, "one of", "one-time".
    assert!(numbers("a phone one of one-time").is_empty());
}

#[test]
fn lexes_dates_words_and_punctuation() {
    let kinds: Vec<TokenKind> =
        lex("joined 2025-01-31 or 31/01/2025 (SKU TSHIRT-01), e-mail haven’t >= 5")
            .into_iter()
            .map(|t| t.kind)
            .collect();
    let date = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
    let word = |w: &str| TokenKind::Word(w.into());
    assert_eq!(
        kinds,
        vec![
            word("joined"),
            TokenKind::Date(date),
            word("or"),
            TokenKind::Date(date),
            TokenKind::Open,
            word("sku"),
            word("tshirt-01"),
            TokenKind::Close,
            TokenKind::Comma,
            word("e-mail"),
            word("haven't"),
            TokenKind::Symbol(Operator::Ge),
            TokenKind::Number(Number {
                scaled: 5 * SCALE,
                money: false,
                times: false
            }),
        ]
    );
}
