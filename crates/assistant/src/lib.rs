//! minicrm's AI assistance. The local provider does real work offline; Gemini and OpenAI-compatible
//! models are used when configured, their answers parsed into the same typed structures, validated,
//! and replaced by the local answer when they are missing or invalid. Every answer names the provider
//! that made it, and when a model's answer was set aside, why.
#![forbid(unsafe_code)]

pub mod local;
mod messages;
pub mod model;
mod segment_rules;
mod settings;
mod summary;

use model::{Model, Vendor};

pub use messages::MessagesAnswer;
pub use segment_rules::RulesAnswer;
pub use settings::AiSettings;

pub struct Assistant {
    model: Option<Model>,
}

impl Assistant {
    pub fn new(settings: &AiSettings) -> Result<Self, String> {
        Ok(Self {
            model: settings.model()?.map(Model::new),
        })
    }

    /// The provider that answers first: `local`, `gemini` or `openai`.
    pub fn provider(&self) -> &'static str {
        match &self.model {
            None => "local",
            Some(m) => vendor_name(m.settings().vendor),
        }
    }

    /// The model in use, if one is configured.
    pub fn model_name(&self) -> Option<String> {
        self.model.as_ref().map(|m| m.settings().model())
    }
}

fn vendor_name(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Gemini => "gemini",
        Vendor::OpenAi => "openai",
    }
}
