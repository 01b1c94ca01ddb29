//! Amounts as a message writes them: the currency's symbol and digits grouped as its readers do.

use crate::money::{format_minor, Currency};

/// An amount for a message: the currency's symbol, digits grouped as its readers do (lakh and crore
/// for the rupee), and the fraction only when there is one: `₹1,24,500`, `₹499.50`, `USD 1,200`.
pub fn format_amount(minor: i64, currency: Currency) -> String {
    let plain = format_minor(minor, currency.exponent());
    let (sign, plain) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest.to_owned()),
        None => ("", plain),
    };
    let (whole, fraction) = match plain.split_once('.') {
        Some((w, f)) if f.chars().any(|c| c != '0') => (w.to_owned(), Some(f.to_owned())),
        Some((w, _)) => (w.to_owned(), None),
        None => (plain.clone(), None),
    };
    let indian = currency.code() == "INR";
    let grouped = group_digits(&whole, indian);
    let prefix = if indian {
        "₹".to_owned()
    } else {
        format!("{} ", currency.code())
    };
    match fraction {
        Some(f) => format!("{sign}{prefix}{grouped}.{f}"),
        None => format!("{sign}{prefix}{grouped}"),
    }
}

fn group_digits(digits: &str, indian: bool) -> String {
    let len = digits.len();
    if len <= 3 {
        return digits.to_owned();
    }
    let (head, last3) = digits.split_at(len - 3);
    let size = if indian { 2 } else { 3 };
    let mut groups: Vec<&str> = Vec::new();
    let mut end = head.len();
    while end > 0 {
        let start = end.saturating_sub(size);
        groups.push(&head[start..end]);
        end = start;
    }
    groups.reverse();
    format!("{},{last3}", groups.join(","))
}
