//! The Liquid that messages are written in: output, conditions (`if`, `unless`, `case`), comments and
//! raw text, and the filters that shape a value without multiplying it.
//!
//! Left out, since over a closed set of scalar variables a message needs none of them, and with them a
//! template of a few dozen characters ran for minutes or filled memory at the campaign's creation
//! (found by fuzzing): loops (`for`, `tablerow`), state (`assign`, `capture`, `increment`,
//! `decrement`, `cycle`), includes, the filters that repeat text (`replace`, `split` with `join`, the
//! array filters), and arithmetic (`plus`, `minus`, `times`, `divided_by`, `modulo`, `abs`), which
//! overflows and divides by zero.

use liquid_lib::stdlib;

pub fn parser() -> liquid::Parser {
    liquid::ParserBuilder::new()
        .block(stdlib::IfBlock)
        .block(stdlib::UnlessBlock)
        .block(stdlib::CaseBlock)
        .block(stdlib::CommentBlock)
        .block(stdlib::RawBlock)
        .filter(stdlib::Append)
        .filter(stdlib::AtLeast)
        .filter(stdlib::AtMost)
        .filter(stdlib::Capitalize)
        .filter(stdlib::Ceil)
        .filter(stdlib::Date)
        .filter(stdlib::Default)
        .filter(stdlib::Downcase)
        .filter(stdlib::Escape)
        .filter(stdlib::EscapeOnce)
        .filter(stdlib::Floor)
        .filter(stdlib::Lstrip)
        .filter(stdlib::NewlineToBr)
        .filter(stdlib::Prepend)
        .filter(stdlib::Remove)
        .filter(stdlib::RemoveFirst)
        .filter(stdlib::ReplaceFirst)
        .filter(stdlib::Round)
        .filter(stdlib::Rstrip)
        .filter(stdlib::Size)
        .filter(stdlib::Strip)
        .filter(stdlib::StripHtml)
        .filter(stdlib::StripNewlines)
        .filter(stdlib::Truncate)
        .filter(stdlib::TruncateWords)
        .filter(stdlib::Upcase)
        .filter(stdlib::UrlDecode)
        .filter(stdlib::UrlEncode)
        .build()
        .expect("the message language builds")
}

/// An integer literal in a tag or an output that does not fit in an `i64`: liquid-core 0.26 panics on
/// one (it `expect`s the parse), so it is refused first. Quoted text and digits outside `{{ }}` and
/// `{% %}` are left alone; a decimal is not an integer.
pub fn oversized_integer(source: &str) -> Option<&str> {
    let b = source.as_bytes();
    let (mut i, mut in_markup, mut quote) = (0, false, None);
    while i < b.len() {
        let (c, next) = (b[i], b.get(i + 1).copied());
        match (in_markup, quote, c) {
            (false, _, b'{') if matches!(next, Some(b'{' | b'%')) => {
                in_markup = true;
                i += 1;
            }
            (true, Some(q), _) if c == q => quote = None,
            (true, Some(_), _) | (false, _, _) => {}
            (true, None, b'"' | b'\'') => quote = Some(c),
            (true, None, b'}' | b'%') if next == Some(b'}') => {
                in_markup = false;
                i += 1;
            }
            (true, None, b'0'..=b'9') => {
                let (end, integer) = number_at(source, i);
                if integer.is_some_and(|n| n.parse::<i64>().is_err()) {
                    return integer;
                }
                i = end;
                continue;
            }
            (true, None, _) => {}
        }
        i += 1;
    }
    None
}

/// The number whose first digit is at `i`: where it ends, and its text with its sign if it is an
/// integer rather than a decimal.
fn number_at(source: &str, i: usize) -> (usize, Option<&str>) {
    let b = source.as_bytes();
    let digits = |from: usize| from + b[from..].iter().take_while(|d| d.is_ascii_digit()).count();
    let end = digits(i);
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        return (digits(end + 1), None);
    }
    let start = if i > 0 && matches!(b[i - 1], b'-' | b'+') {
        i - 1
    } else {
        i
    };
    (end, Some(&source[start..end]))
}
