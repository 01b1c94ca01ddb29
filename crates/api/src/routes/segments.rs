//! Segments: the field catalogue the rule builder needs, and the audience preview — how many customers
//! a rule tree selects right now, with a sample of them.

use crate::body::JsonBody;
use crate::output::CustomerOut;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_domain::rules::{self, Group};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::customers;
use serde::Serialize;
use serde_json::{json, Value};
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

#[utoipa::path(get, path = "/segments/fields", tag = "segments")]
async fn fields(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Read)?;
    let cities = customers::top_cities(&state.db, CITY_VALUES).await?;
    let keys = customers::attribute_keys(&state.db, ATTRIBUTE_SAMPLE).await?;
    let mut fields: Vec<Value> = rules::catalogue()
        .into_iter()
        .map(|spec| json!(spec))
        .collect();
    if let Some(city) = fields.iter_mut().find(|f| f["name"] == "city") {
        city["values"] = cities
            .into_iter()
            .map(|(name, customers)| json!({"value": name, "customers": customers}))
            .collect();
    }
    let text_operators = json!(rules::Kind::Text.operators());
    fields.extend(keys.into_iter().map(|key| {
        json!({"name": format!("attributes.{key}"), "label": key, "type": "text", "operators": text_operators, "custom": true})
    }));
    Ok(Json(json!({"fields": fields})))
}

/// Reads the `rules` of a body (`{"rules": …}`) into a rule tree, or says what is wrong with it and where.
pub(crate) fn read_rules(value: &Value, state: &AppState) -> Result<Group, ApiError> {
    let tree = value
        .get("rules")
        .ok_or_else(|| ApiError::bad_field("rules", "the body needs a \"rules\" group"))?;
    rules::parse(tree, state.settings.currency).map_err(ApiError::Rules)
}

#[derive(Serialize)]
struct Preview {
    count: i64,
    sample: Vec<CustomerOut>,
}

#[utoipa::path(post, path = "/segments/preview", tag = "segments")]
async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<Preview>, ApiError> {
    caller.require(Scope::Read)?;
    let rules = read_rules(&body.value()?, &state)?;
    let now = Timestamp::now();
    let (count, sample) = tokio::try_join!(
        minicrm_segments::count(&state.db, &rules, now),
        minicrm_segments::sample(&state.db, &rules, now, SAMPLE_SIZE)
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
