//! The local parser from how marketers write to segment rules: offline, deterministic, no model.
//!
//! It works in three stages:
//!
//! 1. **Lexing** (`lex`): the prompt becomes tokens — words, numbers (with `₹`, `Rs.`, `INR`,
//!    `rupees`, `K`, `lakh`, `crore` and numbers in words merged into one amount), dates, quoted text,
//!    comparison symbols, punctuation and parentheses — each keeping its span in the prompt.
//! 2. **Recognising** (`Scanner`): at each token a set of recognisers tries to read one condition
//!    ("spent over ₹5K in the last 30 days", "from Mumbai or Pune", "gold tier"). Connectors,
//!    negations and parentheses become items for the grouping parser, filler words are skipped and
//!    everything else is kept, verbatim, as unrecognised.
//! 3. **Grouping** (`Grammar`): NOT binds tightest, then AND (`and`, `but`, commas, or nothing at
//!    all between two conditions), then OR; parentheses and `either … or …` group. The tree becomes
//!    minicrm's rule JSON and one plain-English line per condition.
//!
//! Conventions (shared with the evaluation set): day = 1, week = 7, fortnight = 14, month = 30,
//! quarter = 90 and year = 365 days; K = 1,000, lakh = 1,00,000, crore = 1,00,00,000. Calendar words
//! ("this month") use the Asia/Kolkata calendar and become ISO dates (`2026-06-01`), which the rule
//! parser reads as midnight UTC. Amounts above what a rule can hold (₹1 crore) are reported as not
//! understood rather than clamped.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use minicrm_domain::money::MAX_MAJOR;
use serde_json::{json, Map, Value};

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
    let ist = FixedOffset::east_opt(5 * 3600 + 1800).expect("+05:30 is a valid offset");
    let scanner = Scanner {
        src: prompt,
        t: lex(prompt),
        today: now.with_timezone(&ist).date_naive(),
    };
    let (items, unrecognised) = scanner.run();
    let tree = Grammar {
        items: items.into_iter().peekable(),
    }
    .parse();
    let Some(tree) = tree else {
        return Parsed {
            rules: None,
            explanation: Vec::new(),
            unrecognised,
        };
    };
    let rules = match &tree {
        Node::Group(_) => tree.to_json(),
        Node::Cond(_) => json!({"combinator": "and", "rules": [tree.to_json()]}),
    };
    // A safety net: what we produce must be a valid rule tree. Every recogniser builds valid
    // conditions, so this only trips on pathological input (nesting past the depth limit).
    if minicrm_domain::rules::parse(&rules, minicrm_domain::Currency::INR).is_err() {
        return Parsed {
            rules: None,
            explanation: Vec::new(),
            unrecognised: vec![prompt.trim().to_owned()],
        };
    }
    Parsed {
        rules: Some(rules),
        explanation: tree.lines(false),
        unrecognised,
    }
}

// ---------------------------------------------------------------------------------------------
// The rule tree
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Between,
    NotBetween,
    In,
    NotIn,
    Contains,
    NotContains,
    BeginsWith,
    EndsWith,
    IsNull,
    IsNotNull,
    Within,
    Older,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Between => "between",
            Op::NotBetween => "not_between",
            Op::In => "in",
            Op::NotIn => "not_in",
            Op::Contains => "contains",
            Op::NotContains => "not_contains",
            Op::BeginsWith => "begins_with",
            Op::EndsWith => "ends_with",
            Op::IsNull => "is_null",
            Op::IsNotNull => "is_not_null",
            Op::Within => "within_last_days",
            Op::Older => "older_than_days",
        }
    }
}

/// A condition's value. Money is kept in ten-thousandths of a rupee (see [`SCALE`]).
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Text(String),
    Texts(Vec<String>),
    Money(i128),
    Moneys(i128, i128),
    Count(i64),
    Counts(i64, i64),
    Days(u32),
    Date(NaiveDate),
    Window(u32, Box<Val>),
}

#[derive(Debug, Clone, PartialEq)]
struct Cond {
    field: String,
    op: Op,
    val: Val,
}

#[derive(Debug, Clone, PartialEq)]
struct Group {
    or: bool,
    not: bool,
    kids: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Cond(Cond),
    Group(Group),
}

fn cond(field: &str, op: Op, val: Val) -> Node {
    Node::Cond(Cond {
        field: field.to_owned(),
        op,
        val,
    })
}

/// Joins nodes with one combinator, splicing in groups of the same kind and unwrapping a lone node.
fn combine(or: bool, kids: Vec<Node>) -> Option<Node> {
    let mut out = Vec::new();
    for kid in kids {
        match kid {
            Node::Group(g) if g.or == or && !g.not => out.extend(g.kids),
            other => out.push(other),
        }
    }
    match out.len() {
        0 => None,
        1 => out.pop(),
        _ => Some(Node::Group(Group {
            or,
            not: false,
            kids: out,
        })),
    }
}

fn all_of(kids: Vec<Node>) -> Node {
    combine(false, kids).expect("at least one condition")
}

/// The negation of a node: a negated operator where one says exactly the opposite, else a group
/// with `"not": true`.
fn negate(node: Node) -> Node {
    match node {
        Node::Group(mut g) => {
            g.not = !g.not;
            Node::Group(g)
        }
        Node::Cond(c) => negate_cond(c),
    }
}

fn negate_cond(c: Cond) -> Node {
    use Op::*;
    if c.field == "order_count" {
        // "never ordered" reads better as = 0 than as < 1, and says the same.
        if c.op == Ge && c.val == Val::Count(1) {
            return cond("order_count", Eq, Val::Count(0));
        }
        if c.op == Eq && c.val == Val::Count(0) {
            return cond("order_count", Ge, Val::Count(1));
        }
    }
    // Comparisons with a date skip customers without one, so on the order dates (empty for those
    // who never ordered) the flipped comparison is not the opposite.
    let nullable_date = matches!(c.field.as_str(), "first_order_at" | "last_order_at");
    let op = match c.op {
        Eq => Ne,
        Ne => Eq,
        In => NotIn,
        NotIn => In,
        Contains => NotContains,
        NotContains => Contains,
        IsNull => IsNotNull,
        IsNotNull => IsNull,
        Within => Older,
        Older => Within,
        Between if !nullable_date => NotBetween,
        NotBetween if !nullable_date => Between,
        Gt if !nullable_date => Le,
        Ge if !nullable_date => Lt,
        Lt if !nullable_date => Ge,
        Le if !nullable_date => Gt,
        _ => {
            return Node::Group(Group {
                or: false,
                not: true,
                kids: vec![Node::Cond(c)],
            })
        }
    };
    Node::Cond(Cond { op, ..c })
}

impl Node {
    /// The field a node tests, when it tests one (a group's, when all its conditions test it).
    fn field(&self) -> Option<&'static str> {
        const FIELDS: [&str; 5] = [
            "bought_category",
            "bought_sku",
            "last_order_at",
            "first_order_at",
            "created_at",
        ];
        match self {
            Node::Cond(c) => FIELDS.iter().copied().find(|f| *f == c.field),
            Node::Group(g) => {
                let first = g.kids.first()?.field()?;
                g.kids
                    .iter()
                    .all(|k| k.field() == Some(first))
                    .then_some(first)
            }
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Node::Cond(c) => {
                json!({"field": c.field, "operator": c.op.as_str(), "value": c.val.to_json()})
            }
            Node::Group(g) => {
                let mut obj = Map::new();
                obj.insert(
                    "combinator".into(),
                    Value::String(if g.or { "or" } else { "and" }.into()),
                );
                if g.not {
                    obj.insert("not".into(), Value::Bool(true));
                }
                obj.insert(
                    "rules".into(),
                    Value::Array(g.kids.iter().map(Node::to_json).collect()),
                );
                Value::Object(obj)
            }
        }
    }

    /// One line per condition; inside nested groups the lines say how they join.
    fn lines(&self, nested: bool) -> Vec<String> {
        match self {
            Node::Cond(c) => vec![describe(c)],
            Node::Group(g) => {
                let joiner = if g.or { "or " } else { "and " };
                let mut out: Vec<String> = Vec::new();
                for (i, kid) in g.kids.iter().enumerate() {
                    let mut lines = kid.lines(true);
                    if i > 0 && (g.or || nested || g.not) {
                        lines[0] = format!("{joiner}{}", lines[0]);
                    }
                    out.extend(lines);
                }
                if (nested || g.not) && out.len() > 1 {
                    out[0] = format!("({}", out[0]);
                    let last = out.len() - 1;
                    out[last].push(')');
                }
                if g.not {
                    out[0] = format!("not {}", out[0]);
                }
                out
            }
        }
    }
}

impl Val {
    fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Text(s) => json!(s),
            Val::Texts(v) => json!(v),
            Val::Money(m) => money_json(*m),
            Val::Moneys(a, b) => json!([money_json(*a), money_json(*b)]),
            Val::Count(n) => json!(n),
            Val::Counts(a, b) => json!([a, b]),
            Val::Days(d) => json!(d),
            Val::Date(d) => json!(d.format("%Y-%m-%d").to_string()),
            Val::Window(days, inner) => json!({"days": days, "value": inner.to_json()}),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Explanations
// ---------------------------------------------------------------------------------------------

fn describe(c: &Cond) -> String {
    use Op::*;
    let f = c.field.as_str();
    match (f, c.op, &c.val) {
        ("total_spend" | "avg_order_value", op, val) => {
            let label = if f == "total_spend" {
                "total spend"
            } else {
                "average order value"
            };
            format!("{label} {}", money_phrase(op, val))
        }
        ("spend_in_last_days", op, Val::Window(days, inner)) => {
            format!(
                "spent {} in the last {}",
                money_phrase(op, inner),
                days_text(*days)
            )
        }
        ("order_count", Eq, Val::Count(0)) => "never ordered".into(),
        ("order_count", Ge, Val::Count(1)) => "ordered at least once".into(),
        ("order_count", op, val) => count_phrase(op, val),
        ("orders_in_last_days", op, Val::Window(days, inner)) => {
            format!(
                "{} in the last {}",
                count_phrase(op, inner),
                days_text(*days)
            )
        }
        ("last_order_at", Within, Val::Days(d)) => format!("ordered in the last {}", days_text(*d)),
        ("last_order_at", Older, Val::Days(d)) => format!(
            "no order in the last {} (including those who never ordered)",
            days_text(*d)
        ),
        ("first_order_at", Within, Val::Days(d)) => {
            format!("first order in the last {}", days_text(*d))
        }
        ("first_order_at", Older, Val::Days(d)) => format!(
            "first order more than {} ago (or no order at all)",
            days_text(*d)
        ),
        ("created_at", Within, Val::Days(d)) => format!("joined in the last {}", days_text(*d)),
        ("created_at", Older, Val::Days(d)) => format!("joined more than {} ago", days_text(*d)),
        ("created_at" | "first_order_at" | "last_order_at", op, Val::Date(d)) => {
            let what = match f {
                "created_at" => "joined",
                "first_order_at" => "first order",
                _ => "last order",
            };
            let when = match op {
                Ge => "on or after",
                Gt => "after",
                Lt => "before",
                Le => "on or before",
                _ => "on",
            };
            format!("{what} {when} {}", d.format("%-d %b %Y"))
        }
        ("city", op, val) => format!("city {}", text_phrase(op, val)),
        ("email" | "phone", IsNull, _) => {
            format!(
                "no {}",
                if f == "email" {
                    "email"
                } else {
                    "phone number"
                }
            )
        }
        ("email" | "phone", IsNotNull, _) => {
            format!(
                "has {}",
                if f == "email" {
                    "an email"
                } else {
                    "a phone number"
                }
            )
        }
        ("bought_category", op, val) => match op {
            Ne | NotIn => format!("never bought from the {} category", or_list(val)),
            _ => format!("bought from the {} category", or_list(val)),
        },
        ("bought_sku", op, val) => match op {
            Ne | NotIn => format!("never bought SKU {}", or_list(val)),
            _ => format!("bought SKU {}", or_list(val)),
        },
        (_, op, val) => {
            let label = f.strip_prefix("attributes.").unwrap_or(f).replace('_', " ");
            format!("{label} {}", text_phrase(op, val))
        }
    }
}

fn days_text(d: u32) -> String {
    if d == 1 {
        "day".into()
    } else {
        format!("{d} days")
    }
}

fn money_phrase(op: Op, val: &Val) -> String {
    match (op, val) {
        (Op::Between, Val::Moneys(a, b)) => format!("between {} and {}", rupees(*a), rupees(*b)),
        (Op::NotBetween, Val::Moneys(a, b)) => {
            format!("not between {} and {}", rupees(*a), rupees(*b))
        }
        (op, Val::Money(m)) => format!("{} {}", cmp_words(op, false), rupees(*m)),
        (op, val) => format!("{} {val:?}", op.as_str()),
    }
}

fn count_phrase(op: Op, val: &Val) -> String {
    let orders = |n: i64| format!("{n} order{}", if n == 1 { "" } else { "s" });
    match (op, val) {
        (Op::Between, Val::Counts(a, b)) => format!("between {a} and {b} orders"),
        (Op::NotBetween, Val::Counts(a, b)) => format!("not between {a} and {b} orders"),
        (op, Val::Count(n)) => format!("{} {}", cmp_words(op, true), orders(*n)),
        (op, val) => format!("orders {} {val:?}", op.as_str()),
    }
}

fn cmp_words(op: Op, counted: bool) -> &'static str {
    match (op, counted) {
        (Op::Gt, true) => "more than",
        (Op::Gt, false) => "over",
        (Op::Ge, _) => "at least",
        (Op::Lt, true) => "fewer than",
        (Op::Lt, false) => "under",
        (Op::Le, _) => "at most",
        (Op::Eq, _) => "exactly",
        _ => "not exactly",
    }
}

fn text_phrase(op: Op, val: &Val) -> String {
    use Op::*;
    let quoted = |v: &Val| match v {
        Val::Text(s) => format!("“{s}”"),
        other => or_list(other),
    };
    match op {
        Eq | In => format!("is {}", or_list(val)),
        Ne => format!("is not {}", or_list(val)),
        NotIn => format!("is none of {}", or_list(val)),
        Contains => format!("contains {}", quoted(val)),
        NotContains => format!("does not contain {}", quoted(val)),
        BeginsWith => format!("starts with {}", quoted(val)),
        EndsWith => format!("ends with {}", quoted(val)),
        IsNull => "is empty".into(),
        IsNotNull => "is set".into(),
        other => format!("{} {val:?}", other.as_str()),
    }
}

fn or_list(val: &Val) -> String {
    match val {
        Val::Text(s) => s.clone(),
        Val::Texts(v) => match v.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.clone(),
            None => String::new(),
        },
        other => format!("{other:?}"),
    }
}

/// An amount in rupees with Indian digit grouping: ₹1,50,000 or ₹1,499.50.
fn rupees(scaled: i128) -> String {
    let paise = (scaled + 50) / 100;
    let whole = indian_grouping(paise / 100);
    match paise % 100 {
        0 => format!("₹{whole}"),
        p => format!("₹{whole}.{p:02}"),
    }
}

fn indian_grouping(n: i128) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > 2 {
        groups.push(&rest[rest.len() - 2..]);
        rest = &rest[..rest.len() - 2];
    }
    groups.push(rest);
    groups.reverse();
    format!("{},{tail}", groups.join(","))
}

fn money_json(scaled: i128) -> Value {
    let paise = (scaled + 50) / 100;
    if paise % 100 == 0 {
        json!(i64::try_from(paise / 100).unwrap_or(i64::MAX))
    } else {
        json!(paise as f64 / 100.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Lexing
// ---------------------------------------------------------------------------------------------

/// Numbers are kept as integers in ten-thousandths, so that "1.5 lakh" or "2.3k" stay exact.
const SCALE: i128 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Num {
    /// The value × [`SCALE`].
    v: i128,
    /// Written with a currency: ₹, Rs, INR, rupees, /-.
    money: bool,
    /// once, twice, thrice.
    times: bool,
}

impl Num {
    fn whole(self) -> Option<i64> {
        (self.v % SCALE == 0)
            .then(|| i64::try_from(self.v / SCALE).ok())
            .flatten()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum T {
    /// Lower-cased, with ’ read as '.
    Word(String),
    Num(Num),
    Date(NaiveDate),
    /// Text in quotes, as written.
    Quoted(String),
    Rupee,
    Sym(Op),
    Comma,
    Semi,
    Stop,
    Colon,
    Open,
    Close,
    Dash,
    Slash,
    Plus,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
struct Tok {
    kind: T,
    start: usize,
    end: usize,
}

/// Words after which a full stop is an abbreviation's, not the end of a sentence.
const ABBREVIATIONS: &[&str] = &[
    "rs", "avg", "no", "nos", "approx", "min", "max", "qty", "vs",
];

fn lex(src: &str) -> Vec<Tok> {
    let mut lexer = Lexer {
        src,
        cs: src.char_indices().collect(),
        out: Vec::new(),
    };
    lexer.run();
    merge_numbers(lexer.out)
}

struct Lexer<'a> {
    src: &'a str,
    cs: Vec<(usize, char)>,
    out: Vec<Tok>,
}

impl Lexer<'_> {
    fn ch(&self, i: usize) -> Option<char> {
        self.cs.get(i).map(|c| c.1)
    }

    fn at(&self, i: usize) -> usize {
        self.cs.get(i).map_or(self.src.len(), |c| c.0)
    }

    fn digit(&self, i: usize) -> bool {
        self.ch(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn digits(&self, i: usize) -> usize {
        let mut j = i;
        while self.digit(j) {
            j += 1;
        }
        j - i
    }

    fn push(&mut self, kind: T, i: usize, j: usize) {
        let (start, end) = (self.at(i), self.at(j));
        self.out.push(Tok { kind, start, end });
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.cs.len() {
            let c = self.cs[i].1;
            let next = self.ch(i + 1);
            i = match c {
                c if c.is_whitespace() => i + 1,
                c if c.is_ascii_digit() => self.number(i),
                c if c.is_alphabetic() || c == '@' => self.word(i),
                '"' | '“' | '”' | '\'' | '‘' => self.quoted(i),
                '₹' => self.single(T::Rupee, i),
                '(' | '[' | '{' => self.single(T::Open, i),
                ')' | ']' | '}' => self.single(T::Close, i),
                ',' => self.single(T::Comma, i),
                ';' => self.single(T::Semi, i),
                '.' | '?' => self.single(T::Stop, i),
                ':' => self.single(T::Colon, i),
                '+' => self.single(T::Plus, i),
                '-' | '–' | '—' => self.single(T::Dash, i),
                '&' => {
                    self.push(T::Word("and".into()), i, i + 1);
                    i + 1
                }
                '/' if next == Some('-') => {
                    // "5000/-": a rupee amount.
                    if let Some(T::Num(n)) = self.out.last_mut().map(|t| &mut t.kind) {
                        n.money = true;
                    }
                    i + 2
                }
                '/' => self.single(T::Slash, i),
                '>' | '<' | '=' | '!' | '≥' | '≤' | '≠' => self.symbol(i),
                _ => self.single(T::Other, i),
            };
        }
    }

    fn single(&mut self, kind: T, i: usize) -> usize {
        self.push(kind, i, i + 1);
        i + 1
    }

    fn symbol(&mut self, i: usize) -> usize {
        let two = (self.ch(i), self.ch(i + 1));
        let (op, len) = match two {
            (Some('>'), Some('=')) => (Some(Op::Ge), 2),
            (Some('<'), Some('=')) => (Some(Op::Le), 2),
            (Some('<'), Some('>')) | (Some('!'), Some('=')) => (Some(Op::Ne), 2),
            (Some('='), Some('=')) => (Some(Op::Eq), 2),
            (Some('>'), _) => (Some(Op::Gt), 1),
            (Some('<'), _) => (Some(Op::Lt), 1),
            (Some('='), _) => (Some(Op::Eq), 1),
            (Some('≥'), _) => (Some(Op::Ge), 1),
            (Some('≤'), _) => (Some(Op::Le), 1),
            (Some('≠'), _) => (Some(Op::Ne), 1),
            _ => (None, 1),
        };
        let kind = op.map_or(T::Stop, T::Sym);
        self.push(kind, i, i + len);
        i + len
    }

    fn quoted(&mut self, i: usize) -> usize {
        let close = match self.cs[i].1 {
            '"' => '"',
            '“' | '”' => '”',
            '‘' => '’',
            _ => '\'',
        };
        let mut j = i + 1;
        while let Some(c) = self.ch(j) {
            let closes = c == close || (close == '”' && c == '"');
            // An apostrophe inside a word (don't) does not close a quote.
            let inside_word = close == '\'' && self.ch(j + 1).is_some_and(char::is_alphanumeric);
            if closes && !inside_word {
                let inner = self.src[self.at(i + 1)..self.at(j)].trim().to_owned();
                if inner.is_empty() {
                    break;
                }
                self.push(T::Quoted(inner), i, j + 1);
                return j + 1;
            }
            j += 1;
        }
        self.single(T::Other, i)
    }

    fn number(&mut self, i: usize) -> usize {
        // 2025-01-31
        if self.digits(i) == 4
            && self.ch(i + 4) == Some('-')
            && self.digits(i + 5) == 2
            && self.ch(i + 7) == Some('-')
            && self.digits(i + 8) == 2
        {
            let text = &self.src[self.at(i)..self.at(i + 10)];
            if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                self.push(T::Date(d), i, i + 10);
                return i + 10;
            }
        }
        // 31/01/2025 or 31-01-2025: day first, as written in India.
        let d = self.digits(i);
        if (1..=2).contains(&d) {
            let sep = self.ch(i + d);
            let m = self.digits(i + d + 1);
            if matches!(sep, Some('/' | '-'))
                && (1..=2).contains(&m)
                && self.ch(i + d + 1 + m) == sep
                && self.digits(i + d + m + 2) == 4
            {
                let end = i + d + m + 6;
                let text = &self.src[self.at(i)..self.at(end)];
                let parts: Vec<u32> = text
                    .split(['/', '-'])
                    .filter_map(|p| p.parse().ok())
                    .collect();
                if let [day, month, year] = parts[..] {
                    if let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day) {
                        self.push(T::Date(date), i, end);
                        return end;
                    }
                }
            }
        }
        // 5000, 5,000, 1,50,000, 1.5
        let mut j = i + d;
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
            self.push(T::Word(text), i, j);
            return j;
        };
        // 5K, 2.5L, 2cr
        let mut k = j;
        while self.ch(k).is_some_and(char::is_alphabetic) {
            k += 1;
        }
        let suffix = self.src[self.at(j)..self.at(k)].to_lowercase();
        if let Some(m) = multiplier(&suffix).or(if suffix == "l" { Some(100_000) } else { None }) {
            v *= m;
            j = k;
        }
        self.push(
            T::Num(Num {
                v,
                money: false,
                times: false,
            }),
            i,
            j,
        );
        j
    }

    fn word(&mut self, i: usize) -> usize {
        let mut j = i + 1;
        while let Some(c) = self.ch(j) {
            let next = self.ch(j + 1);
            let joins = match c {
                c if c.is_alphanumeric() => true,
                '-' | '_' | '@' => next.is_some_and(char::is_alphanumeric),
                '\'' | '’' | '.' => next.is_some_and(char::is_alphabetic),
                _ => false,
            };
            if !joins {
                break;
            }
            j += 1;
        }
        let text = &self.src[self.at(i)..self.at(j)];
        let lower = text.to_lowercase().replace('’', "'");
        // "INR5000", "Rs5000": a currency stuck to its amount.
        for prefix in ["inr", "rs"] {
            let len = prefix.len();
            if lower.starts_with(prefix) && lower[len..].starts_with(|c: char| c.is_ascii_digit()) {
                self.push(T::Word(prefix.into()), i, i + len);
                return i + len;
            }
        }
        // "twenty-five" is two number words; "one-time" and "TSHIRT-01" stay whole.
        if lower.contains('-') && lower.split('-').all(|p| small_number(p).is_some()) {
            let mut k = i;
            for part in lower.split('-') {
                let len = part.chars().count();
                self.push(T::Word(part.to_owned()), k, k + len);
                k += len + 1;
            }
            return j;
        }
        let abbreviation = ABBREVIATIONS.contains(&lower.as_str())
            && self.ch(j) == Some('.')
            && !self.ch(j + 1).is_some_and(char::is_alphabetic);
        let end = if abbreviation { j + 1 } else { j };
        self.push(T::Word(lower), i, end);
        end
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

fn multiplier(w: &str) -> Option<i128> {
    match w {
        "k" | "thousand" | "thousands" => Some(1_000),
        "lakh" | "lakhs" | "lac" | "lacs" | "lakh's" => Some(100_000),
        "crore" | "crores" | "cr" => Some(10_000_000),
        _ => None,
    }
}

fn small_number(w: &str) -> Option<i128> {
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

/// Merges currency marks, digits, number words and multipliers into single number tokens.
fn merge_numbers(raw: Vec<Tok>) -> Vec<Tok> {
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

fn raw_word(raw: &[Tok], i: usize) -> &str {
    match raw.get(i).map(|t| &t.kind) {
        Some(T::Word(w)) => w,
        _ => "",
    }
}

fn number_at(raw: &[Tok], i: usize) -> Option<(Tok, usize)> {
    let mut j = i;
    let mut money = false;
    if raw[i].kind == T::Rupee || matches!(raw_word(raw, i), "rs" | "inr") {
        money = true;
        j += 1;
    }
    let (v, times, mut k) = match raw.get(j).map(|t| &t.kind) {
        Some(T::Num(n)) => {
            money |= n.money;
            let (mut v, mut k) = (n.v, j + 1);
            let next = raw_word(raw, k);
            if let Some(m) = multiplier(next).or((next == "hundred").then_some(100)) {
                v *= m;
                k += 1;
            }
            (v, false, k)
        }
        Some(T::Word(_)) => number_words(raw, j)?,
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
        Tok {
            kind: T::Num(Num { v, money, times }),
            start: raw[i].start,
            end: raw[k - 1].end,
        },
        k,
    ))
}

/// "twenty five thousand", "a dozen", "one lakh", "twice".
fn number_words(raw: &[Tok], j: usize) -> Option<(i128, bool, usize)> {
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

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// Words that carry nothing for the rules: skipped, never reported.
const FILLERS: &[&str] = &[
    "customers",
    "customer",
    "users",
    "user",
    "people",
    "person",
    "persons",
    "clients",
    "client",
    "shoppers",
    "shopper",
    "members",
    "member",
    "contacts",
    "accounts",
    "folks",
    "audience",
    "segment",
    "everyone",
    "everybody",
    "anyone",
    "anybody",
    "those",
    "these",
    "them",
    "they",
    "their",
    "his",
    "her",
    "its",
    "who",
    "whom",
    "whose",
    "which",
    "that",
    "where",
    "have",
    "has",
    "had",
    "having",
    "been",
    "be",
    "is",
    "are",
    "was",
    "were",
    "am",
    "being",
    "the",
    "a",
    "an",
    "of",
    "with",
    "to",
    "for",
    "at",
    "on",
    "by",
    "in",
    "from",
    "show",
    "me",
    "find",
    "get",
    "list",
    "give",
    "select",
    "pick",
    "fetch",
    "display",
    "want",
    "need",
    "i",
    "we",
    "us",
    "our",
    "my",
    "please",
    "all",
    "any",
    "every",
    "each",
    "some",
    "just",
    "only",
    "can",
    "could",
    "would",
    "should",
    "will",
    "you",
    "do",
    "did",
    "does",
    "let",
    "lets",
    "let's",
    "whoever",
    "ones",
    "there",
    "here",
    "also",
    "currently",
    "still",
    "ever",
    "yet",
    "already",
    "so",
    "far",
    "overall",
    "anything",
    "something",
    "stuff",
    "online",
    "again",
    "store",
    "whole",
    "entire",
    "tell",
    "see",
    "view",
    "look",
    "looking",
    "target",
    "targeting",
    "create",
    "build",
    "send",
    "campaign",
    "reach",
    "loyalty",
    "both",
    "such",
    "as",
    "who've",
    "they've",
    "i'd",
    "i'm",
    "items",
    "products",
    "actually",
    "really",
    "very",
    "total",
    "lifetime",
    "base",
    "shop's",
    "buyers",
    "buyer",
    "purchasers",
    "subscribers",
    "visitors",
    "profiles",
    "records",
    "it",
    "one's",
    "using",
    "uses",
    "use",
];

const PREPOSITIONS: &[&str] = &[
    "in", "from", "at", "on", "by", "for", "to", "with", "since", "during", "within", "over", "of",
    "the", "a", "an",
];

const NEGATORS: &[&str] = &[
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

/// Words that start or shape a condition: they end a list of places or categories.
const KEYWORDS: &[&str] = &[
    "and",
    "but",
    "or",
    "nor",
    "either",
    "plus",
    "while",
    "whereas",
    "more",
    "less",
    "fewer",
    "greater",
    "higher",
    "lower",
    "bigger",
    "larger",
    "smaller",
    "over",
    "above",
    "under",
    "below",
    "exceeding",
    "exceed",
    "exceeds",
    "least",
    "most",
    "minimum",
    "maximum",
    "min",
    "max",
    "exactly",
    "equal",
    "equals",
    "between",
    "than",
    "up",
    "upto",
    "atleast",
    "atmost",
    "beyond",
    "spent",
    "spend",
    "spends",
    "spending",
    "spender",
    "spenders",
    "ordered",
    "order",
    "orders",
    "ordering",
    "purchased",
    "purchase",
    "purchases",
    "bought",
    "buy",
    "buys",
    "shopped",
    "shop",
    "shops",
    "transacted",
    "transaction",
    "transactions",
    "placed",
    "made",
    "average",
    "avg",
    "aov",
    "ltv",
    "clv",
    "value",
    "revenue",
    "worth",
    "times",
    "time",
    "joined",
    "join",
    "signed",
    "sign",
    "signup",
    "signups",
    "registered",
    "created",
    "onboarded",
    "acquired",
    "new",
    "newly",
    "recent",
    "recently",
    "lately",
    "active",
    "inactive",
    "dormant",
    "lapsed",
    "churned",
    "idle",
    "first",
    "last",
    "latest",
    "email",
    "e-mail",
    "emails",
    "mail",
    "phone",
    "phones",
    "mobile",
    "number",
    "numbers",
    "contact",
    "gmail",
    "yahoo",
    "hotmail",
    "outlook",
    "rediffmail",
    "icloud",
    "named",
    "called",
    "name",
    "city",
    "cities",
    "tier",
    "tiers",
    "gender",
    "sex",
    "acquisition",
    "source",
    "channel",
    "category",
    "categories",
    "sku",
    "skus",
    "product",
    "item",
    "repeat",
    "returning",
    "one-time",
    "onetime",
    "since",
    "before",
    "after",
    "ago",
    "today",
    "yesterday",
    "this",
    "current",
    "past",
    "previous",
    "within",
    "during",
    "outside",
    "based",
    "living",
    "located",
    "residing",
    "live",
    "lives",
    "male",
    "males",
    "female",
    "females",
    "men",
    "women",
    "man",
    "woman",
    "ladies",
    "lady",
    "girls",
    "boys",
    "gentlemen",
    "gents",
    "guys",
    "gold",
    "silver",
    "bronze",
    "platinum",
    "diamond",
    "ads",
    "ad",
    "advertising",
    "referral",
    "referrals",
    "referred",
    "organic",
    "level",
    "status",
    "until",
    "till",
    "prior",
    "non-buyers",
    "single",
    "once",
    "twice",
    "thrice",
    "ever",
];

fn reserved(w: &str) -> bool {
    FILLERS.contains(&w)
        || KEYWORDS.contains(&w)
        || NEGATORS.contains(&w)
        || PREPOSITIONS.contains(&w)
        || unit_days(w).is_some()
        || month_number(w).is_some()
}

const TIERS: &[&str] = &["gold", "silver", "bronze", "platinum", "diamond"];

/// Indian cities a prompt may name without "in" or "from" ("Pune customers").
const KNOWN_CITIES: &[&str] = &[
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

/// First words of multi-word city names written in lower case ("new delhi").
const CITY_PREFIXES: &[&str] = &["new", "navi", "greater", "north", "south", "east", "west"];

fn unit_days(w: &str) -> Option<u32> {
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

fn month_number(w: &str) -> Option<u32> {
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

// ---------------------------------------------------------------------------------------------
// Recognising
// ---------------------------------------------------------------------------------------------

/// What the grouping parser reads.
#[derive(Debug)]
enum Item {
    Leaf(Node),
    And { comma: bool },
    Or,
    Not { start: usize, end: usize },
    Open,
    Close,
    Either,
}

/// What a recogniser may want to know about the text before it.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    /// The previous substantive word was not understood.
    after_unknown: bool,
    /// The field of the previous condition, for what a prompt leaves implied: "bought from beauty
    /// but not from apparel", "ordered in the last 30 days but not in the last 7".
    previous: Option<&'static str>,
}

/// A comparison read from text: "more than 5", "between 2k and 5k", "10+".
#[derive(Debug, Clone, Copy)]
struct Cmp {
    op: Op,
    a: Num,
    b: Option<Num>,
    explicit: bool,
    end: usize,
}

/// A stretch of time read from text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Win {
    /// The last N days.
    Days(u32),
    /// From this day on ("this month", "since 1 Jan 2025").
    Since(NaiveDate),
    /// Before this day.
    Before(NaiveDate),
    /// A calendar period [start, end); `approx` is its length in days when "last month" may also
    /// be read as "the last 30 days".
    Period {
        start: NaiveDate,
        end: NaiveDate,
        approx: Option<u32>,
    },
}

type Found = Option<(Node, usize)>;

struct Scanner<'a> {
    src: &'a str,
    t: Vec<Tok>,
    today: NaiveDate,
}

const SPEND_TRIGGERS: &[&str] = &[
    "spent|spend|spends|spending|spender|spenders|total_spend",
    "total|lifetime spend|spends|spending|spent|value|revenue",
    "customer lifetime value",
    "ltv|clv",
    "total|overall purchase|order value",
    "purchases|purchase worth",
    "purchase value",
    "revenue",
    "worth",
];

const AOV_TRIGGERS: &[&str] = &[
    "average|avg|mean order|orders|basket|cart|ticket|purchase|transaction value|size|amount",
    "average|avg|mean order|basket|cart|purchase",
    "average|avg|mean spend|spending per order|purchase",
    "average|avg spend|spending",
    "aov|atv|avg_order_value",
    "basket|ticket size",
];

impl Scanner<'_> {
    // ---- token access ------------------------------------------------------------------------

    fn kind(&self, p: usize) -> Option<&T> {
        self.t.get(p).map(|t| &t.kind)
    }

    fn word(&self, p: usize) -> &str {
        match self.kind(p) {
            Some(T::Word(w)) => w,
            _ => "",
        }
    }

    fn num(&self, p: usize) -> Option<Num> {
        match self.kind(p) {
            Some(T::Num(n)) => Some(*n),
            _ => None,
        }
    }

    /// The prompt's text of tokens a..b.
    fn raw(&self, a: usize, b: usize) -> &str {
        if a >= b || b > self.t.len() {
            return "";
        }
        &self.src[self.t[a].start..self.t[b - 1].end]
    }

    fn capitalised(&self, p: usize) -> bool {
        self.raw(p, p + 1)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }

    fn slot(&self, p: usize, alt: &str) -> bool {
        let Some(kind) = self.kind(p) else {
            return false;
        };
        match (alt, kind) {
            (",", T::Comma)
            | (":", T::Colon)
            | ("(", T::Open)
            | (")", T::Close)
            | ("-", T::Dash)
            | ("+", T::Plus)
            | ("/", T::Slash)
            | ("=", T::Sym(Op::Eq))
            | ("!=", T::Sym(Op::Ne))
            | (">", T::Sym(Op::Gt))
            | (">=", T::Sym(Op::Ge))
            | ("<", T::Sym(Op::Lt))
            | ("<=", T::Sym(Op::Le)) => true,
            (alt, T::Word(w)) => alt == w,
            _ => false,
        }
    }

    /// Matches a pattern of space-separated slots, each a `|`-separated list of words (or
    /// punctuation), optional when it ends in `?`; returns where the match ends.
    fn pat(&self, p: usize, pattern: &str) -> Option<usize> {
        let slots: Vec<&str> = pattern.split(' ').collect();
        self.slots(p, &slots)
    }

    fn slots(&self, p: usize, slots: &[&str]) -> Option<usize> {
        let Some((first, rest)) = slots.split_first() else {
            return Some(p);
        };
        let (body, optional) = match first.strip_suffix('?') {
            Some(b) if !b.is_empty() => (b, true),
            _ => (*first, false),
        };
        if body.split('|').any(|alt| self.slot(p, alt)) {
            if let Some(end) = self.slots(p + 1, rest) {
                return Some(end);
            }
        }
        if optional {
            self.slots(p, rest)
        } else {
            None
        }
    }

    /// The longest match of any of the patterns.
    fn pats(&self, p: usize, patterns: &[&str]) -> Option<usize> {
        patterns.iter().filter_map(|pt| self.pat(p, pt)).max()
    }

    fn skip(&self, mut p: usize, words: &[&str]) -> usize {
        while words.iter().any(|w| self.slot(p, w)) {
            p += 1;
        }
        p
    }

    /// A word that is not part of our vocabulary: a place, a category, an attribute.
    fn plain(&self, p: usize) -> Option<&str> {
        let w = self.word(p);
        (w.chars().next().is_some_and(char::is_alphabetic) && !reserved(w)).then_some(w)
    }

    fn is_connector(&self, p: usize) -> bool {
        matches!(self.word(p), "and" | "or" | "but" | "nor" | "either")
    }

    // ---- lists ---------------------------------------------------------------------------------

    /// Items joined by commas, and, or, &, /; returns them, where the list ends and whether "and"
    /// joined any two of them. `again` are words that may repeat before an item ("from A or from B").
    fn list<F>(&self, p: usize, again: &[&str], item: F) -> Option<(Vec<String>, usize, bool)>
    where
        F: Fn(usize) -> Option<(String, usize)>,
    {
        let (first, mut end) = item(p)?;
        let mut items = vec![first];
        let mut and_used = false;
        while let Some(sep) = self.pats(end, &[", and|or", "and|or|,|/", "as well as"]) {
            let next = self.skip(sep, again);
            match item(next) {
                Some((v, e)) => {
                    and_used |= (end..sep).any(|q| matches!(self.word(q), "and" | "&"));
                    if !items.contains(&v) {
                        items.push(v);
                    }
                    end = e;
                }
                None => break,
            }
        }
        Some((items, end, and_used))
    }

    /// A list in parentheses: "(Mumbai or Pune)".
    fn paren_list<F>(&self, p: usize, item: F) -> Option<(Vec<String>, usize)>
    where
        F: Fn(usize) -> Option<(String, usize)>,
    {
        let q = self.pat(p, "(")?;
        let (items, end, _) = self.list(q, &[], item)?;
        let end = self.pat(end, ")")?;
        Some((items, end))
    }

    // ---- numbers, comparisons, time ----------------------------------------------------------

    fn cmp_prefix(&self, p: usize) -> Option<(Op, usize)> {
        const PREFIXES: &[(&str, Op)] = &[
            ("more|greater|higher|bigger|larger than|then", Op::Gt),
            (
                "over|above|exceeding|exceeds|exceed|beyond|upwards|past",
                Op::Gt,
            ),
            ("in excess of", Op::Gt),
            ("upwards|north of", Op::Gt),
            (">", Op::Gt),
            ("at least", Op::Ge),
            ("atleast|minimum|min", Op::Ge),
            ("a? minimum of", Op::Ge),
            ("no|not less|fewer|lower than", Op::Ge),
            ("not below|under", Op::Ge),
            (">=", Op::Ge),
            ("less|fewer|lower|smaller than|then", Op::Lt),
            ("under|below", Op::Lt),
            ("<", Op::Lt),
            ("at most", Op::Le),
            ("atmost|maximum|max|upto", Op::Le),
            ("up to", Op::Le),
            ("a? maximum of", Op::Le),
            ("no|not more|greater|higher than", Op::Le),
            ("not exceeding|over|above", Op::Le),
            ("<=", Op::Le),
            ("exactly|precisely|equals|equalling", Op::Eq),
            ("equal to", Op::Eq),
            ("=", Op::Eq),
            ("!=", Op::Ne),
            ("not equal to", Op::Ne),
        ];
        PREFIXES
            .iter()
            .filter_map(|(pt, op)| self.pat(p, pt).map(|e| (*op, e)))
            .max_by_key(|(_, e)| *e)
    }

    fn cmp_postfix(&self, p: usize) -> Option<(Op, usize)> {
        if let Some(e) = self.pats(
            p,
            &[
                "or|and more|above|higher|over|greater|up|plus",
                "+",
                "plus",
                "or|and more|greater|higher than that",
            ],
        ) {
            return Some((Op::Ge, e));
        }
        self.pat(p, "or|and less|fewer|below|under|lower")
            .map(|e| (Op::Le, e))
    }

    fn compare(&self, p: usize) -> Option<Cmp> {
        let p = self.skip(p, &["only", "just"]);
        let between = |a: Num, b: Num, end: usize| {
            let (a, b) = if a.v <= b.v { (a, b) } else { (b, a) };
            Some(Cmp {
                op: Op::Between,
                a,
                b: Some(b),
                explicit: true,
                end,
            })
        };
        if let Some(q) = self.pat(p, "between|from") {
            let a = self.num(q)?;
            let r = self.pat(q + 1, "and|to|-")?;
            let b = self.num(r)?;
            return between(a, b, r + 1);
        }
        let (op, q) = match self.cmp_prefix(p) {
            Some((op, q)) => (Some(op), q),
            None => (None, p),
        };
        let a = self.num(q)?;
        let end = q + 1;
        if op.is_none() {
            if let Some(r) = self.pat(end, "-|to") {
                if let Some(b) = self.num(r) {
                    return between(a, b, r + 1);
                }
            }
            if let Some((op, e)) = self.cmp_postfix(end) {
                return Some(Cmp {
                    op,
                    a,
                    b: None,
                    explicit: true,
                    end: e,
                });
            }
        }
        Some(Cmp {
            op: op.unwrap_or(Op::Eq),
            a,
            b: None,
            explicit: op.is_some(),
            end,
        })
    }

    /// A comparison of a number of orders (whole numbers, no currency).
    fn count_values(&self, c: &Cmp) -> Option<Val> {
        if c.a.money || c.b.is_some_and(|b| b.money) {
            return None;
        }
        let a = c.a.whole()?;
        match c.b {
            Some(b) => Some(Val::Counts(a, b.whole()?)),
            None => Some(Val::Count(a)),
        }
    }

    /// A comparison of an amount of money, within what a rule can hold.
    fn money_values(&self, c: &Cmp) -> Option<Val> {
        let max = i128::from(MAX_MAJOR) * SCALE;
        let ok = |n: Num| (n.v <= max).then_some(n.v);
        match c.b {
            Some(b) => Some(Val::Moneys(ok(c.a)?, ok(b)?)),
            None => Some(Val::Money(ok(c.a)?)),
        }
    }

    fn count_unit(&self, p: usize) -> Option<usize> {
        self.pat(
            p,
            "orders|order|purchases|purchase|transactions|transaction|times|time|x",
        )
    }

    /// Whether a number at p is followed by something that makes it not an amount of money.
    fn not_money_after(&self, p: usize) -> bool {
        unit_days(self.word(p)).is_some()
            || self.count_unit(p).is_some()
            || matches!(self.word(p), "ago" | "items" | "products" | "percent" | "%")
    }

    /// "6 months", "a year", "2 weeks".
    fn duration(&self, p: usize) -> Option<(u32, usize)> {
        let (n, q) = match (self.num(p), self.word(p)) {
            (Some(n), _) if !n.money => (n.v, p + 1),
            (None, "a" | "an") => (SCALE, p + 1),
            _ => return None,
        };
        let unit = i128::from(unit_days(self.word(q))?);
        let days = (n * unit + SCALE / 2) / SCALE;
        let days = u32::try_from(days)
            .ok()
            .filter(|d| (1..=36_500).contains(d))?;
        Some((days, q + 1))
    }

    fn period_start(&self, unit: &str) -> Option<NaiveDate> {
        let t = self.today;
        match unit {
            "week" => Some(t - Duration::days(i64::from(t.weekday().num_days_from_monday()))),
            "month" => t.with_day(1),
            "quarter" => NaiveDate::from_ymd_opt(t.year(), (t.month() - 1) / 3 * 3 + 1, 1),
            "year" => NaiveDate::from_ymd_opt(t.year(), 1, 1),
            _ => None,
        }
    }

    fn previous_period(&self, unit: &str) -> Option<(NaiveDate, NaiveDate)> {
        let end = self.period_start(unit)?;
        let start = match unit {
            "week" => end - Duration::days(7),
            "month" => (end - Duration::days(1)).with_day(1)?,
            "quarter" => {
                let before = end - Duration::days(1);
                NaiveDate::from_ymd_opt(before.year(), (before.month() - 1) / 3 * 3 + 1, 1)?
            }
            _ => NaiveDate::from_ymd_opt(end.year() - 1, 1, 1)?,
        };
        Some((start, end))
    }

    /// A year: four digits as written ("2k" is an amount, not the year 2000).
    fn year(&self, p: usize) -> Option<i32> {
        let n = self.num(p)?;
        let raw = self.raw(p, p + 1);
        if n.money || raw.len() != 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y = n.whole()?;
        (1900..=2100).contains(&y).then_some(y as i32)
    }

    /// A month by name, with an optional year: the most recent such month when no year is given.
    fn month_period(&self, p: usize) -> Option<(NaiveDate, NaiveDate, usize)> {
        let m = month_number(self.word(p))?;
        let (y, end) = match self.year(p + 1) {
            Some(y) => (y, p + 2),
            None if m <= self.today.month() => (self.today.year(), p + 1),
            None => (self.today.year() - 1, p + 1),
        };
        let start = NaiveDate::from_ymd_opt(y, m, 1)?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)?
        };
        Some((start, next, end))
    }

    /// A day: 2025-01-31, 31/01/2025, 31 Jan 2025, Jan 31 2025, January 31.
    fn date(&self, p: usize) -> Option<(NaiveDate, usize)> {
        if let Some(T::Date(d)) = self.kind(p) {
            return Some((*d, p + 1));
        }
        let day = |q: usize| {
            self.num(q)
                .filter(|n| !n.money)
                .and_then(Num::whole)
                .filter(|d| (1..=31).contains(d))
        };
        let (d, m, q) = if let (Some(d), Some(m)) = (day(p), month_number(self.word(p + 1))) {
            (d, m, p + 2)
        } else if let (Some(m), Some(d)) = (month_number(self.word(p)), day(p + 1)) {
            (d, m, p + 2)
        } else {
            return None;
        };
        let q2 = self.skip(q, &[","]);
        let (y, end) = match self.year(q2) {
            Some(y) => (y, q2 + 1),
            None => (self.today.year(), q),
        };
        Some((NaiveDate::from_ymd_opt(y, m, d as u32)?, end))
    }

    /// A stretch of time: "in the last 30 days", "in 6 months", "this month", "recently",
    /// "since 1 Jan 2025", "before 2025", "in March", "last year".
    fn window(&self, p: usize) -> Option<(Win, usize)> {
        let prep = match self.word(p) {
            w @ ("in" | "within" | "during" | "over" | "for" | "since" | "from") => Some(w),
            _ => None,
        };
        let q = if prep.is_some() { p + 1 } else { p };
        let the = self.word(q) == "the";
        let r = if the { q + 1 } else { q };
        if matches!(
            self.word(r),
            "last" | "past" | "previous" | "preceding" | "trailing" | "recent"
        ) {
            if let Some((d, e)) = self.duration(r + 1) {
                return Some((Win::Days(d), e));
            }
            let unit = self.word(r + 1);
            let days = unit_days(unit)?;
            if the || prep.is_some() || self.word(r) != "last" {
                return Some((Win::Days(days), r + 2));
            }
            let single = unit.trim_end_matches('s');
            let (start, end) = self.previous_period(single)?;
            return Some((
                Win::Period {
                    start,
                    end,
                    approx: Some(days),
                },
                r + 2,
            ));
        }
        if the {
            return None;
        }
        if matches!(
            prep,
            Some("in" | "within" | "for" | "since" | "over" | "during")
        ) {
            // "in over 3 months", "for more than 90 days": the same window.
            let q = self
                .pats(
                    q,
                    &["over|about|around|nearly|almost", "more than", "at least"],
                )
                .unwrap_or(q);
            if let Some((d, e)) = self.duration(q) {
                return Some((Win::Days(d), e));
            }
        }
        if matches!(self.word(q), "this" | "current") && !matches!(prep, Some("since" | "for")) {
            let start = self.period_start(self.word(q + 1))?;
            return Some((Win::Since(start), q + 2));
        }
        if self.word(q) == "today" && prep.is_none() {
            return Some((Win::Since(self.today), q + 1));
        }
        if self.word(q) == "yesterday" && prep.is_none() {
            let start = self.today - Duration::days(1);
            return Some((
                Win::Period {
                    start,
                    end: self.today,
                    approx: Some(1),
                },
                q + 1,
            ));
        }
        if prep.is_none() {
            if let Some(e) = self.pats(p, &["recently|lately", "of late"]) {
                return Some((Win::Days(30), e));
            }
        }
        if matches!(prep, Some("in" | "for")) {
            if let Some(e) = self.pats(q, &["a while", "a long time", "long", "ages", "a bit"]) {
                return Some((Win::Days(90), e));
            }
        }
        // Dates.
        if let Some(q) = self.pat(p, "between|from") {
            if let Some((start, q2)) = self.date(q) {
                if let Some((last, e)) = self
                    .pat(q2, "and|to|till|until|-")
                    .and_then(|r| self.date(r))
                {
                    let (start, last) = (start.min(last), start.max(last));
                    return Some((
                        Win::Period {
                            start,
                            end: last + Duration::days(1),
                            approx: None,
                        },
                        e,
                    ));
                }
            }
        }
        if let Some(q) = self.pats(p, &["since|after|from", "starting|beginning from|on?"]) {
            if let Some((d, e)) = self.date(q) {
                let d = if self.word(p) == "after" {
                    d + Duration::days(1)
                } else {
                    d
                };
                return Some((Win::Since(d), e));
            }
            if let Some((start, end, e)) = self.month_period(q) {
                let from = if self.word(p) == "after" { end } else { start };
                return Some((Win::Since(from), e));
            }
            if let Some(y) = self.year(q) {
                let from = if self.word(p) == "after" { y + 1 } else { y };
                return Some((Win::Since(NaiveDate::from_ymd_opt(from, 1, 1)?), q + 1));
            }
        }
        if let Some(q) = self.pats(p, &["before|until|till", "prior to", "earlier than"]) {
            if let Some((d, e)) = self.date(q) {
                return Some((Win::Before(d), e));
            }
            if let Some((start, _, e)) = self.month_period(q) {
                return Some((Win::Before(start), e));
            }
            if let Some(y) = self.year(q) {
                return Some((Win::Before(NaiveDate::from_ymd_opt(y, 1, 1)?), q + 1));
            }
        }
        if let Some(q) = self.pat(p, "on") {
            let (d, e) = self.date(q)?;
            return Some((
                Win::Period {
                    start: d,
                    end: d + Duration::days(1),
                    approx: None,
                },
                e,
            ));
        }
        if matches!(prep, Some("in" | "during")) {
            if let Some((start, end, e)) = self.month_period(q) {
                return Some((
                    Win::Period {
                        start,
                        end,
                        approx: None,
                    },
                    e,
                ));
            }
            if let Some(y) = self
                .year(q)
                .filter(|_| unit_days(self.word(q + 1)).is_none())
            {
                return Some((
                    Win::Period {
                        start: NaiveDate::from_ymd_opt(y, 1, 1)?,
                        end: NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
                        approx: None,
                    },
                    q + 1,
                ));
            }
        }
        None
    }

    /// The days of a window, for the rolling windows of orders and spend.
    fn window_days(&self, w: Win) -> Option<u32> {
        match w {
            Win::Days(d) => Some(d),
            Win::Since(d) => u32::try_from((self.today - d).num_days() + 1)
                .ok()
                .filter(|n| (1..=36_500).contains(n)),
            Win::Period {
                approx: Some(d), ..
            } => Some(d),
            _ => None,
        }
    }

    /// "more than 90 days ago", "a year ago", "less than a week ago": (older?, days, end).
    fn ago(&self, p: usize, need_ago: bool) -> Option<(Op, u32, usize)> {
        let (op, q) = if let Some(q) = self.pats(
            p,
            &[
                "more|longer|greater than|then",
                "over|above|beyond",
                "at least",
                "atleast",
                "upwards of",
            ],
        ) {
            (Some(Op::Older), q)
        } else if let Some(q) = self.pats(
            p,
            &[
                "less|fewer than|then",
                "under|within",
                "at most",
                "no more than",
                "not more than",
                "up to",
            ],
        ) {
            (Some(Op::Within), q)
        } else {
            (None, p)
        };
        let (days, e) = self.duration(q)?;
        if let Some(e2) = self.pat(e, "ago|back|earlier") {
            return Some((op.unwrap_or(Op::Older), days, e2));
        }
        match op {
            Some(op) if !need_ago => Some((op, days, e)),
            _ => None,
        }
    }

    // ---- condition builders --------------------------------------------------------------------

    /// A date field in a window: within N days, on or after a day, before a day, in a period.
    fn date_node(&self, field: &str, w: Win) -> Node {
        match w {
            Win::Days(d) => cond(field, Op::Within, Val::Days(d)),
            Win::Since(d) => cond(field, Op::Ge, Val::Date(d)),
            Win::Before(d) => cond(field, Op::Lt, Val::Date(d)),
            Win::Period { start, end, .. } => all_of(vec![
                cond(field, Op::Ge, Val::Date(start)),
                cond(field, Op::Lt, Val::Date(end)),
            ]),
        }
    }

    /// "Ordered in <window>": the last order is in it (or, for "before", the first order is).
    fn ordered_in(&self, w: Win) -> Option<Node> {
        match w {
            Win::Days(d) => Some(cond("last_order_at", Op::Within, Val::Days(d))),
            Win::Since(d) => Some(cond("last_order_at", Op::Ge, Val::Date(d))),
            Win::Before(d) => Some(cond("first_order_at", Op::Lt, Val::Date(d))),
            Win::Period {
                approx: Some(d), ..
            } => Some(cond("last_order_at", Op::Within, Val::Days(d))),
            Win::Period { approx: None, .. } => None,
        }
    }

    /// "Inactive for <window>": no order in it.
    fn older_days(&self, w: Win) -> Option<u32> {
        match w {
            Win::Since(d) => u32::try_from((self.today - d).num_days().max(1)).ok(),
            other => self.window_days(other),
        }
    }

    fn text_node(&self, field: &str, negated: bool, mut values: Vec<String>) -> Node {
        match (values.len(), negated) {
            (1, false) => cond(field, Op::Eq, Val::Text(values.remove(0))),
            (1, true) => cond(field, Op::Ne, Val::Text(values.remove(0))),
            (_, false) => cond(field, Op::In, Val::Texts(values)),
            (_, true) => cond(field, Op::NotIn, Val::Texts(values)),
        }
    }

    // ---- the recognisers -----------------------------------------------------------------------

    fn leaf(&self, p: usize, ctx: Ctx) -> Found {
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

    /// Fixed phrases for common segments: one-time buyers, repeat customers, new customers, lapsed.
    fn segment_phrase(&self, p: usize) -> Found {
        const WHO: &str =
            "buyers|buyer|customers|customer|shoppers|shopper|purchasers|purchaser|clients|users";
        let one_time = self
            .pats(
                p,
                &[
                    "one-time|onetime|single-purchase|single-order|one-off",
                    "single purchase|order",
                    "first-time buyers|buyer|purchasers|shoppers",
                ],
            )
            .or_else(|| {
                let n = self.num(p)?;
                let one = n.whole() == Some(1) && !n.times;
                one.then(|| self.pat(p + 1, "time|timer|timers|off"))
                    .flatten()
            });
        if let Some(e) = one_time {
            let e = self.pat(e, WHO).unwrap_or(e);
            return Some((cond("order_count", Op::Eq, Val::Count(1)), e));
        }
        if let Some(e) = self.pats(
            p,
            &[
                &format!("repeat|repeated|returning|recurring {WHO}"),
                "repeat|repeat-purchase|repeat-buyers|repeat-customers",
                "repeat purchase|order customers|buyers?",
            ],
        ) {
            return Some((cond("order_count", Op::Ge, Val::Count(2)), e));
        }
        if let Some(e) = self.pats(
            p,
            &[
                "non-buyers|non-purchasers|never-ordered|non-paying",
                "non buyers|purchasers",
            ],
        ) {
            return Some((cond("order_count", Op::Eq, Val::Count(0)), e));
        }
        if let Some(e) = self.pats(
            p,
            &[
                "new|recent|fresh customers|customer|users|user|signups|signup|sign-ups|members|joiners|registrations|accounts",
                "newly|recently joined|registered|onboarded|acquired",
                "newly|recently signed up",
                "new joinees|arrivals|registrants",
            ],
        ) {
            return Some(match self.window(e) {
                Some((w, e2)) => (self.date_node("created_at", w), e2),
                None => (cond("created_at", Op::Within, Val::Days(30)), e),
            });
        }
        if let Some(e) = self.pat(
            p,
            "recent|active buyers|shoppers|purchasers|customers|customer|users",
        ) {
            let (w, e) = self.window(e).unwrap_or((Win::Days(30), e));
            return Some((self.ordered_in(w)?, e));
        }
        None
    }

    /// "lapsed", "inactive for 90 days", "dormant", "active in the past month", "recently active".
    fn activity(&self, p: usize) -> Found {
        if let Some(e) = self.pats(
            p,
            &[
                "lapsed|inactive|dormant|churned|idle|lapsing|churning",
                "not active",
                "win-back",
            ],
        ) {
            let e = self.skip(e, &["customers", "users", "members", "shoppers", "buyers"]);
            let q = self.pat(e, "for|since|in").unwrap_or(e);
            let older = |days| cond("last_order_at", Op::Older, Val::Days(days));
            if let Some((op, days, e2)) = self.ago(q, false) {
                if op == Op::Older {
                    return Some((older(days), e2));
                }
            }
            if let Some((w, e2)) = self.window(e) {
                return Some((older(self.older_days(w)?), e2));
            }
            if let Some((days, e2)) = self.duration(q) {
                return Some((older(days), e2));
            }
            return Some((older(90), e));
        }
        if let Some(e) = self.pats(
            p,
            &[
                "active|engaged|activity|engagement",
                "recently|currently active|engaged",
                "active recently|lately",
            ],
        ) {
            let (w, e) = self.window(e).unwrap_or((Win::Days(30), e));
            return Some((self.ordered_in(w)?, e));
        }
        None
    }

    /// "first order more than a year ago", "last purchase in the last 30 days", "last order before 2025".
    fn first_last(&self, p: usize) -> Found {
        const NOUN: &str = "order|orders|purchase|purchases|transaction|transactions|ordered|purchased|bought|shopped|transacted|order-date";
        let last = self.pats(
            p,
            &[
                &format!("last|latest {NOUN}"),
                &format!("most recent {NOUN}"),
                &format!("placed|made their|a|the|his|her? last|latest {NOUN}"),
            ],
        );
        let first = self.pats(
            p,
            &[
                &format!("first {NOUN}"),
                &format!("placed|made their|a|the|his|her? first {NOUN}"),
            ],
        );
        let (field, q) = match (last, first) {
            (Some(q), _) => ("last_order_at", q),
            (None, Some(q)) => ("first_order_at", q),
            _ => return None,
        };
        let q = self.skip(
            q,
            &[
                "date",
                "was",
                "is",
                "placed",
                "made",
                "happened",
                "being",
                "something",
                "anything",
            ],
        );
        if let Some((op, days, e)) = self.ago(q, false) {
            return Some((cond(field, op, Val::Days(days)), e));
        }
        let (w, e) = self.window(q)?;
        Some((self.date_node(field, w), e))
    }

    /// "spent over ₹5K", "total spend between 2k and 5k", "spent more than 2000 in the last 30 days".
    fn spend(&self, p: usize) -> Found {
        let q = self.pats(p, SPEND_TRIGGERS)?;
        const SKIP: &[&str] = &[
            "of",
            "is",
            "was",
            "a",
            "an",
            "total",
            "overall",
            "amounting",
            "to",
            "worth",
            "have",
            "has",
        ];
        let q = self.skip(q, SKIP);
        // "spent in the last 30 days more than 2000"
        let (pre, q) = match self.window(q) {
            Some((w, e)) => (Some(w), self.skip(e, SKIP)),
            None => (None, q),
        };
        let c = self.compare(q)?;
        if self.not_money_after(c.end) {
            return None;
        }
        let mut end = c.end;
        let mut op = if c.explicit { c.op } else { Op::Ge };
        if !c.explicit {
            if let Some((o, e)) = self.cmp_postfix(end) {
                op = o;
                end = e;
            }
        }
        let val = self.money_values(&c)?;
        let end = self
            .pats(
                end,
                &[
                    "in total",
                    "in all",
                    "total",
                    "overall",
                    "so far",
                    "till date",
                    "to date",
                ],
            )
            .unwrap_or(end);
        let (post, end) = match self.window(end) {
            Some((w, e)) => (Some(w), e),
            None => (None, end),
        };
        Some((self.spend_node(op, val, pre.or(post))?, end))
    }

    fn spend_node(&self, op: Op, val: Val, window: Option<Win>) -> Option<Node> {
        Some(match window {
            Some(w) => cond(
                "spend_in_last_days",
                op,
                Val::Window(self.window_days(w)?, Box::new(val)),
            ),
            None => cond("total_spend", op, val),
        })
    }

    /// "average order value above 1000", "AOV of at least 2.5k".
    fn aov(&self, p: usize) -> Found {
        let q = self.pats(p, AOV_TRIGGERS)?;
        let q = self.skip(
            q,
            &[
                "of", "is", "was", "a", "an", "per", "order", "that's", "thats",
            ],
        );
        let c = self.compare(q)?;
        if self.not_money_after(c.end) {
            return None;
        }
        let op = if c.explicit { c.op } else { Op::Ge };
        Some((cond("avg_order_value", op, self.money_values(&c)?), c.end))
    }

    /// An amount with no field named: "more than 10k", "between 2k and 5k", "50K+ total spend".
    fn bare_money(&self, p: usize, ctx: Ctx) -> Found {
        if ctx.after_unknown {
            return None;
        }
        let c = self.compare(p)?;
        if !c.explicit && !c.a.money {
            return None;
        }
        if self.not_money_after(c.end) || c.a.times {
            return None;
        }
        let val = self.money_values(&c)?;
        // An amount alone ("₹5,000 spenders") is a floor.
        let op = if c.explicit { c.op } else { Op::Ge };
        if let Some(e) = self.pats(c.end, AOV_TRIGGERS) {
            return Some((cond("avg_order_value", op, val), e));
        }
        let end = self.pats(c.end, SPEND_TRIGGERS).unwrap_or(c.end);
        let (w, end) = match self.window(end) {
            Some((w, e)) => (Some(w), e),
            None => (None, end),
        };
        Some((self.spend_node(op, val, w)?, end))
    }

    /// A comparison of a number of orders, then optionally a window: "more than 3 times in the last 60 days".
    fn count_tail(&self, c: &Cmp, end: usize) -> Found {
        let val = self.count_values(c)?;
        let mut op = c.op;
        let mut end = end;
        if !c.explicit {
            if let Some((o, e)) = self.cmp_postfix(end) {
                op = o;
                end = e;
            }
        }
        let end = self.skip(end, &["total", "overall"]);
        match self.window(end) {
            Some((w, e)) => {
                let days = self.window_days(w)?;
                Some((
                    cond("orders_in_last_days", op, Val::Window(days, Box::new(val))),
                    e,
                ))
            }
            None => Some((cond("order_count", op, val), end)),
        }
    }

    /// "fewer than 3 orders", "5+ orders", "more than three orders in the last 60 days".
    fn count_first(&self, p: usize) -> Found {
        let c = self.compare(p)?;
        let e = self.pat(
            c.end,
            "orders|order|purchases|purchase|transactions|transaction",
        )?;
        self.count_tail(&c, e)
    }

    /// "order count above 3", "number of orders at least 5".
    fn order_field(&self, p: usize) -> Found {
        let q = self.pats(
            p,
            &[
                "order|orders|purchase|purchases count",
                "number|no|count|total of? orders|purchases|transactions",
                "total number of orders|purchases",
                "orders|purchases|order_count",
            ],
        )?;
        let q = self.skip(q, &["is", "are", "was", "of", ":"]);
        let (pre, q) = match self.window(q) {
            Some((w, e)) => (Some(w), self.skip(e, &["is", "are", "was", ":"])),
            None => (None, q),
        };
        let c = self.compare(q)?;
        if !c.explicit {
            return None;
        }
        let (node, end) = self.count_tail(&c, self.count_unit(c.end).unwrap_or(c.end))?;
        match (pre, node) {
            (Some(w), Node::Cond(Cond { op, val, .. })) => {
                let days = self.window_days(w)?;
                Some((
                    cond("orders_in_last_days", op, Val::Window(days, Box::new(val))),
                    end,
                ))
            }
            (None, node) => Some((node, end)),
            _ => None,
        }
    }

    /// "ordered at least twice", "bought in the last 2 weeks", "bought from electronics",
    /// "purchased APP-004", "ordered recently", or just "ordered".
    fn order_verb(&self, p: usize) -> Found {
        const VERBS: &[&str] = &[
            "ordered|order|orders|purchased|purchase|purchases|bought|buy|buys|shopped|shop|shops|transacted|transaction|transactions",
            "placed|made|done|did an|a|any|their|some order|orders|purchase|purchases|transaction|transactions",
            "made|done|did purchases|orders",
        ];
        let (q, loose) = match self.pats(p, VERBS) {
            Some(q) => (q, false),
            None => (self.pat(p, "placed|made|done|did")?, true),
        };
        let q = self
            .pats(q, &["from|with us", "with|from our store|shop"])
            .unwrap_or(q);
        // "bought nothing in the last 6 months": the negation of buying in it.
        if self.word(q) == "nothing" {
            let (node, e) = self.order_verb_tail(q + 1, false)?;
            return Some((negate(node), e));
        }
        self.order_verb_tail(q, loose)
    }

    /// What follows a verb of buying.
    fn order_verb_tail(&self, q: usize, loose: bool) -> Found {
        let q = self.skip(q, &["anything", "something", "online", "again", "ever"]);
        let q = if self.word(q) == "at" && self.word(q + 1) == "all" {
            q + 2
        } else {
            q
        };
        if let Some((op, days, e)) = self.ago(q, true) {
            return Some((cond("last_order_at", op, Val::Days(days)), e));
        }
        if let Some(c) = self.compare(q) {
            // "bought more than ₹5000 worth"
            let worth = self.pats(c.end, &["worth", "in|of value|stuff|goods"]);
            let large = c.a.v >= 1_000 * SCALE && self.count_unit(c.end).is_none() && !c.a.times;
            if c.a.money || worth.is_some() || large {
                let val = self.money_values(&c)?;
                let op = if c.explicit { c.op } else { Op::Ge };
                let end = worth.unwrap_or(c.end);
                let (w, end) = match self.window(end) {
                    Some((w, e)) => (Some(w), e),
                    None => (None, end),
                };
                return Some((self.spend_node(op, val, w)?, end));
            }
            let unit = self.count_unit(c.end);
            let counted = unit.is_some() || c.a.times || (c.explicit && !loose);
            if counted && !c.a.money && unit_days(self.word(c.end)).is_none() {
                if let Some(found) = self.count_tail(&c, unit.unwrap_or(c.end)) {
                    return Some(found);
                }
            }
        }
        if loose {
            return None;
        }
        if let Some((w, e)) = self.window(q) {
            if let Some(node) = self.ordered_in(w) {
                return Some((node, e));
            }
        }
        if let Some(found) = self.bought_what(q) {
            return Some(found);
        }
        Some((cond("order_count", Op::Ge, Val::Count(1)), q))
    }

    fn sku_like(&self, p: usize) -> bool {
        let raw = match self.kind(p) {
            Some(T::Word(_)) => self.raw(p, p + 1),
            _ => return false,
        };
        raw.chars().any(|c| c.is_ascii_digit()) && raw.chars().any(char::is_alphabetic)
    }

    fn sku_value(&self, p: usize, any: bool) -> Option<(String, usize)> {
        match self.kind(p)? {
            T::Quoted(s) => Some((s.clone(), p + 1)),
            T::Num(n) if any && !n.money => Some((self.raw(p, p + 1).to_owned(), p + 1)),
            T::Word(_) if self.sku_like(p) || (any && self.plain(p).is_some()) => {
                Some((self.raw(p, p + 1).to_owned(), p + 1))
            }
            _ => None,
        }
    }

    fn category_item(&self, p: usize) -> Option<(String, usize)> {
        if let Some(T::Quoted(s)) = self.kind(p) {
            return Some((s.to_lowercase(), p + 1));
        }
        // "shop frequently", "order often": how, not what.
        let w = self.word(p);
        let adverb = w.ends_with("ly")
            || matches!(
                w,
                "often" | "much" | "lots" | "nothing" | "everything" | "regular" | "less" | "well"
            );
        if self.known_city(p).is_some() || adverb {
            return None;
        }
        let mut words = Vec::new();
        let mut e = p;
        while e < p + 3 && !self.sku_like(e) {
            let Some(w) = self.plain(e) else { break };
            words.push(w);
            e += 1;
        }
        (!words.is_empty()).then(|| (words.join(" "), e))
    }

    /// After a verb of buying: "SKU TSHIRT-01", "APP-004", "from electronics", "category footwear",
    /// "from the home category", "apparel or footwear".
    fn bought_what(&self, q: usize) -> Found {
        let r = self.skip(q, &["the", "a", "an"]);
        if let Some(s) = self.pats(
            r,
            &[
                "sku|skus|product|products|item|items code|codes|id|ids?",
                "sku|skus",
            ],
        ) {
            let s = self.skip(s, &[":", "=", "number", "no", "#"]);
            let any = matches!(self.word(r), "sku" | "skus") || self.word(r + 1) == "code";
            if let Some((skus, e, and_used)) = self.list(s, &["sku"], |x| self.sku_value(x, any)) {
                return Some((self.bought_node("bought_sku", skus, and_used), e));
            }
        }
        if self.sku_like(r) {
            let (skus, e, and_used) = self.list(r, &["sku"], |x| self.sku_value(x, false))?;
            return Some((self.bought_node("bought_sku", skus, and_used), e));
        }
        let r = self.skip(
            r,
            &[
                "items",
                "products",
                "something",
                "anything",
                "stuff",
                "goods",
            ],
        );
        let r = self.pat(r, "from|in").unwrap_or(r);
        let r = self.skip(r, &["the", "our", "a"]);
        let r = self
            .pat(r, "category|categories|section|department")
            .unwrap_or(r);
        let r = self.skip(r, &[":", "="]);
        let (cats, e, and_used) =
            self.list(r, &["from", "in", "the"], |x| self.category_item(x))?;
        let e = self
            .pat(
                e,
                "category|categories|products|items|section|department|range|stuff|goods",
            )
            .unwrap_or(e);
        // "at least once", "ever": bought is bought.
        let e = match self.compare(e) {
            Some(c) if c.a.times && c.a.v == SCALE && matches!(c.op, Op::Ge | Op::Eq) => c.end,
            _ => self.pats(e, &["ever", "before"]).unwrap_or(e),
        };
        Some((self.bought_node("bought_category", cats, and_used), e))
    }

    /// Bought several things: "or" is any of them (`in`), "and" all of them.
    fn bought_node(&self, field: &str, values: Vec<String>, and_used: bool) -> Node {
        if and_used && values.len() > 1 {
            all_of(
                values
                    .into_iter()
                    .map(|v| cond(field, Op::Eq, Val::Text(v)))
                    .collect(),
            )
        } else {
            self.text_node(field, false, values)
        }
    }

    /// A condition whose subject the prompt leaves implied by the one before.
    fn implied(&self, p: usize, ctx: Ctx) -> Found {
        match ctx.previous? {
            "bought_category" => self.category_tail(p),
            "last_order_at" => {
                let (w, e) = self.window(p)?;
                Some((self.ordered_in(w)?, e))
            }
            field @ ("created_at" | "first_order_at") => {
                let (w, e) = self.window(p)?;
                Some((self.date_node(field, w), e))
            }
            _ => None,
        }
    }

    /// After a condition on categories: "(but not) from apparel".
    fn category_tail(&self, p: usize) -> Found {
        let q = self.pat(p, "from|in")?;
        let q = self.skip(q, &["the"]);
        let (cats, e, and_used) =
            self.list(q, &["from", "in", "the"], |x| self.category_item(x))?;
        let e = self.pat(e, "category|categories").unwrap_or(e);
        Some((self.bought_node("bought_category", cats, and_used), e))
    }

    /// "SKU TSHIRT-01 buyers", "category is footwear", "electronics buyers", "the home category".
    fn product(&self, p: usize) -> Found {
        if let Some(q) = self.pat(p, "sku|skus") {
            let q = self.skip(q, &[":", "=", "is", "code"]);
            let (skus, e, and_used) = self.list(q, &["sku"], |x| self.sku_value(x, true))?;
            return Some((self.bought_node("bought_sku", skus, and_used), e));
        }
        if let Some(q) = self.pat(p, "category|categories") {
            let q = self.skip(q, &[":", "=", "is", "of"]);
            let (cats, e, and_used) = self.list(q, &[], |x| self.category_item(x))?;
            return Some((self.bought_node("bought_category", cats, and_used), e));
        }
        let (cats, e, and_used) = self.list(p, &[], |x| self.category_item(x))?;
        let e = self.pat(e, "category|categories|buyers|buyer|shoppers|purchasers")?;
        Some((self.bought_node("bought_category", cats, and_used), e))
    }

    /// "joined this month", "signed up in the last 10 days", "registered before 2025".
    fn joined(&self, p: usize) -> Found {
        let q = self.pats(
            p,
            &[
                "joined|join|joining|registered|onboarded|acquired|created",
                "signed|sign up|on",
                "signed-up|signup|signups|sign-up|sign-ups|registration|registrations",
                "account|accounts created|opened",
                "created|opened an|their|a? account|accounts",
                "became|become a? customer|customers|member|members",
                "customer|member since",
            ],
        )?;
        // "customer since 2024": the window starts at "since".
        if self.word(q - 1) == "since" {
            let (w, e) = self.window(q - 1)?;
            return Some((self.date_node("created_at", w), e));
        }
        let q = self
            .pats(q, &["us", "with us", "the platform|app|store"])
            .unwrap_or(q);
        if let Some((op, days, e)) = self.ago(q, false) {
            return Some((cond("created_at", op, Val::Days(days)), e));
        }
        let (w, e) = self.window(q)?;
        Some((self.date_node("created_at", w), e))
    }

    /// "customers for over a year", "with us for less than 3 months".
    fn tenure(&self, p: usize) -> Found {
        let q = self.pats(
            p,
            &[
                "customers|customer|members|member|subscribers for",
                "been with us for",
                "with us for",
                "been a? customer|customers|member|members for",
            ],
        )?;
        let (op, days, e) = self.ago(q, false).or_else(|| {
            let (d, e) = self.duration(q)?;
            Some((Op::Older, d, e))
        })?;
        Some((cond("created_at", op, Val::Days(days)), e))
    }

    /// "no email", "with an email", "gmail users", "email ends with @acme.com", "phone starts with +91".
    fn contact(&self, p: usize, ctx: Ctx) -> Found {
        const PROVIDERS: &[(&str, &str)] = &[
            ("gmail", "@gmail.com"),
            ("googlemail", "@googlemail.com"),
            ("yahoo", "@yahoo.com"),
            ("ymail", "@ymail.com"),
            ("hotmail", "@hotmail.com"),
            ("outlook", "@outlook.com"),
            ("rediffmail", "@rediffmail.com"),
            ("rediff", "@rediffmail.com"),
            ("icloud", "@icloud.com"),
            ("protonmail", "@protonmail.com"),
        ];
        let w = self.word(p);
        let addresses =
            "users|user|addresses|address|accounts|account|ids|id|emails|email|customers|mail";
        if let Some((_, domain)) = PROVIDERS.iter().find(|(name, _)| *name == w) {
            let e = self.pat(p + 1, addresses).unwrap_or(p + 1);
            return Some((cond("email", Op::EndsWith, Val::Text((*domain).into())), e));
        }
        if w.contains('.') && (w.starts_with('@') || self.pat(p + 1, addresses).is_some()) {
            let domain = format!("@{}", w.trim_start_matches('@'));
            let e = self.pat(p + 1, addresses).unwrap_or(p + 1);
            return Some((cond("email", Op::EndsWith, Val::Text(domain)), e));
        }
        let q = self.skip(p, &["a", "an", "valid", "any"]);
        let (field, q) =
            if let Some(q) = self.pat(q, "email|e-mail|emails|mail address|addresses|id|ids?") {
                ("email", q)
            } else if let Some(q) = self.pats(
                q,
                &[
                    "phone|phones|mobile|mobiles|cellphone number|numbers|no|nos?",
                    "contact|whatsapp|cell number|numbers|no|nos",
                ],
            ) {
                ("phone", q)
            } else {
                return None;
            };
        let q2 = self.skip(q, &["is", "are", "was"]);
        if let Some(e) = self.pats(
            q2,
            &[
                "missing|empty|blank|null|absent|unknown|none",
                "not set|available|provided|present|known",
            ],
        ) {
            return Some((cond(field, Op::IsNull, Val::Null), e));
        }
        let value = |r: usize| -> Option<(String, usize)> {
            match self.kind(r)? {
                T::Quoted(s) => Some((s.clone(), r + 1)),
                T::Word(_) | T::Num(_) => Some((self.raw(r, r + 1).to_owned(), r + 1)),
                T::Plus => {
                    let mut e = r + 1;
                    while self.t.get(e).is_some_and(|t| t.start == self.t[e - 1].end) {
                        e += 1;
                    }
                    Some((self.raw(r, e).to_owned(), e))
                }
                _ => None,
            }
        };
        let ops: &[(&str, Op)] = &[
            ("ending|ends with|in", Op::EndsWith),
            ("ending|ends", Op::EndsWith),
            ("domain is|=|:?", Op::EndsWith),
            ("at|@", Op::EndsWith),
            ("starting|starts|beginning|begins with", Op::BeginsWith),
            ("containing|contains|including|includes", Op::Contains),
            ("is|=|equals|:", Op::Eq),
        ];
        for (pt, op) in ops {
            let Some(r) = self.pat(q2, pt) else { continue };
            let Some((mut v, e)) = value(r) else { continue };
            if *op == Op::Eq && field == "email" && !v.contains('@') {
                continue;
            }
            if *op == Op::EndsWith && field == "email" && !v.starts_with(['@', '.']) {
                v = format!("@{v}");
            }
            let v = if field == "email" {
                v.to_lowercase()
            } else {
                v
            };
            return Some((cond(field, *op, Val::Text(v)), e));
        }
        let stated = self.pats(
            q,
            &[
                "on file",
                "on record",
                "available|present|provided|set|known",
            ],
        );
        // "opened our last email" is not about having one.
        if ctx.after_unknown && stated.is_none() {
            return None;
        }
        Some((cond(field, Op::IsNotNull, Val::Null), stated.unwrap_or(q)))
    }

    /// "named Asha", "name contains verma", "whose name starts with A".
    fn name(&self, p: usize) -> Found {
        const OPS: &str =
            "is|includes|including|contains|containing|has|having|like|matching|matches|with|:|=";
        let contains = format!("by|with? the? name|names {OPS}?");
        let forms: &[(&str, Op)] = &[
            ("named|called", Op::Contains),
            (&contains, Op::Contains),
            ("by|with? the? name|names is exactly", Op::Eq),
            ("by|with? the? name|names equals|equalling", Op::Eq),
            (
                "by|with? the? name|names starting|starts|beginning|begins with",
                Op::BeginsWith,
            ),
            ("by|with? the? name|names ending|ends with", Op::EndsWith),
        ];
        let (op, q) = forms
            .iter()
            .filter_map(|(pt, op)| self.pat(p, pt).map(|e| (*op, e)))
            .max_by_key(|(_, e)| *e)?;
        let value = |r: usize| match self.kind(r)? {
            T::Quoted(s) => Some((s.to_lowercase(), r + 1)),
            T::Word(w) if !self.is_connector(r) && !NEGATORS.contains(&w.as_str()) => {
                let mut e = r + 1;
                while e < r + 4 && self.plain(e).is_some() && self.capitalised(e) {
                    e += 1;
                }
                Some((self.raw(r, e).to_lowercase(), e))
            }
            _ => None,
        };
        // "called Priya or Neha": either name.
        let (names, e, _) = self.list(q, &[], |r| {
            if r == q || self.capitalised(r) || matches!(self.kind(r), Some(T::Quoted(_))) {
                value(r)
            } else {
                None
            }
        })?;
        let conds = names
            .into_iter()
            .map(|n| cond("name", op, Val::Text(n)))
            .collect();
        Some((combine(true, conds)?, e))
    }

    fn tier_word(&self, p: usize) -> Option<(String, usize)> {
        let w = self.word(p);
        let w = w
            .strip_suffix("-tier")
            .or_else(|| w.strip_suffix("-members"))
            .unwrap_or(w);
        TIERS.contains(&w).then(|| (w.to_owned(), p + 1))
    }

    /// "gold tier", "silver members", "gold or silver", "tier is bronze".
    fn tier(&self, p: usize) -> Found {
        if let Some(q) = self.pats(
            p,
            &[
                "tier|tiers|level",
                "loyalty|membership|customer tier|level|status",
                "tier level",
            ],
        ) {
            let (negated, q) = self.attribute_op(q)?;
            let q = self.skip(q, &["the"]);
            let item = |x: usize| {
                self.tier_word(x).or_else(|| {
                    if x == q {
                        self.named_value(x)
                    } else {
                        self.value_word(x)
                    }
                })
            };
            let (vals, e, _) = self.list(q, &[], item)?;
            return Some((self.text_node("attributes.tier", negated, vals), e));
        }
        let (vals, e, _) = self.list(p, &[], |x| self.tier_word(x))?;
        let e = self
            .pat(e, "tier|tiers|level|status|membership|card|plan")
            .unwrap_or(e);
        Some((self.text_node("attributes.tier", false, vals), e))
    }

    fn gender_word(&self, p: usize) -> Option<(String, usize)> {
        let g = match self.word(p) {
            "female" | "females" | "women" | "woman" | "ladies" | "lady" | "girls" | "girl" => {
                "female"
            }
            "male" | "males" | "men" | "man" | "gentlemen" | "gents" | "boys" | "boy" | "guys" => {
                "male"
            }
            _ => return None,
        };
        Some((g.to_owned(), p + 1))
    }

    /// "women", "female customers", "men", "gender is female".
    fn gender(&self, p: usize) -> Found {
        if let Some(q) = self.pat(p, "gender|sex") {
            let (negated, q) = self.attribute_op(q)?;
            let (vals, e, _) = self.list(q, &[], |x| {
                self.gender_word(x).or_else(|| {
                    if x == q {
                        self.named_value(x)
                    } else {
                        self.value_word(x)
                    }
                })
            })?;
            return Some((self.text_node("attributes.gender", negated, vals), e));
        }
        let (vals, e, _) = self.list(p, &[], |x| self.gender_word(x))?;
        Some((self.text_node("attributes.gender", false, vals), e))
    }

    fn acquisition_word(&self, p: usize) -> Option<(String, usize)> {
        if let Some(e) = self.pats(
            p,
            &[
                "paid|google|facebook|instagram|meta? ads|ad|advertising|advertisements|adverts|advert|advertisement",
                "ads|ad|advertising|advertisements|adverts|advert|advertisement campaigns|campaign?",
                "ad-driven|paid-ads",
            ],
        ) {
            return Some(("ads".into(), e));
        }
        if let Some(e) = self.pats(
            p,
            &[
                "friend|customer? referral|referrals|referred|referal|refferal program|programme|link|links|code|codes?",
                "word of mouth",
            ],
        ) {
            return Some(("referral".into(), e));
        }
        if let Some(e) = self.pat(p, "organic|organically search|traffic|reach?") {
            return Some(("organic".into(), e));
        }
        None
    }

    /// "acquired through ads", "referral customers", "organic", "acquisition channel is instagram".
    fn acquisition(&self, p: usize) -> Found {
        const FIELD: &str = "attributes.acquisition";
        if let Some(q) = self.pats(
            p,
            &[
                "acquired|sourced|came|coming|come|joined|arrived|converted|registered|found|signed-up through|via|thru|by|using|with|from|on",
                "signed|brought up|in through|via|thru|by|using|with|from|on",
                "who came from|through|via",
            ],
        ) {
            let from = self.word(q - 1) == "from";
            let q = self.skip(q, &["a", "an", "the", "our"]);
            let item = |x: usize| {
                self.acquisition_word(x).or_else(|| {
                    if from {
                        None
                    } else {
                        self.value_word(x)
                    }
                })
            };
                        let (vals, e, _) = self.list(q, &[], item)?;
            let e = self.pat(e, "channel|campaigns|campaign").unwrap_or(e);
            let node = self.text_node(FIELD, false, vals);
            // "joined via referral in the last 30 days": when, too.
            let joining = matches!(
                self.word(p),
                "joined" | "signed" | "signed-up" | "registered" | "acquired"
            );
            if let Some((w, e2)) = self.window(e).filter(|_| joining) {
                return Some((all_of(vec![node, self.date_node("created_at", w)]), e2));
            }
            return Some((node, e));
        }
        if let Some(q) = self.pats(
            p,
            &[
                "acquisition|traffic|lead|marketing channel|source|medium",
                "acquisition|channel",
                "acquisition channel|source|medium",
            ],
        ) {
            let (negated, q) = self.attribute_op(q)?;
            let (vals, e, _) = self.list(q, &[], |x| {
                self.acquisition_word(x).or_else(|| {
                    if x == q {
                        self.named_value(x)
                    } else {
                        self.value_word(x)
                    }
                })
            })?;
            return Some((self.text_node(FIELD, negated, vals), e));
        }
        let (vals, e, _) = self.list(p, &[], |x| self.acquisition_word(x))?;
        let e = self
            .pats(
                e,
                &[
                    "customers|users|signups|channel|acquired|acquisitions|leads",
                    "by a? friend|friends|someone",
                    "as|via the|their? acquisition|marketing channel|source",
                    "as|via the|their? acquisition|marketing? channel|source",
                ],
            )
            .unwrap_or(e);
        Some((self.text_node(FIELD, false, vals), e))
    }

    /// After an attribute's name: "is", "=", ":", "is not", "isn't", "is one of" → (negated, end).
    fn attribute_op(&self, q: usize) -> Option<(bool, usize)> {
        if let Some(e) = self.pats(
            q,
            &[
                "is|are|was not|none",
                "isn't|aren't|!=",
                "not",
                "is not one|any of",
                "other than",
            ],
        ) {
            return Some((true, e));
        }
        let e = self
            .pats(
                q,
                &[
                    "is|are|=|:|equals|of|in",
                    "is|are one|any of",
                    "is equal to",
                    "is set to",
                ],
            )
            .unwrap_or(q);
        Some((false, e))
    }

    /// A value for an attribute: quoted text, a number, or a word that is not a connector or filler.
    fn value_word(&self, p: usize) -> Option<(String, usize)> {
        match self.kind(p)? {
            T::Quoted(s) => Some((s.to_lowercase(), p + 1)),
            T::Num(n) if !n.money => Some((self.raw(p, p + 1).to_lowercase(), p + 1)),
            T::Word(w) if self.plain(p).is_some() => Some((w.clone(), p + 1)),
            _ => None,
        }
    }

    /// A value after an attribute's name ("channel is email"): any word but a connector, filler,
    /// negation or comparison.
    fn named_value(&self, p: usize) -> Option<(String, usize)> {
        if let Some(found) = self.value_word(p) {
            return Some(found);
        }
        let w = self.word(p);
        let loose = w.chars().next().is_some_and(char::is_alphabetic)
            && !self.is_connector(p)
            && !FILLERS.contains(&w)
            && !NEGATORS.contains(&w)
            && !PREPOSITIONS.contains(&w)
            && self.cmp_prefix(p).is_none();
        loose.then(|| (w.to_owned(), p + 1))
    }

    /// "with plan premium", "preferred language is Hindi", "plan: pro", "segment is not b2b".
    fn generic_attribute(&self, p: usize) -> Found {
        let key = |words: &[&str]| -> Option<String> {
            let k: String = words
                .join("_")
                .chars()
                .map(|c| if c == '-' { '_' } else { c })
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (!k.is_empty() && k.len() <= 64).then_some(k)
        };
        // "with favourite colour blue": the last word is the value, the words before it the key.
        if self.word(p) == "with" {
            let mut words = Vec::new();
            let mut q = p + 1;
            while q < p + 5 {
                let Some(w) = self.plain(q) else { break };
                words.push(w);
                q += 1;
            }
            let no_op_follows = self.pat(q, "is|are|=|:|equals|isn't|aren't|!=").is_none();
            if words.len() >= 2 && no_op_follows {
                let value = words.pop()?.to_owned();
                let field = format!("attributes.{}", key(&words)?);
                return Some((cond(&field, Op::Eq, Val::Text(value)), q));
            }
        }
        // "attributes.tier = gold", as the rule builder names it.
        let (words, q) = match self.word(p).strip_prefix("attributes.") {
            Some(k) => (vec![k], p + 1),
            None => {
                let mut words = Vec::new();
                let mut q = p;
                while q < p + 3 {
                    let Some(w) = self.plain(q) else { break };
                    words.push(w);
                    q += 1;
                }
                (words, q)
            }
        };
        if words.is_empty() {
            return None;
        }
        self.pat(q, "is|are|=|:|equals|isn't|aren't|!=")?;
        let (negated, r) = self.attribute_op(q)?;
        // After "is" any word is a value; after "or" only one that starts nothing else.
        let (vals, e, _) = self.list(r, &[], |x| {
            if x == r {
                self.named_value(x)
            } else {
                self.value_word(x)
            }
        })?;
        let field = format!("attributes.{}", key(&words)?);
        Some((self.text_node(&field, negated, vals), e))
    }

    // ---- places --------------------------------------------------------------------------------

    /// A city the prompt may name bare: returns where its name ends.
    fn known_city(&self, p: usize) -> Option<usize> {
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
        if let Some(T::Quoted(s)) = self.kind(p) {
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
    fn place(&self, p: usize, ctx: Ctx) -> Found {
        const NEGATED: &[&str] = &[
            "live|lives|living|based|located|residing|staying? outside|outside-of of?",
            "city|cities is|are not",
            "city|cities isn't|aren't|!=|not",
            "not based|living|located|residing in",
        ];
        const STRONG: &[&str] = &[
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
        let (negated, q, weak) = if let Some(q) = self.pats(p, NEGATED) {
            (true, q, false)
        } else if let Some(q) = self.pats(p, STRONG) {
            (false, q, false)
        } else if let Some(q) = self.pat(p, "from|in|across") {
            (false, q, true)
        } else if self.known_city(p).is_some() {
            (false, p, false)
        } else {
            return None;
        };
        let (cities, end) = if self.slot(q, "(") {
            self.paren_list(q, |x| self.city_item(x))?
        } else {
            if weak {
                let fits = self.known_city(q).is_some()
                    || matches!(self.kind(q), Some(T::Quoted(_)))
                    || (self.plain(q).is_some() && (self.capitalised(q) || !ctx.after_unknown));
                if !fits {
                    return None;
                }
            }
            // After the first place, another is written the same way ("Delhi, Jaipur", "delhi,
            // jaipur") or is one we know: "Mumbai, aged over 30" is not a list of places.
            let capitalised = self.capitalised(q);
            let (cities, end, _) = self.list(q, &["from", "in"], |x| {
                let same_style = x == q
                    || self.known_city(x).is_some()
                    || matches!(self.kind(x), Some(T::Quoted(_)))
                    || self.capitalised(x) == capitalised;
                if same_style {
                    self.city_item(x)
                } else {
                    None
                }
            })?;
            (cities, end)
        };
        let end = self
            .pat(end, "city|cities|area|region|based|-based")
            .unwrap_or(end);
        Some((self.text_node("city", negated, cities), end))
    }

    // ---- the scan ------------------------------------------------------------------------------

    /// Punctuation and words that join or group conditions.
    fn connector(&self, p: usize) -> Option<(Item, usize)> {
        let and = Item::And { comma: false };
        match self.kind(p)? {
            T::Open => Some((Item::Open, p + 1)),
            T::Close => Some((Item::Close, p + 1)),
            T::Comma | T::Semi | T::Stop => Some((Item::And { comma: true }, p + 1)),
            T::Slash => Some((Item::Or, p + 1)),
            T::Word(w) if w == "either" => Some((Item::Either, p + 1)),
            T::Word(w) if w == "nor" => Some((and, p + 1)),
            T::Word(_) => {
                if let Some(e) = self.pats(
                    p,
                    &[
                        "and|but|plus|whereas|while",
                        "as well as",
                        "along with",
                        "and also",
                    ],
                ) {
                    return Some((and, e));
                }
                self.pats(p, &["or", "or else"]).map(|e| (Item::Or, e))
            }
            _ => None,
        }
    }

    /// A negation: "not", "haven't", "excluding", "except for", "other than"…
    fn negator(&self, p: usize) -> Option<usize> {
        NEGATORS.iter().filter_map(|n| self.pat(p, n)).max()
    }

    fn ignorable(&self, p: usize) -> bool {
        match self.kind(p) {
            Some(T::Word(w)) => FILLERS.contains(&w.as_str()),
            Some(T::Other | T::Dash | T::Plus | T::Colon | T::Rupee) => true,
            _ => false,
        }
    }

    /// Reads the prompt into items for the grouping parser and the text it could not understand.
    fn run(&self) -> (Vec<Item>, Vec<String>) {
        let mut scan = Scan {
            items: Vec::new(),
            unknown: Vec::new(),
            run: None,
            skipped: vec![false; self.t.len()],
        };
        let mut previous = None;
        let mut p = 0;
        while p < self.t.len() {
            if let Some((item, e)) = self.connector(p) {
                scan.flush(self);
                // "not (…)" and "not either … or …" negate what follows.
                if !matches!(item, Item::Open | Item::Either) {
                    scan.dangling_not(self);
                }
                scan.items.push(item);
                // "neither A nor B": and not B.
                if self.word(p) == "nor" {
                    scan.items.push(Item::Not {
                        start: self.t[p].start,
                        end: self.t[p].end,
                    });
                }
                p = e;
                continue;
            }
            let ctx = Ctx {
                after_unknown: scan.run.is_some(),
                previous,
            };
            if let Some((node, e)) = self.leaf(p, ctx) {
                scan.flush(self);
                previous = node.field();
                scan.items.push(Item::Leaf(node));
                p = e.max(p + 1);
                continue;
            }
            if let Some(e) = self.negator(p) {
                scan.flush(self);
                scan.items.push(Item::Not {
                    start: self.t[p].start,
                    end: self.t[e - 1].end,
                });
                p = e;
                continue;
            }
            if self.ignorable(p) {
                scan.skipped[p] = true;
                p += 1;
                continue;
            }
            scan.unknown_token(self, p);
            p += 1;
        }
        scan.flush(self);
        scan.dangling_not(self);
        (scan.items, scan.unknown)
    }
}

/// The state of a scan: items so far, text not understood, the current run of it.
struct Scan {
    items: Vec<Item>,
    unknown: Vec<String>,
    /// Byte span of the current run of text not understood.
    run: Option<(usize, usize)>,
    /// Which tokens were skipped as filler.
    skipped: Vec<bool>,
}

impl Scan {
    fn unknown_token(&mut self, s: &Scanner, p: usize) {
        let tok = &s.t[p];
        if let Some((start, _)) = self.run {
            self.run = Some((start, tok.end));
            return;
        }
        // Start at a preposition just before ("in 2024", "over the weekend") and at a negation
        // that had nothing to negate ("not loving cricket").
        let mut start = tok.start;
        let mut q = p;
        while q > 0 && q + 3 > p && self.skipped[q - 1] {
            if let Some(T::Word(w)) = s.kind(q - 1) {
                if !PREPOSITIONS.contains(&w.as_str()) {
                    break;
                }
                if !matches!(w.as_str(), "the" | "a" | "an") {
                    start = s.t[q - 1].start;
                }
            }
            q -= 1;
        }
        if let Some(Item::Not { start: ns, .. }) = self.items.last() {
            start = *ns;
            self.items.pop();
        }
        self.run = Some((start, tok.end));
    }

    fn flush(&mut self, s: &Scanner) {
        if let Some((a, b)) = self.run.take() {
            let text = s.src[a..b].trim();
            if !text.is_empty() {
                self.unknown.push(text.to_owned());
            }
        }
    }

    /// A negation with nothing after it to negate is reported, not dropped.
    fn dangling_not(&mut self, s: &Scanner) {
        if let Some(Item::Not { start, end }) = self.items.last() {
            self.unknown.push(s.src[*start..*end].trim().to_owned());
            self.items.pop();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Grouping
// ---------------------------------------------------------------------------------------------

/// NOT binds tightest, then AND, then OR; parentheses and `either … or …` group.
struct Grammar {
    items: std::iter::Peekable<std::vec::IntoIter<Item>>,
}

impl Grammar {
    fn parse(mut self) -> Option<Node> {
        let mut parts = Vec::new();
        while self.items.peek().is_some() {
            if let Some(node) = self.disjunction(false) {
                parts.push(node);
            }
            // Only a stray ")" stops a disjunction before the end.
            if matches!(self.items.peek(), Some(Item::Close)) {
                self.items.next();
            }
        }
        combine(false, parts)
    }

    fn disjunction(&mut self, stop_at_comma: bool) -> Option<Node> {
        let mut alternatives = Vec::new();
        loop {
            if let Some(node) = self.conjunction(stop_at_comma) {
                alternatives.push(node);
            }
            if matches!(self.items.peek(), Some(Item::Or)) {
                self.items.next();
            } else {
                break;
            }
        }
        combine(true, alternatives)
    }

    fn conjunction(&mut self, stop_at_comma: bool) -> Option<Node> {
        let mut parts = Vec::new();
        loop {
            match self.items.peek() {
                Some(Item::Leaf(_) | Item::Not { .. } | Item::Open | Item::Either) => {
                    if let Some(node) = self.unary() {
                        parts.push(node);
                    }
                }
                Some(Item::And { comma }) => {
                    if stop_at_comma && *comma && !parts.is_empty() {
                        break;
                    }
                    self.items.next();
                }
                _ => break,
            }
        }
        combine(false, parts)
    }

    fn unary(&mut self) -> Option<Node> {
        match self.items.next()? {
            Item::Leaf(node) => Some(node),
            Item::Not { .. } => self.unary().map(negate),
            Item::Open => {
                let node = self.disjunction(false);
                if matches!(self.items.peek(), Some(Item::Close)) {
                    self.items.next();
                }
                node
            }
            // The alternatives of "either" run to the next comma: "either A or B, and C".
            Item::Either => self.disjunction(true),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
