//! The rule tree the parser builds: the domain's groups, conditions, fields and operators over the
//! values as the prompt wrote them ([`Value`]), and how conditions are made, combined and negated.
//! Serialized, the tree is minicrm's rule JSON.

use chrono::NaiveDate;
use minicrm_domain::rules::{self, Combinator, Field, Operator, Subject};
use minicrm_domain::Money;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// A condition or a group of conditions, over values as written.
pub(super) type Rule = rules::Rule<Value>;
pub(super) type Group = rules::Group<Value>;
pub(super) type Condition = rules::Condition<Value>;

/// A condition's value as the prompt wrote it, before the domain reads it for its field's type (as
/// an `Operand`, lower-cased): places keep their capitals and SKUs their case ("Navi Mumbai",
/// "TSHIRT-01"), and days are calendar days.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// `is_null`, `is_not_null`.
    None,
    Text(String),
    Texts(Vec<String>),
    Money(Money),
    MoneyRange(Money, Money),
    Count(i64),
    CountRange(i64, i64),
    Days(u32),
    Date(NaiveDate),
    /// A count or sum over the last `days` days, compared with `value`.
    Window {
        days: u32,
        value: Box<Value>,
    },
}

/// The rule JSON's `value`: money in major units (a whole number when there are no paise), dates
/// as ISO days, windows as `{"days": N, "value": …}`.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::None => s.serialize_unit(),
            Value::Text(text) => s.serialize_str(text),
            Value::Texts(texts) => texts.serialize(s),
            Value::Money(m) => Major(*m).serialize(s),
            Value::MoneyRange(low, high) => [Major(*low), Major(*high)].serialize(s),
            Value::Count(n) => s.serialize_i64(*n),
            Value::CountRange(low, high) => [low, high].serialize(s),
            Value::Days(days) => s.serialize_u32(*days),
            Value::Date(day) => s.collect_str(&day.format("%Y-%m-%d")),
            Value::Window { days, value } => {
                let mut window = s.serialize_struct("Window", 2)?;
                window.serialize_field("days", days)?;
                window.serialize_field("value", value)?;
                window.end()
            }
        }
    }
}

/// An amount in major units, as the rule JSON writes it: `5000` or `1499.5`.
struct Major(Money);

impl Serialize for Major {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let per_major = 10_i64.pow(self.0.currency.exponent());
        let minor = self.0.minor;
        if minor % per_major == 0 {
            s.serialize_i64(minor / per_major)
        } else {
            s.serialize_f64(minor as f64 / per_major as f64)
        }
    }
}

/// A condition on a field of the catalogue.
pub(super) fn condition(field: Field, operator: Operator, value: Value) -> Rule {
    condition_on(Subject::Field(field), operator, value)
}

/// A condition on a field or a custom attribute.
pub(super) fn condition_on(subject: Subject, operator: Operator, value: Value) -> Rule {
    Rule::Condition(Condition {
        subject,
        operator,
        operand: value,
    })
}

/// A custom attribute: `attributes.<key>`.
pub(super) fn attribute(key: &str) -> Subject {
    Subject::Attribute(key.to_owned())
}

/// Text equal to one value or any of several, or (negated) to none of them.
pub(super) fn text_condition(subject: Subject, negated: bool, mut values: Vec<String>) -> Rule {
    let (operator, value) = match (values.len(), negated) {
        (1, false) => (Operator::Eq, Value::Text(values.remove(0))),
        (1, true) => (Operator::Ne, Value::Text(values.remove(0))),
        (_, false) => (Operator::In, Value::Texts(values)),
        (_, true) => (Operator::NotIn, Value::Texts(values)),
    };
    condition_on(subject, operator, value)
}

/// Joins rules with one combinator, splicing in groups of the same kind and unwrapping a lone rule.
pub(super) fn combine(combinator: Combinator, rules: Vec<Rule>) -> Option<Rule> {
    let mut out = Vec::new();
    for rule in rules {
        match rule {
            Rule::Group(g) if g.combinator == combinator && !g.not => out.extend(g.rules),
            other => out.push(other),
        }
    }
    match out.len() {
        0 => None,
        1 => out.pop(),
        _ => Some(Rule::Group(Group {
            combinator,
            not: false,
            rules: out,
        })),
    }
}

pub(super) fn all_of(rules: Vec<Rule>) -> Rule {
    combine(Combinator::And, rules).expect("at least one condition")
}

/// The negation of a rule: a negated operator where one says exactly the opposite, else a group
/// with `"not": true`.
pub(super) fn negate(rule: Rule) -> Rule {
    match rule {
        Rule::Group(mut g) => {
            g.not = !g.not;
            Rule::Group(g)
        }
        Rule::Condition(c) => negate_condition(c),
    }
}

fn negate_condition(c: Condition) -> Rule {
    use Operator::*;
    if c.subject == Subject::Field(Field::OrderCount) {
        // "never ordered" reads better as = 0 than as < 1, and says the same.
        if c.operator == Ge && c.operand == Value::Count(1) {
            return condition(Field::OrderCount, Eq, Value::Count(0));
        }
        if c.operator == Eq && c.operand == Value::Count(0) {
            return condition(Field::OrderCount, Ge, Value::Count(1));
        }
    }
    // Comparisons with a date skip customers without one, so on the order dates (empty for those
    // who never ordered) the flipped comparison is not the opposite.
    let nullable_date = matches!(
        c.subject,
        Subject::Field(Field::FirstOrderAt | Field::LastOrderAt)
    );
    let operator = match c.operator {
        Eq => Ne,
        Ne => Eq,
        In => NotIn,
        NotIn => In,
        Contains => NotContains,
        NotContains => Contains,
        IsNull => IsNotNull,
        IsNotNull => IsNull,
        WithinLastDays => OlderThanDays,
        OlderThanDays => WithinLastDays,
        Between if !nullable_date => NotBetween,
        NotBetween if !nullable_date => Between,
        Gt if !nullable_date => Le,
        Ge if !nullable_date => Lt,
        Lt if !nullable_date => Ge,
        Le if !nullable_date => Gt,
        _ => {
            return Rule::Group(Group {
                combinator: Combinator::And,
                not: true,
                rules: vec![Rule::Condition(c)],
            })
        }
    };
    Rule::Condition(Condition { operator, ..c })
}

/// The field a rule tests (a group's, when all its conditions test it), when the next phrase may
/// leave it implied: "bought from beauty but not from apparel", "ordered in the last 30 days but
/// not in the last 7".
pub(super) fn implied_field(rule: &Rule) -> Option<Field> {
    const FIELDS: [Field; 5] = [
        Field::BoughtCategory,
        Field::BoughtSku,
        Field::LastOrderAt,
        Field::FirstOrderAt,
        Field::CreatedAt,
    ];
    match rule {
        Rule::Condition(c) => match c.subject {
            Subject::Field(f) if FIELDS.contains(&f) => Some(f),
            _ => None,
        },
        Rule::Group(g) => {
            let first = implied_field(g.rules.first()?)?;
            g.rules
                .iter()
                .all(|r| implied_field(r) == Some(first))
                .then_some(first)
        }
    }
}
