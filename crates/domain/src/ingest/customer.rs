//! `NewCustomer`: a customer as accepted for ingestion, and its parsing from a client's JSON object.

use super::row::{text, Row};
use super::{Context, Record};
use crate::{Email, ExternalId, Phone, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{value::RawValue, Map, Value};
use utoipa::openapi::schema::{
    AdditionalProperties, ObjectBuilder, OneOfBuilder, SchemaType, Type,
};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCustomer {
    pub external_id: ExternalId,
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub city: Option<String>,
    #[serde(default)]
    pub attributes: Map<String, Value>,
    pub created_at: Timestamp,
    /// The client's version of this record; the newest wins, whatever order records arrive in.
    pub updated_at: Timestamp,
}

/// A customer as a client sends it. Texts are trimmed; null is the same as absent.
// Each field is kept raw here and read by `NewCustomer::parse`, so that every bad field is reported;
// the schema says what that parse accepts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerIn<'a> {
    /// The customer's id in the client's systems; the same id again updates the same customer.
    #[serde(borrow)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 128, example = "C-1001")]
    external_id: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200, example = "Asha Verma")]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = Option<String>, min_length = 1, format = "email", max_length = 320)]
    email: Option<&'a RawValue>,
    /// E.164 (`+919876543210`); a national Indian number is read as +91.
    #[serde(borrow)]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 32, example = "+919876543210")]
    phone: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100, example = "Pune")]
    city: Option<&'a RawValue>,
    #[serde(borrow)]
    #[schema(value_type = Option<Attributes>)]
    attributes: Option<&'a RawValue>,
    /// RFC 3339; not before 1970 nor in the future. Absent: the time of arrival.
    #[serde(borrow)]
    #[schema(value_type = Option<String>, format = DateTime)]
    created_at: Option<&'a RawValue>,
    /// The client's version of the record: the newest wins, whatever order records arrive in.
    /// RFC 3339; absent: the time of arrival.
    #[serde(borrow)]
    #[schema(value_type = Option<String>, format = DateTime)]
    updated_at: Option<&'a RawValue>,
}

super::batch_schema!(CustomerBatch, CustomerIn);

impl Record for NewCustomer {
    fn parse(row: &mut Row, raw: &RawValue, ctx: &Context) -> Option<Self> {
        let r: CustomerIn = row.shape(raw)?;
        let time = |raw: &RawValue| Timestamp::parse_sane(&text(raw, 64)?, ctx.now);
        let external_id = row.required("external_id", r.external_id, |v| {
            ExternalId::parse(&text(v, 200)?)
        });
        let name = row.required("name", r.name, |v| text(v, 200));
        let email = row.optional("email", r.email, |v| Email::parse(&text(v, 320)?));
        let phone = row.optional("phone", r.phone, |v| Phone::parse(&text(v, 32)?));
        let city = row.optional("city", r.city, |v| text(v, 100));
        let attributes = row.optional("attributes", r.attributes, attributes);
        let created_at = row.optional("created_at", r.created_at, time);
        let updated_at = row.optional("updated_at", r.updated_at, time);
        if row.has_errors() {
            return None;
        }
        Some(Self {
            external_id: external_id?,
            name: name?,
            email,
            phone,
            city,
            attributes: attributes.unwrap_or_default(),
            created_at: created_at.unwrap_or(ctx.now),
            updated_at: updated_at.unwrap_or(ctx.now),
        })
    }
}

/// Custom attributes: an object of at most 50 keys (letters, digits, `_`; up to 64) whose values are
/// strings (up to 1,000 characters, no control characters but newline and tab), numbers, booleans or
/// null.
pub const MAX_ATTRIBUTES: usize = 50;

/// The schema of custom attributes (the type is only that).
pub struct Attributes;

impl PartialSchema for Attributes {
    fn schema() -> RefOr<Schema> {
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(1000));
        let scalar = ObjectBuilder::new().schema_type(SchemaType::Array(vec![
            Type::Number,
            Type::Boolean,
            Type::Null,
        ]));
        let value = OneOfBuilder::new().item(text).item(scalar);
        let key = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Za-z0-9_]{1,64}$"));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "Custom attributes: up to 50 keys (letters, digits, `_`; up to 64) whose values are \
                 texts (up to 1,000 characters, no control characters but newline and tab), numbers, \
                 booleans or null.",
            ))
            .property_names(Some(key))
            .max_properties(Some(MAX_ATTRIBUTES))
            .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(value.into()))))
            .into()
    }
}

impl ToSchema for Attributes {}

fn attributes(raw: &RawValue) -> Result<Map<String, Value>, String> {
    let members = super::capped::object(raw.get(), MAX_ATTRIBUTES)
        .map_err(|_| "must be an object".to_owned())?;
    if members.over() {
        return Err(format!(
            "has {} keys; at most {MAX_ATTRIBUTES} are allowed",
            members.total
        ));
    }
    let mut map = Map::new();
    for (key, raw) in members.kept {
        let key_ok = (1..=64).contains(&key.len())
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !key_ok {
            return Err(format!(
                "key '{key}' must be 1 to 64 letters, digits or underscores"
            ));
        }
        // Looked at before it is parsed: a list or an object is refused without being built.
        if raw.get().starts_with(['[', '{']) {
            return Err(format!("'{key}' must be a string, number, boolean or null"));
        }
        let value: Value = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        match &value {
            Value::String(s) if s.chars().count() > 1000 => {
                return Err(format!("'{key}' is longer than 1000 characters"))
            }
            // As in every other text: PostgreSQL cannot store NUL, and the rest have no place here.
            Value::String(s) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                return Err(format!("'{key}' must not contain control characters"))
            }
            _ => {}
        }
        map.insert(key, value);
    }
    Ok(map)
}

impl NewCustomer {
    /// Keeps, for each external id, the record with the newest `updated_at` (the later one on a tie),
    /// in the order the ids first appear, so that one batch never writes the same customer twice.
    pub fn newest_per_external_id(records: Vec<NewCustomer>) -> Vec<NewCustomer> {
        let mut position: std::collections::HashMap<ExternalId, usize> = Default::default();
        let mut kept: Vec<NewCustomer> = Vec::with_capacity(records.len());
        for c in records {
            match position.get(&c.external_id) {
                Some(&i) if kept[i].updated_at > c.updated_at => {}
                Some(&i) => kept[i] = c,
                None => {
                    position.insert(c.external_id.clone(), kept.len());
                    kept.push(c);
                }
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests;
