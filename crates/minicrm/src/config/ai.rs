//! The AI assistant: which provider answers (local by default, offline), its key, address, model
//! and patience.

use clap::Args;
use secrecy::SecretString;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct AiArgs {
    /// The AI provider: local (offline, the default), gemini, or openai (any OpenAI-compatible
    /// server: OpenAI, Ollama, vLLM, llama.cpp).
    #[arg(
        long,
        env = "MINICRM_AI_PROVIDER",
        default_value = "local",
        global = true
    )]
    pub ai_provider: String,
    /// The AI provider's API key.
    #[arg(
        long,
        env = "MINICRM_AI_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub ai_api_key: Option<SecretString>,
    /// The AI provider's base URL (e.g. http://127.0.0.1:11434/v1 for Ollama). Unset: the vendor's own.
    #[arg(long, env = "MINICRM_AI_BASE_URL", global = true)]
    pub ai_base_url: Option<String>,
    /// The model (default gemini-2.0-flash or gpt-4o-mini).
    #[arg(long, env = "MINICRM_AI_MODEL", global = true)]
    pub ai_model: Option<String>,
    /// Seconds to wait for the model before trying once more, then answering locally.
    #[arg(
        long,
        env = "MINICRM_AI_TIMEOUT_SECS",
        default_value_t = 20,
        global = true
    )]
    pub ai_timeout_secs: u64,
}

impl AiArgs {
    /// Which AI provider answers; a provider that cannot work as configured is an error here.
    pub fn settings(&self) -> anyhow::Result<minicrm_assistant::AiSettings> {
        let settings = minicrm_assistant::AiSettings {
            provider: self.ai_provider.clone(),
            api_key: self.ai_api_key.clone(),
            base_url: self.ai_base_url.clone(),
            model: self.ai_model.clone(),
            timeout: Duration::from_secs(self.ai_timeout_secs.max(1)),
        };
        settings
            .model()
            .map_err(|e| anyhow::anyhow!("MINICRM_AI_PROVIDER: {e}"))?;
        Ok(settings)
    }
}
