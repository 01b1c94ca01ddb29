//! The header of an import: each column's name and where its cells go in the record a client would
//! have sent (a field, or a custom attribute), and the problems of a header the record parser would
//! refuse.

use crate::ApiError;
use minicrm_domain::campaign::Problem;
use minicrm_domain::ingest::{Context, Record, Row};
use minicrm_domain::{NewCustomer, RecordKind};
use serde_json::{Map, Value};

/// Where a column's cells go.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Target {
    /// A field of the record.
    Field(&'static str),
    /// A custom attribute (customers).
    Attribute(String),
}

pub(super) const CUSTOMER_FIELDS: &[&str] = &[
    "external_id",
    "name",
    "email",
    "phone",
    "city",
    "created_at",
    "updated_at",
];
pub(super) const CUSTOMER_REQUIRED: &[&str] = &["external_id", "name"];
pub(super) const ORDER_FIELDS: &[&str] = &[
    "external_id",
    "customer_external_id",
    "amount",
    "currency",
    "status",
    "ordered_at",
    "items",
];
pub(super) const ORDER_REQUIRED: &[&str] = &[
    "external_id",
    "customer_external_id",
    "amount",
    "ordered_at",
];

/// The header: each column's name and target.
#[derive(Debug)]
pub(super) struct Columns {
    pub(super) names: Vec<String>,
    pub(super) targets: Vec<Target>,
}

impl Columns {
    /// Reads the header row. Names are trimmed and matched case-insensitively; for customers any other
    /// column is a custom attribute (an `attributes.` prefix is dropped). A missing required column, a
    /// column twice, an unnamed one, an unknown one (orders) or an attribute key the record parser would
    /// refuse is a 422 naming it.
    pub(super) fn new(
        kind: RecordKind,
        header: &csv::ByteRecord,
        ctx: &Context,
    ) -> Result<Self, ApiError> {
        let (fields, required) = match kind {
            RecordKind::Customers => (CUSTOMER_FIELDS, CUSTOMER_REQUIRED),
            RecordKind::Orders => (ORDER_FIELDS, ORDER_REQUIRED),
        };
        let mut problems = Vec::new();
        let mut names = Vec::with_capacity(header.len());
        let mut targets: Vec<Target> = Vec::with_capacity(header.len());
        for (i, raw) in header.iter().enumerate() {
            let Ok(text) = std::str::from_utf8(raw) else {
                problems.push(problem(
                    &format!("column {}", i + 1),
                    "the header is not valid UTF-8".into(),
                ));
                names.push(String::new());
                continue;
            };
            let name = text.trim_start_matches('\u{feff}').trim().to_owned();
            let lower = name.to_ascii_lowercase();
            let target = if name.is_empty() {
                problems.push(problem(
                    &format!("column {}", i + 1),
                    format!("column {} has no name", i + 1),
                ));
                None
            } else if let Some(field) = fields.iter().find(|f| **f == lower) {
                Some(Target::Field(field))
            } else if kind == RecordKind::Customers {
                let key = match lower.strip_prefix("attributes.") {
                    Some(_) => name["attributes.".len()..].trim().to_owned(),
                    None => name.clone(),
                };
                match attribute_key_problem(&key, ctx) {
                    Some(reason) => {
                        problems.push(problem(
                            &name,
                            format!("the column '{name}' cannot be a custom attribute: {reason}"),
                        ));
                        None
                    }
                    None => Some(Target::Attribute(key)),
                }
            } else {
                problems.push(problem(
                    &name,
                    format!(
                        "unknown column '{name}': an orders file has the columns {}",
                        fields.join(", ")
                    ),
                ));
                None
            };
            if let Some(target) = &target {
                if targets.contains(target) {
                    problems.push(problem(&name, format!("the column '{name}' appears twice")));
                }
            }
            names.push(name);
            targets.push(target.unwrap_or(Target::Field("")));
        }
        for column in required {
            if !targets.contains(&Target::Field(column)) {
                problems.push(problem(
                    column,
                    format!("the header lacks the required column '{column}'"),
                ));
            }
        }
        let attributes: Vec<String> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Attribute(key) => Some(key.clone()),
                Target::Field(_) => None,
            })
            .collect();
        if problems.is_empty() && !attributes.is_empty() {
            if let Some(reason) = attributes_problem(&attributes, ctx) {
                problems.push(problem("attributes", reason));
            }
        }
        if problems.is_empty() {
            Ok(Self { names, targets })
        } else {
            Err(ApiError::Invalid(problems))
        }
    }

    /// The JSON object a client would have sent for this row: empty cells are absent, the custom
    /// attributes gathered under `attributes`, `items` read as JSON (else left as text, for the record
    /// parser to refuse).
    pub(super) fn object(&self, cells: &[&str]) -> Value {
        let mut object = Map::new();
        let mut attributes = Map::new();
        for (target, cell) in self.targets.iter().zip(cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            // A cell over several lines of a file written on Windows.
            let cell = match cell.contains('\r') {
                true => std::borrow::Cow::Owned(cell.replace("\r\n", "\n")),
                false => std::borrow::Cow::Borrowed(cell),
            };
            let cell = cell.as_ref();
            match target {
                Target::Field("items") => {
                    let items = serde_json::from_str::<Value>(cell)
                        .unwrap_or_else(|_| Value::String(cell.to_owned()));
                    object.insert("items".into(), items);
                }
                Target::Field(field) => {
                    object.insert((*field).to_owned(), Value::String(cell.to_owned()));
                }
                Target::Attribute(key) => {
                    attributes.insert(key.clone(), Value::String(cell.to_owned()));
                }
            }
        }
        if !attributes.is_empty() {
            object.insert("attributes".into(), Value::Object(attributes));
        }
        Value::Object(object)
    }
}

pub(super) fn problem(field: &str, reason: String) -> Problem {
    Problem {
        field: field.to_owned(),
        reason,
    }
}

/// Why the record parser would refuse this custom attribute key, asked of the parser itself.
pub(super) fn attribute_key_problem(key: &str, ctx: &Context) -> Option<String> {
    attributes_problem(&[key.to_owned()], ctx)
}

/// Why the record parser would refuse these custom attributes together (too many, a bad key).
pub(super) fn attributes_problem(keys: &[String], ctx: &Context) -> Option<String> {
    let attributes: Map<String, Value> = keys
        .iter()
        .map(|k| (k.clone(), Value::String("x".into())))
        .collect();
    let probe = serde_json::json!({"external_id": "x", "name": "x", "attributes": attributes});
    let raw = serde_json::value::to_raw_value(&probe).ok()?;
    let mut row = Row::new(0);
    let _ = NewCustomer::parse(&mut row, &raw, ctx);
    row.into_errors()
        .into_iter()
        .find(|e| e.field == "attributes")
        .map(|e| e.reason)
}
