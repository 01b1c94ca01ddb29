//! AI assistance: plain language to segment rules, and which provider answers. The answers come from
//! the configured model when there is one and it answers usefully, else from the local provider; each
//! says which.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden, UnprocessableEntity};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_assistant::local::send_time::{self, SendTime};
use minicrm_assistant::{MessagesAnswer, RulesAnswer};
use minicrm_domain::campaign::Channel;
use minicrm_domain::rules::{self, Group, RuleGroup};
use minicrm_domain::{Scope, Timestamp};
use minicrm_store::{segments, StoreError};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(provider))
        .routes(routes!(segment_rules))
        .routes(routes!(send_time))
        .routes(routes!(messages))
}

/// The AI provider that answers.
#[derive(Serialize, ToSchema)]
struct ProviderOut {
    /// `local`, `gemini` or `openai`.
    provider: &'static str,
    /// The configured model; null for the local provider.
    model: Option<String>,
}

/// The AI provider in use.
///
/// The provider in use (`local`, `gemini`, `openai`) and its model. Needs the `read` scope.
#[utoipa::path(get, path = "/ai/provider", tag = "ai", operation_id = "ai_provider",
    responses(
        (status = 200, description = "The provider.", body = ProviderOut),
        (status = 403, response = Forbidden),
    ))]
async fn provider(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ProviderOut>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(ProviderOut {
        provider: state.assistant.provider(),
        model: state.assistant.model_name(),
    }))
}

/// A sentence to read as segment rules.
#[derive(ToSchema)]
#[allow(dead_code)]
struct PromptIn {
    /// Plain language, such as "haven't shopped in 6 months and spent over ₹5K".
    #[schema(min_length = 1, max_length = 1000)]
    prompt: String,
}

const MAX_PROMPT_CHARS: usize = 1_000;

/// Segment rules from a sentence.
///
/// `{prompt}` → `{rules, explanation, unrecognised, provider, fallback}`: the rules are valid for
/// `POST /segments/preview` as they are. Needs the `write` scope.
#[utoipa::path(post, path = "/ai/segment-rules", tag = "ai", operation_id = "ai_segment_rules",
    request_body(content = PromptIn, content_type = "application/json", example = examples::prompt),
    responses(
        (status = 200, description = "The rules and what was understood.", body = RulesAnswer),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
    ))]
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

/// The audience to time: a saved segment, or rules (`segment_id` wins when both are sent).
#[derive(serde::Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum SendTimeIn {
    Segment { segment_id: String },
    Rules { rules: RuleGroup },
}

/// The recommendation, and who made it.
#[derive(Serialize, ToSchema)]
struct SendTimeOut {
    #[serde(flatten)]
    recommendation: SendTime,
    /// Always `local`: computed from the audience's own orders.
    provider: &'static str,
}

/// The best time to send to an audience.
///
/// `{rules}` or `{segment_id}` → the best hours of the week to reach that audience, from when it
/// orders (Asia/Kolkata), with the histogram and a confidence; the whole base stands in for an
/// audience with few orders. Each slot's `next_at` can be a campaign's `send_at` as it is. Needs the
/// `read` scope.
#[utoipa::path(post, path = "/ai/send-time", tag = "ai", operation_id = "ai_send_time",
    request_body(content = SendTimeIn, content_type = "application/json", example = examples::send_time),
    responses(
        (status = 200, description = "Recommended slots, the histogram, a confidence.", body = SendTimeOut),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
    ))]
async fn send_time(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Json<SendTimeOut>, ApiError> {
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
    Ok(Json(SendTimeOut {
        recommendation: recommend(&state, Some(&audience)).await?,
        provider: "local",
    }))
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
    let slots = minicrm_audience::order_slots(&state.db, audience, now, since, offset).await?;
    let histogram = send_time::from_epoch_slots(&as_counts(&slots));
    let everyone =
        if histogram.iter().flatten().sum::<u64>() < send_time::MIN_ORDERS && audience.is_some() {
            let all = minicrm_audience::order_slots(&state.db, None, now, since, offset).await?;
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

/// What the message variants are for.
#[derive(ToSchema)]
#[allow(dead_code)]
struct MessagesIn {
    /// Such as "win-back" or "Diwali sale".
    #[schema(min_length = 1, max_length = 200)]
    objective: String,
    channel: Channel,
    /// Such as "friendly" or "urgent".
    #[schema(max_length = 40)]
    tone: Option<String>,
    /// The audience, so that the copy can follow it (its city, its spend).
    rules: Option<RuleGroup>,
}

/// Three message variants for an objective.
///
/// `{objective, channel, tone?, rules?}` → three distinct variants fit for the channel (an SMS within
/// 160 characters for any customer, an e-mail with a subject), using only variables the template
/// engine accepts. Needs the `write` scope.
#[utoipa::path(post, path = "/ai/messages", tag = "ai", operation_id = "ai_messages",
    request_body(content = MessagesIn, content_type = "application/json", example = examples::messages),
    responses(
        (status = 200, description = "Three variants.", body = MessagesAnswer),
        (status = 400, response = BadRequest),
        (status = 403, response = Forbidden),
        (status = 422, response = UnprocessableEntity),
    ))]
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
        Some(c) => Channel::parse(c).ok_or_else(|| {
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
