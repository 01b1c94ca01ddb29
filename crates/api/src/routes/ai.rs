//! AI assistance: plain language to segment rules, and which provider answers. The answers come from
//! the configured model when there is one and it answers usefully, else from the local provider; each
//! says which.

use crate::body::JsonBody;
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_assistant::local::send_time::{self, SendTime};
use minicrm_assistant::{MessagesAnswer, RulesAnswer};
use minicrm_domain::rules::{self, Group};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::{segments, StoreError};
use serde_json::{json, Value};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(provider))
        .routes(routes!(segment_rules))
        .routes(routes!(send_time))
        .routes(routes!(messages))
}

/// The provider in use (`local`, `gemini`, `openai`) and its model.
#[utoipa::path(get, path = "/ai/provider", tag = "ai", responses((status = 200, description = "the provider")))]
async fn provider(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(json!({
        "provider": state.assistant.provider(),
        "model": state.assistant.model_name(),
    })))
}

const MAX_PROMPT_CHARS: usize = 1_000;

/// `{prompt}` → `{rules, explanation, unrecognised, provider, fallback}`: the rules are valid for
/// `POST /segments/preview` as they are.
#[utoipa::path(post, path = "/ai/segment-rules", tag = "ai", responses((status = 200, description = "the rules and what was understood")))]
async fn segment_rules(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<RulesAnswer>, ApiError> {
    caller.require(Scope::Write)?;
    let body = body.value()?;
    let prompt = match body.get("prompt") {
        Some(Value::String(p)) if !p.trim().is_empty() => p.trim(),
        _ => return Err(ApiError::bad_field("prompt", "prompt is a non-empty text")),
    };
    if prompt.chars().count() > MAX_PROMPT_CHARS {
        return Err(ApiError::bad_field(
            "prompt",
            format!("prompt is at most {MAX_PROMPT_CHARS} characters"),
        ));
    }
    let answer = state
        .assistant
        .segment_rules(prompt, chrono::Utc::now(), state.settings.currency)
        .await;
    Ok(Json(answer))
}

/// How far back the send-time histogram looks: a year of orders, so every season counts once.
const SEND_TIME_WINDOW_MS: i64 = 365 * 86_400_000;

/// `{rules}` or `{segment_id}` → the best hours of the week to reach that audience, from when it
/// orders (Asia/Kolkata), with the histogram and a confidence; the whole base stands in for an
/// audience with few orders. Each slot's `next_at` can be a campaign's `send_at` as it is.
#[utoipa::path(post, path = "/ai/send-time", tag = "ai", responses((status = 200, description = "recommended slots, histogram, confidence")))]
async fn send_time(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<Value>, ApiError> {
    caller.require(Scope::Read)?;
    let value = body.value()?;
    let audience: Group = match value.get("segment_id") {
        Some(Value::String(id)) => {
            let segment = segments::get(&state.db, id).await.map_err(|e| match e {
                StoreError::NotFound => {
                    ApiError::bad_field("segment_id", format!("no segment '{id}'"))
                }
                other => other.into(),
            })?;
            rules::parse(&segment.rules.0, state.settings.currency).map_err(ApiError::Rules)?
        }
        Some(_) => return Err(ApiError::bad_field("segment_id", "segment_id is a text")),
        None => super::segments::read_rules(&value, &state)?,
    };
    let recommendation = recommend(&state, Some(&audience)).await?;
    let mut out = serde_json::to_value(recommendation).expect("serialises");
    out["provider"] = json!("local");
    Ok(Json(out))
}

/// The send-time recommendation for an audience (or everyone), now.
pub(crate) async fn recommend(
    state: &AppState,
    audience: Option<&Group>,
) -> Result<SendTime, ApiError> {
    let now = Timestamp::now();
    let zone = send_time::india();
    let offset = send_time::offset_seconds(zone);
    let since = now.millis() - SEND_TIME_WINDOW_MS;
    let slots = minicrm_segments::order_slots(&state.db, audience, now, since, offset).await?;
    let histogram = send_time::from_epoch_slots(&as_counts(&slots));
    let everyone =
        if histogram.iter().flatten().sum::<u64>() < send_time::MIN_ORDERS && audience.is_some() {
            let all = minicrm_segments::order_slots(&state.db, None, now, since, offset).await?;
            send_time::from_epoch_slots(&as_counts(&all))
        } else {
            histogram
        };
    let utc = chrono::DateTime::from_timestamp_millis(now.millis()).expect("now is a time");
    Ok(send_time::recommend(
        histogram,
        || everyone,
        utc,
        zone,
        "Asia/Kolkata",
    ))
}

fn as_counts(slots: &[(i64, i64)]) -> Vec<(i64, u64)> {
    slots.iter().map(|&(s, n)| (s, n.max(0) as u64)).collect()
}

/// The field names a rule tree tests, to let message copy follow the audience (its city, its spend).
fn fields_of(group: &Group, out: &mut Vec<String>) {
    for rule in &group.rules {
        match rule {
            rules::Rule::Group(g) => fields_of(g, out),
            rules::Rule::Condition(c) => out.push(match &c.subject {
                rules::Subject::Field(f) => f.spec().name.to_owned(),
                rules::Subject::Attribute(key) => format!("attributes.{key}"),
            }),
        }
    }
}

/// `{objective, channel, tone?, rules?}` → three distinct variants fit for the channel (an SMS within
/// 160 characters for any customer, an e-mail with a subject), using only variables the template
/// engine accepts.
#[utoipa::path(post, path = "/ai/messages", tag = "ai", responses((status = 200, description = "three variants")))]
async fn messages(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<MessagesAnswer>, ApiError> {
    caller.require(Scope::Write)?;
    let value = body.value()?;
    let objective = match value.get("objective") {
        Some(Value::String(o)) if !o.trim().is_empty() && o.chars().count() <= 200 => o.trim(),
        _ => {
            return Err(ApiError::bad_field(
                "objective",
                "objective is a text of 1 to 200 characters, such as \"win-back\"",
            ))
        }
    };
    let channel = match value.get("channel").and_then(Value::as_str) {
        Some(c) => minicrm_domain::campaign::Channel::parse(c).ok_or_else(|| {
            ApiError::bad_field(
                "channel",
                format!("'{c}' is not a channel (sms, email, whatsapp)"),
            )
        })?,
        None => {
            return Err(ApiError::bad_field(
                "channel",
                "channel is one of sms, email, whatsapp",
            ))
        }
    };
    let tone = match value.get("tone") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t.chars().count() <= 40 => Some(t.as_str()),
        Some(_) => {
            return Err(ApiError::bad_field(
                "tone",
                "tone is a short text, such as \"friendly\" or \"urgent\"",
            ))
        }
    };
    let mut fields = Vec::new();
    if let Some(tree) = value.get("rules").filter(|r| !r.is_null()) {
        let group = rules::parse(tree, state.settings.currency).map_err(ApiError::Rules)?;
        fields_of(&group, &mut fields);
    }
    Ok(Json(
        state
            .assistant
            .messages(objective, channel, tone, &fields)
            .await,
    ))
}
