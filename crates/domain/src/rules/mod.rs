//! Segment rules: the JSON shape of react-querybuilder (`combinator`, `not`, `rules`, nested to any
//! depth up to a limit) parsed into a typed tree that cannot be invalid. Every field comes from the closed
//! catalogue; every value is read for its field's type. The compiler to SQL and the reference evaluator
//! both work from this tree.

pub mod catalogue;
mod parse;
mod schema;
mod values;

pub use catalogue::{catalogue, Field, FieldSpec, Kind};
pub use parse::{parse, RuleError, MAX_CONDITIONS, MAX_DEPTH};
pub use schema::{FieldName, RuleCondition, RuleGroup, RuleNode};

use crate::Timestamp;
use catalogue::ATTRIBUTE_PREFIX;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Combinator {
    And,
    Or,
}

/// A condition's operator; which apply depends on the field's type (see the field catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Operator {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "between")]
    Between,
    #[serde(rename = "not_between")]
    NotBetween,
    #[serde(rename = "in")]
    In,
    #[serde(rename = "not_in")]
    NotIn,
    #[serde(rename = "contains")]
    Contains,
    #[serde(rename = "not_contains")]
    NotContains,
    #[serde(rename = "begins_with")]
    BeginsWith,
    #[serde(rename = "ends_with")]
    EndsWith,
    #[serde(rename = "is_null")]
    IsNull,
    #[serde(rename = "is_not_null")]
    IsNotNull,
    #[serde(rename = "within_last_days")]
    WithinLastDays,
    #[serde(rename = "older_than_days")]
    OlderThanDays,
}

impl Operator {
    pub fn parse(text: &str) -> Option<Operator> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }
}

/// A group of rules joined by one combinator, optionally negated.
///
/// `O` is what a condition compares with: an [`Operand`] once [`parse`]d — read for the field's type
/// and checked. Before that a tree may hold other values: the assistant's parser builds one of values
/// as a marketer wrote them. Serialized (when its values serialize), a tree is the JSON that `parse`
/// reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group<O = Operand> {
    pub combinator: Combinator,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not: bool,
    pub rules: Vec<Rule<O>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Rule<O = Operand> {
    Group(Group<O>),
    Condition(Condition<O>),
}

/// What a condition tests: a catalogue field, or a custom attribute by key.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Field(Field),
    Attribute(String),
}

impl Subject {
    pub fn kind(&self) -> Kind {
        match self {
            Subject::Field(f) => f.kind(),
            Subject::Attribute(_) => Kind::Text,
        }
    }

    /// The name a rule gives it: the catalogue's (`total_spend`) or `attributes.<key>`.
    pub fn name(&self) -> String {
        match self {
            Subject::Field(f) => f.spec().name.to_owned(),
            Subject::Attribute(key) => format!("{ATTRIBUTE_PREFIX}{key}"),
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// One test of one field, written `{"field", "operator", "value"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition<O = Operand> {
    #[serde(rename = "field")]
    pub subject: Subject,
    pub operator: Operator,
    #[serde(rename = "value")]
    pub operand: O,
}

/// A condition's value, read for its field's type. Money is in minor units; text is lower-cased, since
/// text comparisons ignore case.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `is_null`, `is_not_null`.
    None,
    Text(String),
    Texts(Vec<String>),
    Number(i64),
    Numbers(Vec<i64>),
    Range(i64, i64),
    Time(Timestamp),
    TimeRange(Timestamp, Timestamp),
    /// The N of `within_last_days` and `older_than_days`.
    Days(u32),
    /// A count or sum over the last `days` days, compared with `operand`.
    Window {
        days: u32,
        operand: Box<Operand>,
    },
}

#[cfg(test)]
mod tests;
