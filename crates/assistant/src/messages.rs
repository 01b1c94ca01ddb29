//! Message variants for an objective: by the model when every variant it writes passes the template
//! engine and the channel's limits, else by the local writer.

use crate::model::{ModelError, Task};
use crate::{local, vendor_name, Assistant};
use serde::Serialize;
use serde_json::{json, Value};

/// Three message variants for an objective.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MessagesAnswer {
    /// The objective as understood.
    pub objective: local::messages::Objective,
    /// Three variants with different angles.
    pub variants: Vec<local::messages::Variant>,
    /// `local`, `gemini` or `openai`.
    pub provider: &'static str,
    /// Why the configured model's answer was not used, when it was not.
    pub fallback: Option<String>,
}

const MESSAGES_SYSTEM: &str = "You write marketing messages for an Indian D2C brand's CRM. Answer only with \
JSON matching the schema: exactly three variants with clearly different angles. Personalise only with \
these Liquid variables: {{first_name}}, {{name}}, {{city}}, {{total_spend}}, {{order_count}}, \
{{last_order_date}}, {{email}}; give each a default, as {{first_name | default: \"there\"}}. An SMS must \
stay within 160 characters even for long names; WhatsApp may be longer and use line breaks; an e-mail \
needs a subject of at most 80 characters (subject is empty for other channels). No links, no made-up \
discount codes unless the objective gives one.";
impl Assistant {
    /// Three variants for `objective` on `channel`, by the model when configured and every variant it
    /// writes passes the template engine and the channel's limits, else by the local writer.
    pub async fn messages(
        &self,
        objective: &str,
        channel: minicrm_domain::campaign::Channel,
        tone: Option<&str>,
        audience_fields: &[String],
    ) -> MessagesAnswer {
        let uses_city = audience_fields.iter().any(|f| f == "city");
        let high_value = audience_fields
            .iter()
            .any(|f| f == "total_spend" || f == "avg_order_value" || f == "attributes.tier");
        let kind = local::messages::Objective::read(objective);
        let local = |fallback: Option<String>| MessagesAnswer {
            objective: kind,
            variants: local::messages::variants(objective, channel, tone, uses_city, high_value),
            provider: "local",
            fallback,
        };
        let Some(model) = &self.model else {
            return local(None);
        };
        let task = Task {
            name: "message_variants",
            system: MESSAGES_SYSTEM,
            user: json!({"objective": objective, "channel": channel.as_str(), "tone": tone.unwrap_or("friendly"),
                "audience_chosen_by": audience_fields}).to_string(),
            schema: json!({"type": "object", "properties": {"variants": {"type": "array", "items": {
                "type": "object", "properties": {"angle": {"type": "string"}, "subject": {"type": "string"}, "message": {"type": "string"}}}}}}),
        };
        let checked = model
            .ask(&task)
            .await
            .and_then(|answer| remote_variants(&answer, channel).map_err(ModelError::Malformed));
        match checked {
            Ok(variants) => MessagesAnswer {
                objective: kind,
                variants,
                provider: vendor_name(model.settings().vendor),
                fallback: None,
            },
            Err(e) => {
                tracing::warn!(error = %e, "the model's message variants were not usable; answering locally");
                local(Some(e.to_string()))
            }
        }
    }
}

/// Reads a model's variants and checks each as the local ones are checked.
fn remote_variants(
    answer: &Value,
    channel: minicrm_domain::campaign::Channel,
) -> Result<Vec<local::messages::Variant>, String> {
    let items = answer
        .get("variants")
        .and_then(Value::as_array)
        .ok_or("no variants")?;
    if items.len() != 3 {
        return Err(format!("{} variants instead of 3", items.len()));
    }
    let mut variants: Vec<local::messages::Variant> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let text = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("")
                .to_owned()
        };
        let subject = text("subject");
        let mut variant = local::messages::Variant {
            angle: text("angle"),
            subject: (channel == minicrm_domain::campaign::Channel::Email && !subject.is_empty())
                .then_some(subject),
            message: text("message"),
            max_chars: 0,
        };
        variant.max_chars = local::messages::check(&variant, channel)
            .map_err(|e| format!("variant {}: {e}", i + 1))?;
        if variants.iter().any(|v| v.message == variant.message) {
            return Err(format!("variant {} repeats another", i + 1));
        }
        variants.push(variant);
    }
    Ok(variants)
}
