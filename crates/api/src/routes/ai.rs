//! AI assistance: plain language to segment rules, and which provider answers. The answers come from
//! the configured model when there is one and it answers usefully, else from the local provider; each
//! says which.

use crate::body::JsonBody;
use crate::openapi::{examples, BadRequest, Forbidden};
use crate::{ApiError, AppState, Caller};
use axum::extract::State;
use axum::Json;
use minicrm_assistant::RulesAnswer;
use minicrm_domain::Scope;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

mod messages;
mod send_time;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(provider))
        .routes(routes!(segment_rules))
        .routes(routes!(send_time::send_time))
        .routes(routes!(messages::messages))
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
