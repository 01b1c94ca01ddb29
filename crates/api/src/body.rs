//! `JsonBody`: the raw bytes of a JSON request body, refused early when the content type is wrong, the
//! body exceeds the configured limit, or a text in it holds a NUL character (`\u0000`, which
//! PostgreSQL can store in neither text nor JSON). Parsing happens in the domain, row by row.

use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;

pub struct JsonBody(pub Bytes);

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = state.settings.max_body_bytes;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError::TooLarge(limit));
        }
        let bytes = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| ApiError::TooLarge(limit))?;
        refuse_nul(&bytes)?;
        Ok(JsonBody(bytes))
    }
}

/// Refuses a body with a NUL character in a text or a key, naming its JSON pointer. NUL can only be
/// written as the escape `\u0000` in JSON, so most bodies are passed by a scan of their bytes.
fn refuse_nul(bytes: &[u8]) -> Result<(), ApiError> {
    if !bytes.windows(6).any(|w| w == b"\\u0000") {
        return Ok(());
    }
    // Not JSON: the handler says so, with its own detail.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(());
    };
    match nul_pointer(&value).as_deref() {
        Some("") => Err(crate::params::nul_in("the body")),
        Some(pointer) => Err(crate::params::nul_in(pointer)),
        None => Ok(()),
    }
}

/// The JSON pointer of the first text (or key) holding a NUL character.
fn nul_pointer(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::String(s) if s.contains('\0') => Some(String::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_pointer(v).map(|p| format!("/{i}{p}"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(format!("/{}", escape(k)));
            }
            nul_pointer(v).map(|p| format!("/{}{p}", escape(k)))
        }),
        _ => None,
    }
}

impl JsonBody {
    /// The body as one JSON value, for small request objects the handler reads field by field.
    pub fn value(&self) -> Result<serde_json::Value, ApiError> {
        json(&self.0)
    }
}

/// `bytes` as one JSON value; not JSON is a 400 that says why.
pub fn json(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest {
        detail: format!("the body is not valid JSON: {e}"),
        field: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_nul_character_is_found_by_its_pointer() {
        let body = json!([{"name": "ok"}, {"attributes": {"a/b": "x\u{0}y"}}]);
        assert_eq!(nul_pointer(&body).as_deref(), Some("/1/attributes/a~1b"));
        assert_eq!(
            nul_pointer(&json!({"k\u{0}": 1})).as_deref(),
            Some("/k\u{0}")
        );
        assert_eq!(nul_pointer(&json!({"name": "\\u0000 is only text"})), None);
        assert!(refuse_nul(br#"{"name": "a\u0000b"}"#).is_err());
        assert!(refuse_nul(br#"{"name": "a\\u0000b"}"#).is_ok());
    }
}
