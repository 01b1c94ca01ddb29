//! `POST /ai/messages`: three message variants for an objective, the copy following the fields the
//! audience was chosen by.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden, UnprocessableEntity};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_assistant::MessagesAnswer;
use minicrm_domain::campaign::Channel;
use minicrm_domain::rules::{self, Group, RuleGroup};
use minicrm_domain::Scope;
use serde_json::Value;
use utoipa::ToSchema;

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
pub(super) struct MessagesIn {
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
pub(super) async fn messages(
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
