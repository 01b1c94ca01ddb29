//! The schema of a rule tree as clients send it (the types are only that): the parser reads the JSON
//! itself, so that it can say where each problem is; these say the same in OpenAPI terms. A tree is
//! recursive — a group holds conditions and groups — up to `MAX_DEPTH` levels and `MAX_CONDITIONS`
//! conditions. They deserialize too, only so that their serde attributes are the ones the schema
//! follows.

use super::catalogue::{Field, ATTRIBUTE_PREFIX};
use super::Operator;
use serde::Deserialize;
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// A group of rules joined by one combinator, optionally negated; the root of every rule tree.
/// Groups nest up to 10 levels, with at most 200 conditions in all.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RuleGroup {
    /// `and` or `or`, in any case; `and` when absent or null.
    #[schema(value_type = Option<String>, pattern = "^([Aa][Nn][Dd]|[Oo][Rr])$")]
    combinator: Option<String>,
    /// True negates the whole group.
    not: Option<bool>,
    #[schema(min_items = 1)]
    rules: Vec<RuleNode>,
    /// Ignored (react-querybuilder's own).
    #[schema(value_type = Value, required = false)]
    id: Option<Value>,
    /// Ignored (react-querybuilder's own).
    #[schema(value_type = Value, required = false)]
    path: Option<Value>,
}

/// A group or a condition: an object with `rules` or `combinator` is a group.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum RuleNode {
    #[schema(no_recursion)]
    Group(RuleGroup),
    Condition(RuleCondition),
}

/// One test of one field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct RuleCondition {
    #[schema(value_type = FieldName)]
    field: String,
    operator: Operator,
    /// Read for the field's type and the operator: a number or decimal string for money, a whole
    /// number for counts, a text, an RFC 3339 date or time; `[low, high]` (or `"low,high"`) for
    /// `between`; a list (or comma-separated text) for `in`; a number of days for
    /// `within_last_days` and `older_than_days`; `{"days": N, "value": …}` for the windowed fields.
    /// Not needed for `is_null` and `is_not_null`.
    #[schema(value_type = Value, required = false)]
    value: Option<Value>,
    /// Only `value`: conditions compare with values, not with other fields.
    #[serde(rename = "valueSource")]
    #[schema(value_type = String, required = false, pattern = "^value$")]
    value_source: Option<String>,
    /// Ignored (react-querybuilder's own).
    #[schema(value_type = Value, required = false)]
    id: Option<Value>,
    /// Ignored (react-querybuilder's own).
    #[schema(value_type = Value, required = false)]
    path: Option<Value>,
}

/// A field a condition may test: one of the catalogue (`GET /api/v1/segments/fields`), or a custom
/// attribute as `attributes.<key>`.
pub struct FieldName;

impl PartialSchema for FieldName {
    fn schema() -> RefOr<Schema> {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.spec().name).collect();
        let catalogue = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names));
        let attribute = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!(
                "^{}[A-Za-z0-9_]{{1,64}}$",
                ATTRIBUTE_PREFIX.replace('.', "\\.")
            )));
        OneOfBuilder::new()
            .item(catalogue)
            .item(attribute)
            .description(Some(
                "A field of the catalogue, or a custom attribute as `attributes.<key>`.",
            ))
            .into()
    }
}

impl ToSchema for FieldName {}
