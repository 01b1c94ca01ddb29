//! Numbers as written in India: digits with Indian or Western grouping, `K`, `lakh`, `crore`, numbers
//! in words ("twenty five thousand", "a dozen", "twice") and currency marks (`₹`, `Rs.`, `INR`,
//! `rupees`, `/-`), merged into one number token each.

use super::{Lexer, Number, Token, TokenKind, SCALE};
use chrono::NaiveDate;

mod words;

pub(super) use words::small_number;
use words::{multiplier, number_words};

impl Lexer<'_> {
    /// Digits: a date (2025-01-31, 31/01/2025) or a number (5000, 1,50,000, 1.5, 5K, 2.5L, 2cr).
    pub(super) fn number(&mut self, i: usize) -> usize {
        if let Some(end) = self.iso_date(i) {
            return end;
        }
        if let Some(end) = self.day_first_date(i) {
            return end;
        }
        self.amount(i)
    }

    /// 2025-01-31.
    fn iso_date(&mut self, i: usize) -> Option<usize> {
        let shaped = self.digits(i) == 4
            && self.ch(i + 4) == Some('-')
            && self.digits(i + 5) == 2
            && self.ch(i + 7) == Some('-')
            && self.digits(i + 8) == 2;
        if !shaped {
            return None;
        }
        let text = &self.src[self.at(i)..self.at(i + 10)];
        let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        self.push(TokenKind::Date(d), i, i + 10);
        Some(i + 10)
    }

    /// 31/01/2025 or 31-01-2025: day first, as written in India.
    fn day_first_date(&mut self, i: usize) -> Option<usize> {
        let d = self.digits(i);
        if !(1..=2).contains(&d) {
            return None;
        }
        let sep = self.ch(i + d);
        let m = self.digits(i + d + 1);
        let shaped = matches!(sep, Some('/' | '-'))
            && (1..=2).contains(&m)
            && self.ch(i + d + 1 + m) == sep
            && self.digits(i + d + m + 2) == 4;
        if !shaped {
            return None;
        }
        let end = i + d + m + 6;
        let text = &self.src[self.at(i)..self.at(end)];
        let parts: Vec<u32> = text
            .split(['/', '-'])
            .filter_map(|p| p.parse().ok())
            .collect();
        let [day, month, year] = parts[..] else {
            return None;
        };
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
        self.push(TokenKind::Date(date), i, end);
        Some(end)
    }

    /// 5000, 5,000, 1,50,000, 1.5, with a multiplier stuck to it: 5K, 2.5L, 2cr.
    fn amount(&mut self, i: usize) -> usize {
        let mut j = i + self.digits(i);
        loop {
            let group = self.digits(j + 1);
            if self.ch(j) == Some(',') && (group == 2 || group == 3) {
                j += 1 + group;
            } else {
                break;
            }
        }
        if self.ch(j) == Some('.') && self.digit(j + 1) {
            j += 1 + self.digits(j + 1);
        }
        let text: String = self.src[self.at(i)..self.at(j)]
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let Some(mut v) = scaled(&text) else {
            self.push(TokenKind::Word(text), i, j);
            return j;
        };
        let mut k = j;
        while self.ch(k).is_some_and(char::is_alphabetic) {
            k += 1;
        }
        let suffix = self.src[self.at(j)..self.at(k)].to_lowercase();
        if let Some(m) = multiplier(&suffix).or(if suffix == "l" { Some(100_000) } else { None }) {
            v *= m;
            j = k;
        }
        let number = Number {
            scaled: v,
            money: false,
            times: false,
        };
        self.push(TokenKind::Number(number), i, j);
        j
    }
}

/// "1.5" → 15000 (× [`SCALE`]); None when too long to be an amount.
fn scaled(text: &str) -> Option<i128> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.len() > 18 {
        return None;
    }
    let whole: i128 = whole.parse().ok()?;
    let frac: String = frac.chars().chain("0000".chars()).take(4).collect();
    Some(whole * SCALE + frac.parse::<i128>().ok()?)
}

/// Merges currency marks, digits, number words and multipliers into single number tokens.
pub(super) fn merge_numbers(raw: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match number_at(&raw, i) {
            Some((tok, next)) => {
                out.push(tok);
                i = next;
            }
            None => {
                out.push(raw[i].clone());
                i += 1;
            }
        }
    }
    out
}

fn raw_word(raw: &[Token], i: usize) -> &str {
    match raw.get(i).map(|t| &t.kind) {
        Some(TokenKind::Word(w)) => w,
        _ => "",
    }
}

fn number_at(raw: &[Token], i: usize) -> Option<(Token, usize)> {
    let mut j = i;
    let mut money = false;
    if raw[i].kind == TokenKind::Rupee || matches!(raw_word(raw, i), "rs" | "inr") {
        money = true;
        j += 1;
    }
    let (v, times, mut k) = match raw.get(j).map(|t| &t.kind) {
        Some(TokenKind::Number(n)) => {
            money |= n.money;
            let (mut v, mut k) = (n.scaled, j + 1);
            let next = raw_word(raw, k);
            if let Some(m) = multiplier(next).or((next == "hundred").then_some(100)) {
                v *= m;
                k += 1;
            }
            (v, false, k)
        }
        Some(TokenKind::Word(_)) => number_words(raw, j)?,
        _ => return None,
    };
    if matches!(
        raw_word(raw, k),
        "rupees" | "rupee" | "rs" | "inr" | "bucks"
    ) {
        money = true;
        k += 1;
    }
    Some((
        Token {
            kind: TokenKind::Number(Number {
                scaled: v,
                money,
                times,
            }),
            start: raw[i].start,
            end: raw[k - 1].end,
        },
        k,
    ))
}
