//! Structured input for the rule parser: `arbitrary` material turned into rule JSON that is valid by
//! construction (a catalogue field, one of its operators, a value of its type in one of the forms the
//! parser reads), so the fuzzer spends its time deep in valid trees rather than at the first error;
//! and customers for the reference evaluator to compare with.

use crate::evaluator::{Customer, Order, DAY_MS};
use crate::NOW;
use arbitrary::Arbitrary;
use minicrm_domain::rules::{Field, Kind, Operator, MAX_CONDITIONS, MAX_DEPTH};
use serde_json::{json, Map, Value};

#[derive(Arbitrary, Debug)]
pub struct GroupSpec {
    or: bool,
    not: Option<bool>,
    shout: bool,
    extras: bool,
    rules: Vec<RuleSpec>,
}

#[derive(Arbitrary, Debug)]
pub enum RuleSpec {
    Condition(CondSpec),
    Group(GroupSpec),
}

#[derive(Arbitrary, Debug)]
pub struct CondSpec {
    field: u8,
    op: u8,
    form: u8,
    a: u32,
    b: u32,
    c: u16,
    texts: Vec<TextSpec>,
}

/// Text: a word of a small vocabulary (cases, LIKE's wildcards) or any printable ASCII.
#[derive(Arbitrary, Debug, Clone)]
pub enum TextSpec {
    Word(u8),
    Raw(String),
}

const WORDS: &[&str] = &[
    "Mumbai",
    "mumbai",
    "Pune",
    "Delhi",
    "a",
    "ravi",
    "Ravi Kumar",
    "gold",
    "Silver",
    "apparel",
    "Footwear",
    "SKU-1",
    "sku-2",
    "a%b",
    "zoya_ali",
    "50%",
    "_",
    "%",
    "\\",
    "back\\slash",
    "@example",
    "@gmail.com",
    " padded ",
    "om",
    "Home",
];

impl TextSpec {
    /// The text: printable, letters beyond ASCII included (SQLite folds them through `minicrm_fold`
    /// as PostgreSQL and the evaluator do), no control characters (rule text refuses them).
    pub fn text(&self) -> String {
        match self {
            TextSpec::Word(i) => WORDS[*i as usize % WORDS.len()].to_owned(),
            TextSpec::Raw(s) => s
                .chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect(),
        }
    }

    /// A text the parser takes as a value: non-blank, and without commas where a list is one text.
    fn value(&self, in_list_text: bool) -> String {
        let t = self.text();
        if t.trim().is_empty() || (in_list_text && t.contains(',')) {
            WORDS[t.len() % WORDS.len()].to_owned()
        } else {
            t
        }
    }
}

/// The subjects a condition may name: the catalogue and the evaluator's one attribute.
fn subject(i: u8) -> (String, Kind) {
    match Field::ALL.get(i as usize % (Field::ALL.len() + 1)) {
        Some(f) => (f.spec().name.to_owned(), f.kind()),
        None => ("attributes.tier".to_owned(), Kind::Text),
    }
}

fn op_name(op: Operator) -> String {
    serde_json::to_value(op)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .expect("operators serialise as text")
}

impl GroupSpec {
    /// The rule JSON: within the depth and condition limits, every group with at least one rule.
    pub fn to_json(&self) -> Value {
        let mut budget = MAX_CONDITIONS;
        self.group(1, &mut budget).expect("the root has budget")
    }

    fn group(&self, depth: usize, budget: &mut usize) -> Option<Value> {
        if *budget == 0 {
            return None;
        }
        let mut rules = Vec::new();
        for rule in &self.rules {
            match rule {
                RuleSpec::Condition(c) if *budget > 0 => {
                    *budget -= 1;
                    rules.push(c.to_json());
                }
                RuleSpec::Group(g) if depth < MAX_DEPTH => rules.extend(g.group(depth + 1, budget)),
                _ => {}
            }
        }
        if rules.is_empty() {
            *budget -= 1;
            rules.push(json!({"field": "order_count", "operator": ">=", "value": 0}));
        }
        let mut group = Map::new();
        let combinator = match (self.or, self.shout) {
            (true, true) => "OR",
            (true, false) => "or",
            (false, true) => "And",
            (false, false) => "and",
        };
        group.insert("combinator".into(), json!(combinator));
        if let Some(not) = self.not {
            group.insert("not".into(), json!(not));
        }
        if self.extras {
            group.insert("id".into(), json!("g-1"));
        }
        group.insert("rules".into(), Value::Array(rules));
        Some(Value::Object(group))
    }
}

impl CondSpec {
    fn to_json(&self) -> Value {
        let (field, kind) = subject(self.field);
        let ops = kind.operators();
        let op = ops[self.op as usize % ops.len()];
        let mut c = Map::new();
        c.insert("field".into(), json!(field));
        c.insert("operator".into(), json!(op_name(op)));
        if let Some(value) = self.value(kind, op) {
            c.insert("value".into(), value);
        }
        if self.form & 0x80 != 0 {
            c.insert("valueSource".into(), json!("value"));
            c.insert("id".into(), json!("r-1"));
        }
        Value::Object(c)
    }

    fn value(&self, kind: Kind, op: Operator) -> Option<Value> {
        use Operator::*;
        let days = 1 + u32::from(self.c) % 36_500;
        match (kind, op) {
            (_, IsNull | IsNotNull) => (self.form & 1 != 0).then_some(Value::Null),
            (Kind::Date, WithinLastDays | OlderThanDays) => Some(self.whole(i64::from(days))),
            (Kind::CountInWindow, _) => Some(
                json!({"days": self.whole(i64::from(days)), "value": self.value(Kind::Count, op)}),
            ),
            (Kind::MoneyInWindow, _) => {
                Some(json!({"value": self.value(Kind::Money, op), "days": days}))
            }
            (_, Between | NotBetween) => Some(self.range(kind)),
            (_, In | NotIn) => Some(self.list(kind)),
            (Kind::Text, _) => Some(self.text(0)),
            (Kind::Date, _) => Some(json!(self.date(self.a))),
            _ => Some(self.scalar(kind, self.a)),
        }
    }

    fn text(&self, i: usize) -> Value {
        let t = self
            .texts
            .get(i)
            .cloned()
            .unwrap_or(TextSpec::Word(self.b as u8));
        match t.text().trim().parse::<u32>() {
            Ok(n) if self.form & 2 != 0 => json!(n),
            _ => json!(t.value(false)),
        }
    }

    /// A whole number, as a JSON number or as text.
    fn whole(&self, n: i64) -> Value {
        if self.form & 4 != 0 {
            json!(format!(" {n} "))
        } else {
            json!(n)
        }
    }

    /// A count (small, like the data's) or an amount of money in major units with up to two decimals,
    /// as a number, a decimal text or a JSON decimal.
    fn scalar(&self, kind: Kind, raw: u32) -> Value {
        if kind == Kind::Count {
            let n = if self.form & 8 != 0 { raw } else { raw % 7 };
            return self.whole(i64::from(n));
        }
        let major = if self.form & 8 != 0 {
            raw % 10_000_001
        } else {
            raw % 12_000
        };
        let cents = self.b % 100;
        match self.form % 4 {
            0 => json!(major),
            1 => json!(format!("{major}")),
            2 => json!(format!("{major}.{cents:02}")),
            _ => serde_json::from_str(&format!("{major}.{}", cents % 10)).expect("a decimal"),
        }
    }

    /// A date or a time with an offset, within ~5 years of NOW.
    fn date(&self, raw: u32) -> String {
        let ms = NOW - i64::from(raw % 2_000) * DAY_MS + i64::from(self.c) * 1_000;
        let t = chrono::DateTime::from_timestamp_millis(ms).expect("in range");
        match self.form % 3 {
            0 => t.format("%Y-%m-%d").to_string(),
            1 => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            _ => {
                let ist = chrono::FixedOffset::east_opt(19_800).expect("+05:30");
                t.with_timezone(&ist).to_rfc3339()
            }
        }
    }

    /// `[low, high]` or `"low,high"`, low at most high.
    fn range(&self, kind: Kind) -> Value {
        let (lo, hi) = match kind {
            // Dates run backwards from NOW: more days ago is earlier.
            Kind::Date => {
                let (x, y) = (self.a % 2_000, self.b % 2_000);
                (self.date(x.max(y)), self.date(x.min(y)))
            }
            _ => {
                let (x, y) = (self.scalar(kind, self.a), self.scalar(kind, self.b));
                let key = |v: &Value| -> f64 {
                    v.as_f64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                        .unwrap_or(0.0)
                };
                if key(&x) <= key(&y) {
                    (x.to_string(), y.to_string())
                } else {
                    (y.to_string(), x.to_string())
                }
            }
        };
        let unquote = |s: String| s.trim_matches('"').to_owned();
        match kind {
            Kind::Date if self.form & 16 != 0 => json!(format!("{lo},{hi}")),
            Kind::Date => json!([lo, hi]),
            _ if self.form & 16 != 0 => json!(format!("{},{}", unquote(lo), unquote(hi))),
            _ => {
                let parse = |s: &str| serde_json::from_str::<Value>(s).expect("a JSON value");
                json!([parse(&lo), parse(&hi)])
            }
        }
    }

    /// One to six values, as an array or as comma-separated text.
    fn list(&self, kind: Kind) -> Value {
        let n = 1 + self.texts.len().min(5);
        let as_text = self.form & 16 != 0;
        let items: Vec<Value> = (0..n)
            .map(|i| match kind {
                Kind::Text if as_text => {
                    json!(self.texts.get(i).map_or("gold".into(), |t| t.value(true)))
                }
                Kind::Text => self.text(i),
                _ => self.scalar(kind, self.a.wrapping_mul(i as u32 + 1).wrapping_add(self.b)),
            })
            .collect();
        if !as_text {
            return Value::Array(items);
        }
        let texts: Vec<String> = items
            .iter()
            .map(|v| {
                v.as_str()
                    .map_or_else(|| v.to_string(), |s| s.trim().to_owned())
            })
            .collect();
        json!(texts.join(", "))
    }
}

/// A customer for the evaluator and the database, in printable text.
#[derive(Arbitrary, Debug)]
pub struct PersonSpec {
    name: TextSpec,
    email: Option<TextSpec>,
    city: Option<TextSpec>,
    tier: Option<TextSpec>,
    age_days: u16,
    orders: Vec<OrderSpec>,
}

#[derive(Arbitrary, Debug)]
pub struct OrderSpec {
    amount: u16,
    completed: bool,
    age_days: u16,
    minutes: u16,
    category: Option<TextSpec>,
    sku: TextSpec,
}

impl PersonSpec {
    pub fn customer(&self) -> Customer {
        Customer {
            name: self.name.text(),
            email: self.email.as_ref().map(TextSpec::text),
            city: self.city.as_ref().map(TextSpec::text),
            tier: self.tier.as_ref().map(TextSpec::text),
            created_at: NOW - i64::from(self.age_days % 4_000) * DAY_MS,
            orders: self.orders.iter().take(4).map(OrderSpec::order).collect(),
        }
    }
}

impl OrderSpec {
    fn order(&self) -> Order {
        Order {
            amount: i64::from(self.amount) * 100,
            completed: self.completed,
            ordered_at: NOW - i64::from(self.age_days % 2_000) * DAY_MS
                + i64::from(self.minutes) * 60_000
                - 1_000 * 3_600 * 24,
            category: self.category.as_ref().map(TextSpec::text),
            sku: self.sku.text(),
        }
    }
}
