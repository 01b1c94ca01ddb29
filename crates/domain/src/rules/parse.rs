//! Parsing and validating a rule tree before anything else: an unknown field, an operator its type does
//! not allow, a value of the wrong type, an empty group, nesting deeper than `MAX_DEPTH` or more than
//! `MAX_CONDITIONS` conditions — each reported with the JSON pointer of the offending node.

use super::catalogue::{Field, ATTRIBUTE_PREFIX};
use super::{values, Combinator, Condition, Group, Operator, Rule, Subject};
use crate::Currency;
use serde::Serialize;
use serde_json::{Map, Value};

pub const MAX_DEPTH: usize = 10;
pub const MAX_CONDITIONS: usize = 200;

/// One problem with a rule tree, at a JSON pointer (RFC 6901) into it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleError {
    pub path: String,
    pub reason: String,
}

/// Parses a rule tree (a group at the root), or lists everything wrong with it.
pub fn parse(json: &Value, currency: Currency) -> Result<Group, Vec<RuleError>> {
    let mut parser = Parser {
        currency,
        errors: Vec::new(),
        conditions: 0,
    };
    let group = parser.group(json, "", 1);
    if parser.conditions > MAX_CONDITIONS {
        parser.error(
            "",
            format!(
                "{} conditions; at most {MAX_CONDITIONS} are allowed",
                parser.conditions
            ),
        );
    }
    match group {
        Some(g) if parser.errors.is_empty() => Ok(g),
        _ => Err(parser.errors),
    }
}

struct Parser {
    currency: Currency,
    errors: Vec<RuleError>,
    conditions: usize,
}

/// Keys react-querybuilder may add that carry nothing for us.
const IGNORED_KEYS: [&str; 2] = ["id", "path"];

impl Parser {
    fn error(&mut self, path: &str, reason: impl Into<String>) {
        self.errors.push(RuleError {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.to_owned()
            },
            reason: reason.into(),
        });
    }

    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        let Some(obj) = value.as_object() else {
            self.error(path, "must be an object: a group or a condition");
            return None;
        };
        for key in obj
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()) && !IGNORED_KEYS.contains(&k.as_str()))
        {
            let token = key.replace('~', "~0").replace('/', "~1");
            self.error(&format!("{path}/{token}"), format!("unknown key '{key}'"));
        }
        Some(obj)
    }

    fn group(&mut self, value: &Value, path: &str, depth: usize) -> Option<Group> {
        let obj = self.object(value, path, &["combinator", "not", "rules"])?;
        if depth > MAX_DEPTH {
            self.error(path, format!("groups nest deeper than {MAX_DEPTH} levels"));
            return None;
        }
        let combinator = self.combinator(obj.get("combinator"), path);
        let not = match obj.get("not") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.error(&format!("{path}/not"), "must be true or false");
                false
            }
        };
        let rules = match obj.get("rules") {
            Some(Value::Array(rules)) if !rules.is_empty() => rules,
            Some(Value::Array(_)) => {
                self.error(&format!("{path}/rules"), "a group needs at least one rule");
                return None;
            }
            _ => {
                self.error(&format!("{path}/rules"), "a group needs a list of rules");
                return None;
            }
        };
        let parsed: Vec<Option<Rule>> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| self.rule(r, &format!("{path}/rules/{i}"), depth))
            .collect();
        Some(Group {
            combinator: combinator?,
            not,
            rules: parsed.into_iter().collect::<Option<_>>()?,
        })
    }

    /// `and` or `or`, in any case (react-querybuilder may send either); absent or null is `and`.
    fn combinator(&mut self, value: Option<&Value>, path: &str) -> Option<Combinator> {
        match value {
            None | Some(Value::Null) => Some(Combinator::And),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("and") => Some(Combinator::And),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("or") => Some(Combinator::Or),
            Some(_) => {
                self.error(&format!("{path}/combinator"), "must be \"and\" or \"or\"");
                None
            }
        }
    }

    fn rule(&mut self, value: &Value, path: &str, depth: usize) -> Option<Rule> {
        let is_group = value.get("rules").is_some() || value.get("combinator").is_some();
        if is_group {
            return self.group(value, path, depth + 1).map(Rule::Group);
        }
        self.condition(value, path).map(Rule::Condition)
    }

    fn condition(&mut self, value: &Value, path: &str) -> Option<Condition> {
        let obj = self.object(value, path, &["field", "operator", "value", "valueSource"])?;
        self.conditions += 1;
        if obj.get("valueSource").is_some_and(|s| s != "value") {
            self.error(
                &format!("{path}/valueSource"),
                "only values can be compared, not other fields",
            );
        }
        let subject = self.subject(obj.get("field"), path)?;
        let operator = self.operator(obj.get("operator"), &subject, path)?;
        match values::operand(subject.kind(), operator, obj.get("value"), self.currency) {
            Ok(operand) => Some(Condition {
                subject,
                operator,
                operand,
            }),
            Err(reason) => {
                self.error(&format!("{path}/value"), reason);
                None
            }
        }
    }

    fn subject(&mut self, value: Option<&Value>, path: &str) -> Option<Subject> {
        let name = value.and_then(Value::as_str).unwrap_or_default();
        if let Some(field) = Field::parse(name) {
            return Some(Subject::Field(field));
        }
        match name.strip_prefix(ATTRIBUTE_PREFIX) {
            Some(key)
                if (1..=64).contains(&key.len())
                    && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                Some(Subject::Attribute(key.to_owned()))
            }
            _ => {
                self.error(
                    &format!("{path}/field"),
                    format!("'{name}' is not a field (see GET /api/v1/segments/fields)"),
                );
                None
            }
        }
    }

    fn operator(
        &mut self,
        value: Option<&Value>,
        subject: &Subject,
        path: &str,
    ) -> Option<Operator> {
        let text = value.and_then(Value::as_str).unwrap_or_default();
        let allowed = subject.kind().operators();
        match Operator::parse(text) {
            Some(op) if allowed.contains(&op) => Some(op),
            _ => {
                let names: Vec<String> = allowed
                    .iter()
                    .map(|o| {
                        serde_json::to_value(o)
                            .map(|v| v.as_str().unwrap_or_default().to_owned())
                            .unwrap_or_default()
                    })
                    .collect();
                self.error(
                    &format!("{path}/operator"),
                    format!(
                        "'{text}' does not apply here; use one of {}",
                        names.join(" ")
                    ),
                );
                None
            }
        }
    }
}
