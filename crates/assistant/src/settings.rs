//! Which provider answers: the AI settings and the model they name, if any.

use crate::model::{ModelSettings, Vendor};
use std::time::Duration;

/// Which provider answers, from `MINICRM_AI_PROVIDER` and its companions.
#[derive(Debug, Clone)]
pub struct AiSettings {
    /// `local`, `gemini` or `openai`.
    pub provider: String,
    pub api_key: Option<secrecy::SecretString>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub timeout: Duration,
}

impl Default for AiSettings {
    fn default() -> Self {
        Self {
            provider: "local".into(),
            api_key: None,
            base_url: None,
            model: None,
            timeout: Duration::from_secs(20),
        }
    }
}

impl AiSettings {
    /// The remote model to use, if any; an unknown provider is an error.
    pub fn model(&self) -> Result<Option<ModelSettings>, String> {
        let vendor = match self.provider.trim().to_ascii_lowercase().as_str() {
            "" | "local" => return Ok(None),
            "gemini" => Vendor::Gemini,
            "openai" => Vendor::OpenAi,
            other => {
                return Err(format!(
                    "'{other}' is not an AI provider (local, gemini, openai)"
                ))
            }
        };
        let key = self
            .api_key
            .clone()
            .filter(|k| !secrecy::ExposeSecret::expose_secret(k).trim().is_empty());
        if vendor == Vendor::Gemini && key.is_none() {
            return Err("the gemini provider needs MINICRM_AI_API_KEY".into());
        }
        if vendor == Vendor::OpenAi && key.is_none() && self.base_url.is_none() {
            return Err(
                "the openai provider needs MINICRM_AI_API_KEY, or MINICRM_AI_BASE_URL for a local server"
                    .into(),
            );
        }
        Ok(Some(ModelSettings {
            vendor,
            api_key: key,
            base_url: self.base_url.clone().filter(|u| !u.trim().is_empty()),
            model: self.model.clone().filter(|m| !m.trim().is_empty()),
            timeout: self.timeout,
        }))
    }
}
