//! Segments: the field catalogue the rule builder needs, and the audience preview — how many customers
//! a rule tree selects right now, with a sample of them.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden, UnprocessableEntity};
use crate::output::CustomerOut;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::rules::{self, Group, RuleGroup};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::customers;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(fields))
        .routes(routes!(preview))
}

/// Cities offered as values, and customers sampled for attribute keys.
const CITY_VALUES: i64 = 50;
const ATTRIBUTE_SAMPLE: i64 = 1000;
const SAMPLE_SIZE: u64 = 10;

/// The field catalogue.
#[derive(Serialize, ToSchema)]
struct FieldsOut {
    fields: Vec<FieldOut>,
}

/// A field rules may test: its type decides its operators and how values are read.
#[derive(Serialize, ToSchema)]
struct FieldOut {
    /// What a condition names in `field`.
    name: String,
    label: String,
    #[serde(rename = "type")]
    kind: rules::Kind,
    operators: Vec<rules::Operator>,
    /// What a client should know to read rules on this field right.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    /// The values in use, most customers first (cities).
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<Vec<ValueOut>>,
    /// True for a custom attribute (`attributes.<key>`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    custom: bool,
}

/// A value in use and how many customers have it.
#[derive(Serialize, ToSchema)]
struct ValueOut {
    value: String,
    customers: i64,
}

impl From<rules::FieldSpec> for FieldOut {
    fn from(spec: rules::FieldSpec) -> Self {
        Self {
            name: spec.name.to_owned(),
            label: spec.label.to_owned(),
            kind: spec.kind,
            operators: spec.operators.to_vec(),
            note: spec.note,
            values: None,
            custom: false,
        }
    }
}

/// A custom attribute in use, as a text field.
fn attribute_field(key: String) -> FieldOut {
    FieldOut {
        name: format!("attributes.{key}"),
        operators: rules::Kind::Text.operators().to_vec(),
        kind: rules::Kind::Text,
        label: key,
        note: None,
        values: None,
        custom: true,
    }
}

/// The field catalogue.
///
/// The fields rules may test, with their types and operators; the cities in use; and the custom
/// attributes in use. Needs the `read` scope.
#[utoipa::path(get, path = "/segments/fields", tag = "segments", operation_id = "segment_fields",
    responses(
        (status = 200, description = "The field catalogue.", body = FieldsOut),
        (status = 403, response = Forbidden),
    ))]
async fn fields(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<FieldsOut>, ApiError> {
    caller.require(Scope::Read)?;
    let cities = customers::top_cities(&state.db, CITY_VALUES).await?;
    let keys = customers::attribute_keys(&state.db, ATTRIBUTE_SAMPLE).await?;
    let mut fields: Vec<FieldOut> = rules::catalogue().into_iter().map(Into::into).collect();
    if let Some(city) = fields.iter_mut().find(|f| f.name == "city") {
        city.values = Some(
            cities
                .into_iter()
                .map(|(value, customers)| ValueOut { value, customers })
                .collect(),
        );
    }
    fields.extend(keys.into_iter().map(attribute_field));
    Ok(Json(FieldsOut { fields }))
}

/// Reads the `rules` of a body (`{"rules": …}`) into a rule tree, or says what is wrong with it and where.
pub(crate) fn read_rules(value: &Value, state: &AppState) -> Result<Group, ApiError> {
    let tree = value
        .get("rules")
        .ok_or_else(|| ApiError::bad_field("rules", "the body needs a \"rules\" group"))?;
    rules::parse(tree, state.settings.currency).map_err(ApiError::Rules)
}

/// A body that carries a rule tree.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct RulesIn {
    rules: RuleGroup,
}

/// The audience of a rule tree right now.
#[derive(Serialize, ToSchema)]
struct Preview {
    /// Customers the rules select.
    count: i64,
    /// Up to 10 of them.
    sample: Vec<CustomerOut>,
}

/// Preview an audience.
///
/// How many customers a rule tree selects right now, with a sample of them. Needs the `read` scope.
#[utoipa::path(post, path = "/segments/preview", tag = "segments", operation_id = "preview_segment",
    request_body(content = RulesIn, content_type = "application/json", example = examples::preview),
    responses(
        (status = 200, description = "The audience.", body = Preview),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<Preview>, ApiError> {
    caller.require(Scope::Read)?;
    let rules = read_rules(&body.value()?, &state)?;
    let now = Timestamp::now();
    let (count, sample) = tokio::try_join!(
        minicrm_audience::count(&state.db, &rules, now),
        minicrm_audience::sample(&state.db, &rules, now, SAMPLE_SIZE)
    )?;
    let exponent = state.settings.currency.exponent();
    Ok(Json(Preview {
        count,
        sample: sample
            .into_iter()
            .map(|c| CustomerOut::new(c, exponent))
            .collect(),
    }))
}
