//! The words the recognisers know: fillers that carry nothing, prepositions, negations, the keywords
//! that start or shape a condition, units of time and month names.

mod fillers;
mod keywords;

pub(in crate::local::rules) use fillers::FILLERS;
pub(in crate::local::rules) use keywords::KEYWORDS;

pub(super) const PREPOSITIONS: &[&str] = &[
    "in", "from", "at", "on", "by", "for", "to", "with", "since", "during", "within", "over", "of",
    "the", "a", "an",
];

pub(in crate::local::rules) const NEGATORS: &[&str] = &[
    "not",
    "no",
    "never",
    "without",
    "excluding",
    "exclude",
    "excludes",
    "except",
    "minus",
    "barring",
    "haven't",
    "havent",
    "hasn't",
    "hasnt",
    "hadn't",
    "didn't",
    "didnt",
    "don't",
    "dont",
    "doesn't",
    "doesnt",
    "isn't",
    "isnt",
    "aren't",
    "arent",
    "wasn't",
    "wasnt",
    "weren't",
    "werent",
    "won't",
    "cannot",
    "can't",
    "neither",
    "missing",
    "lacking",
    "except for",
    "other than",
    "apart from",
    "not including",
    "leaving out",
    "leave out",
    "none of",
];

pub(super) fn reserved(w: &str) -> bool {
    FILLERS.contains(&w)
        || KEYWORDS.contains(&w)
        || NEGATORS.contains(&w)
        || PREPOSITIONS.contains(&w)
        || unit_days(w).is_some()
        || month_number(w).is_some()
}

pub(super) fn unit_days(w: &str) -> Option<u32> {
    match w {
        "day" | "days" | "d" => Some(1),
        "week" | "weeks" | "wk" | "wks" => Some(7),
        "fortnight" | "fortnights" => Some(14),
        "month" | "months" | "mo" | "mos" | "mth" | "mths" => Some(30),
        "quarter" | "quarters" | "qtr" | "qtrs" => Some(90),
        "year" | "years" | "yr" | "yrs" => Some(365),
        _ => None,
    }
}

pub(super) fn month_number(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}
