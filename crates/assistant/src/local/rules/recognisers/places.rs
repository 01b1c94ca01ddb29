//! Places: "in Mumbai", "from Mumbai or Pune", "outside Delhi", "city is Pune", "Pune customers", with
//! the Indian cities a prompt may name bare.

use super::{Context, Found, Scanner};
use crate::local::rules::lexer::TokenKind;
use crate::local::rules::tree::text_condition;
use minicrm_domain::rules::{Field, Subject};

/// Indian cities a prompt may name without "in" or "from" ("Pune customers").
pub(in crate::local::rules) const KNOWN_CITIES: &[&str] = &[
    "mumbai",
    "delhi",
    "new delhi",
    "bengaluru",
    "bangalore",
    "chennai",
    "hyderabad",
    "kolkata",
    "pune",
    "ahmedabad",
    "surat",
    "jaipur",
    "lucknow",
    "kanpur",
    "nagpur",
    "indore",
    "bhopal",
    "patna",
    "vadodara",
    "ludhiana",
    "agra",
    "nashik",
    "faridabad",
    "meerut",
    "rajkot",
    "varanasi",
    "srinagar",
    "aurangabad",
    "amritsar",
    "navi mumbai",
    "ranchi",
    "coimbatore",
    "kochi",
    "cochin",
    "chandigarh",
    "guwahati",
    "mysuru",
    "mysore",
    "gurugram",
    "gurgaon",
    "noida",
    "greater noida",
    "ghaziabad",
    "thane",
    "visakhapatnam",
    "vizag",
    "thiruvananthapuram",
    "trivandrum",
    "bhubaneswar",
    "dehradun",
    "goa",
    "panaji",
    "madurai",
    "jodhpur",
    "udaipur",
    "raipur",
    "vijayawada",
    "mangaluru",
    "mangalore",
    "kozhikode",
    "thrissur",
    "nellore",
    "tiruchirappalli",
    "salem",
    "jammu",
    "shimla",
    "puducherry",
    "pondicherry",
    "gandhinagar",
    "hubli",
    "kota",
    "ajmer",
    "calicut",
    "bareilly",
    "jabalpur",
    "gwalior",
    "howrah",
    "dhanbad",
    "allahabad",
    "prayagraj",
    "jalandhar",
    "warangal",
];

/// What says the places that follow are not where customers are: "outside Delhi", "city is not Pune".
const NEGATED_PLACES: &[&str] = &[
    "live|lives|living|based|located|residing|staying? outside|outside-of of?",
    "city|cities is|are not",
    "city|cities isn't|aren't|!=|not",
    "not based|living|located|residing in",
];

/// What says places follow: "based in", "residents of", "city is".
const PLACES: &[&str] = &[
    "based|living|staying|residing|located|situated in|at",
    "based out of",
    "live|lives|reside|resides|stay|stays in",
    "residents|resident of|in",
    "hailing from",
    "in|from the? city|cities of",
    "city|cities is|are|=|:|in|of?",
    "city|cities is|are one|any of",
    "located|based near",
];

/// First words of multi-word city names written in lower case ("new delhi").
const CITY_PREFIXES: &[&str] = &["new", "navi", "greater", "north", "south", "east", "west"];

fn title_case(text: &str) -> String {
    let word = |w: &str| {
        w.split('-')
            .map(|part| {
                let mut cs = part.chars();
                match cs.next() {
                    Some(c) => c
                        .to_uppercase()
                        .chain(cs.flat_map(char::to_lowercase))
                        .collect(),
                    None => String::new(),
                }
            })
            .collect::<Vec<String>>()
            .join("-")
    };
    text.split_whitespace()
        .map(word)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Scanner<'_> {
    /// A city the prompt may name bare: returns where its name ends.
    pub(super) fn known_city(&self, p: usize) -> Option<usize> {
        let one = self.word(p);
        let two = format!("{one} {}", self.word(p + 1));
        if KNOWN_CITIES.contains(&two.as_str()) {
            return Some(p + 2);
        }
        let one = one.strip_suffix("-based").unwrap_or(one);
        KNOWN_CITIES.contains(&one).then_some(p + 1)
    }

    /// A place's name: one word, or several when written in capitals ("Navi Mumbai").
    fn city_item(&self, p: usize) -> Option<(String, usize)> {
        if let Some(TokenKind::Quoted(s)) = self.kind(p) {
            return Some((title_case(s), p + 1));
        }
        if let Some(e) = self.known_city(p) {
            let raw = self.raw(p, e);
            let raw = raw
                .strip_suffix("-based")
                .or_else(|| raw.strip_suffix("-Based"))
                .unwrap_or(raw);
            return Some((title_case(raw), e));
        }
        let first = self.plain(p)?;
        if first.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let mut e = p + 1;
        while e < p + 3
            && self.plain(e).is_some()
            && (self.capitalised(e) && self.capitalised(p) || CITY_PREFIXES.contains(&first))
        {
            e += 1;
        }
        Some((title_case(self.raw(p, e)), e))
    }

    /// "in Mumbai", "from Mumbai or Pune", "in Delhi, Jaipur and Lucknow", "outside Delhi",
    /// "based in Hyderabad", "city is Pune", "Pune customers", "from (Mumbai or Pune)".
    pub(super) fn place(&self, p: usize, ctx: Context) -> Found {
        let (negated, q, weak) = self.place_intro(p)?;
        let (cities, end) = if self.slot(q, "(") {
            self.paren_list(q, |x| self.city_item(x))?
        } else {
            if weak && !self.may_be_place(q, ctx) {
                return None;
            }
            self.places_alike(q)?
        };
        let end = self
            .pat(end, "city|cities|area|region|based|-based")
            .unwrap_or(end);
        let city = Subject::Field(Field::City);
        Some((text_condition(city, negated, cities), end))
    }

    /// What introduces places: "outside", "city is not" (negated), "based in", "city is" (strong),
    /// "from", "in" (weak: what follows must look like a place), or a known city itself. Returns
    /// (negated, where the places start, weak).
    fn place_intro(&self, p: usize) -> Option<(bool, usize, bool)> {
        if let Some(q) = self.pats(p, NEGATED_PLACES) {
            return Some((true, q, false));
        }
        if let Some(q) = self.pats(p, PLACES) {
            return Some((false, q, false));
        }
        if let Some(q) = self.pat(p, "from|in|across") {
            return Some((false, q, true));
        }
        self.known_city(p).map(|_| (false, p, false))
    }

    /// After a weak "from" or "in": a city we know, a quoted name, or a word that is not our
    /// vocabulary — capitalised, unless the text before was understood.
    fn may_be_place(&self, q: usize, ctx: Context) -> bool {
        self.known_city(q).is_some()
            || matches!(self.kind(q), Some(TokenKind::Quoted(_)))
            || (self.plain(q).is_some() && (self.capitalised(q) || !ctx.after_unknown))
    }

    /// Places from q: after the first, another is written the same way ("Delhi, Jaipur", "delhi,
    /// jaipur") or is one we know: "Mumbai, aged over 30" is not a list of places.
    fn places_alike(&self, q: usize) -> Option<(Vec<String>, usize)> {
        let capitalised = self.capitalised(q);
        let (cities, end, _) = self.list(q, &["from", "in"], |x| {
            let same_style = x == q
                || self.known_city(x).is_some()
                || matches!(self.kind(x), Some(TokenKind::Quoted(_)))
                || self.capitalised(x) == capitalised;
            if same_style {
                self.city_item(x)
            } else {
                None
            }
        })?;
        Some((cities, end))
    }
}
