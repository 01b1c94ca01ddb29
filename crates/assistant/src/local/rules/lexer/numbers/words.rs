//! Numbers in words: "twenty five thousand", "a dozen", "one lakh", "twice", and the multipliers
//! (`K`, `lakh`, `crore`) that scale a number.

use super::raw_word;
use super::{Token, SCALE};

pub(super) fn multiplier(w: &str) -> Option<i128> {
    match w {
        "k" | "thousand" | "thousands" => Some(1_000),
        "lakh" | "lakhs" | "lac" | "lacs" | "lakh's" => Some(100_000),
        "crore" | "crores" | "cr" => Some(10_000_000),
        _ => None,
    }
}

pub(in crate::local::rules::lexer) fn small_number(w: &str) -> Option<i128> {
    const WORDS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = WORDS.iter().position(|x| *x == w) {
        return Some(i as i128);
    }
    if w == "fourty" {
        return Some(40);
    }
    TENS.iter()
        .position(|x| *x == w)
        .map(|i| (i as i128 + 2) * 10)
}

/// "twenty five thousand", "a dozen", "one lakh", "twice".
pub(super) fn number_words(raw: &[Token], j: usize) -> Option<(i128, bool, usize)> {
    let first = raw_word(raw, j);
    let times = match first {
        "once" => Some(1),
        "twice" => Some(2),
        "thrice" => Some(3),
        _ => None,
    };
    if let Some(n) = times {
        return Some((n * SCALE, true, j + 1));
    }
    let (mut total, mut cur, mut any, mut k) = (0_i128, 0_i128, false, j);
    let big = |w: &str| {
        matches!(
            w,
            "hundred"
                | "thousand"
                | "lakh"
                | "lakhs"
                | "lac"
                | "lacs"
                | "crore"
                | "crores"
                | "dozen"
        )
    };
    loop {
        let w = raw_word(raw, k);
        if let Some(u) = small_number(w) {
            if w == "one" && raw_word(raw, k + 1) == "of" {
                break;
            }
            let joins = cur == 0 || cur % 100 == 0 || (cur % 100 >= 20 && cur % 10 == 0 && u < 10);
            if !joins {
                break;
            }
            cur += u;
            any = true;
        } else if matches!(w, "a" | "an") && !any && cur == 0 && big(raw_word(raw, k + 1)) {
            cur = 1;
        } else if w == "hundred" && (any || cur == 1) {
            cur = cur.max(1) * 100;
            any = true;
        } else if matches!(w, "dozen" | "dozens") {
            cur = cur.max(1) * 12;
            any = true;
        } else if let Some(m) = multiplier(w).filter(|_| w != "k" && w != "cr") {
            if !(any || cur == 1) {
                break;
            }
            total += cur.max(1) * m;
            cur = 0;
            any = true;
        } else {
            break;
        }
        k += 1;
    }
    any.then_some(((total + cur) * SCALE, false, k))
}
