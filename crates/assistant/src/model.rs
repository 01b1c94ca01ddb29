//! The remote models: Gemini (`generateContent` with a JSON response schema) and any OpenAI-compatible
//! server (chat completions with a JSON schema: OpenAI, Ollama, vLLM, llama.cpp). Each request has a
//! timeout and is tried once more after a timeout, a 429 or a 5xx. The answer is the JSON object the
//! model wrote; checking what it means is the caller's work.

use serde_json::{json, Value};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Gemini,
    OpenAi,
}

#[derive(Debug, Clone)]
pub struct ModelSettings {
    pub vendor: Vendor,
    pub api_key: Option<secrecy::SecretString>,
    /// The API's base URL: Gemini's or OpenAI's public one when not given.
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub timeout: Duration,
}

impl ModelSettings {
    pub fn base_url(&self) -> String {
        let default = match self.vendor {
            Vendor::Gemini => "https://generativelanguage.googleapis.com/v1beta",
            Vendor::OpenAi => "https://api.openai.com/v1",
        };
        self.base_url
            .as_deref()
            .unwrap_or(default)
            .trim_end_matches('/')
            .to_owned()
    }

    pub fn model(&self) -> String {
        let default = match self.vendor {
            Vendor::Gemini => "gemini-2.0-flash",
            Vendor::OpenAi => "gpt-4o-mini",
        };
        self.model.clone().unwrap_or_else(|| default.to_owned())
    }
}

/// Why a model gave no usable JSON.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the model's API answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("the model could not be reached: {0}")]
    Transport(String),
    #[error("the model's answer is not the JSON asked for: {0}")]
    Malformed(String),
}

impl ModelError {
    fn retryable(&self) -> bool {
        match self {
            ModelError::Timeout(_) | ModelError::Transport(_) => true,
            ModelError::Status { status, .. } => *status == 429 || *status >= 500,
            ModelError::Malformed(_) => false,
        }
    }
}

/// One thing to ask: instructions, the question, and the JSON schema of the answer (a flat object
/// schema of the subset both vendors accept: object, array, string, number, integer, boolean).
pub struct Task<'a> {
    pub name: &'a str,
    pub system: &'a str,
    pub user: String,
    pub schema: Value,
}

pub struct Model {
    settings: ModelSettings,
    http: reqwest::Client,
}

impl Model {
    pub fn new(settings: ModelSettings) -> Self {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .expect("an HTTP client");
        Self { settings, http }
    }

    pub fn settings(&self) -> &ModelSettings {
        &self.settings
    }

    /// Asks once, and once more after a failure worth retrying.
    pub async fn ask(&self, task: &Task<'_>) -> Result<Value, ModelError> {
        match self.ask_once(task).await {
            Err(e) if e.retryable() => {
                tracing::info!(error = %e, task = task.name, "the model failed; trying once more");
                tokio::time::sleep(Duration::from_millis(300)).await;
                self.ask_once(task).await
            }
            other => other,
        }
    }

    async fn ask_once(&self, task: &Task<'_>) -> Result<Value, ModelError> {
        let (request, pointer) = match self.settings.vendor {
            Vendor::Gemini => (self.gemini(task), "/candidates/0/content/parts/0/text"),
            Vendor::OpenAi => (self.openai(task), "/choices/0/message/content"),
        };
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| self.transport(e))?;
        if !status.is_success() {
            return Err(ModelError::Status {
                status: status.as_u16(),
                body: body.chars().take(300).collect(),
            });
        }
        let envelope: Value = serde_json::from_str(&body)
            .map_err(|e| ModelError::Malformed(format!("the API's answer: {e}")))?;
        let text = envelope
            .pointer(pointer)
            .and_then(Value::as_str)
            .ok_or_else(|| ModelError::Malformed(format!("no text at {pointer}")))?;
        let answer: Value = serde_json::from_str(strip_fences(text))
            .map_err(|e| ModelError::Malformed(format!("{e}: {}", clip(text))))?;
        if !answer.is_object() {
            return Err(ModelError::Malformed(format!(
                "not an object: {}",
                clip(text)
            )));
        }
        Ok(answer)
    }

    fn transport(&self, e: reqwest::Error) -> ModelError {
        if e.is_timeout() {
            ModelError::Timeout(self.settings.timeout)
        } else {
            ModelError::Transport(e.to_string())
        }
    }

    fn gemini(&self, task: &Task<'_>) -> reqwest::RequestBuilder {
        let url = format!(
            "{}/models/{}:generateContent",
            self.settings.base_url(),
            self.settings.model()
        );
        let body = json!({
            "systemInstruction": {"parts": [{"text": task.system}]},
            "contents": [{"role": "user", "parts": [{"text": task.user}]}],
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseSchema": task.schema,
                "temperature": 0.4,
            },
        });
        let request = self.http.post(url).json(&body);
        match &self.settings.api_key {
            Some(key) => {
                request.header("x-goog-api-key", secrecy::ExposeSecret::expose_secret(key))
            }
            None => request,
        }
    }

    fn openai(&self, task: &Task<'_>) -> reqwest::RequestBuilder {
        let url = format!("{}/chat/completions", self.settings.base_url());
        let body = json!({
            "model": self.settings.model(),
            "temperature": 0.4,
            "messages": [
                {"role": "system", "content": task.system},
                {"role": "user", "content": task.user},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": task.name, "strict": true, "schema": strict(&task.schema)},
            },
        });
        let request = self.http.post(url).json(&body);
        match &self.settings.api_key {
            Some(key) => request.bearer_auth(secrecy::ExposeSecret::expose_secret(key)),
            None => request,
        }
    }
}

/// OpenAI's strict mode wants every property required and no others allowed, at every level.
fn strict(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut() {
        if let Some(Value::Object(properties)) = object.get("properties") {
            let names: Vec<Value> = properties.keys().map(|k| json!(k)).collect();
            let properties: serde_json::Map<String, Value> = properties
                .iter()
                .map(|(k, v)| (k.clone(), strict(v)))
                .collect();
            object.insert("properties".into(), Value::Object(properties));
            object.insert("required".into(), Value::Array(names));
            object.insert("additionalProperties".into(), json!(false));
        }
        if let Some(items) = object.get("items").map(strict) {
            object.insert("items".into(), items);
        }
    }
    schema
}

/// Models sometimes wrap JSON in a Markdown fence despite being asked not to.
fn strip_fences(text: &str) -> &str {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("```") else {
        return t;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

fn clip(text: &str) -> String {
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests;
