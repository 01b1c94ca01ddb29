//! A campaign's summary: the facts, and a text by the model when it uses only numbers from the facts,
//! else the local text.

use crate::model::{ModelError, Task};
use crate::{local, vendor_name, Assistant};
use serde_json::{json, Value};

impl Assistant {
    /// A campaign's summary: the facts, and a text by the model when it uses only numbers from the
    /// facts, else the local text.
    pub async fn summary(&self, facts: local::summary::Facts) -> local::summary::Summary {
        let local_text = local::summary::text(&facts);
        let Some(model) = &self.model else {
            return local::summary::Summary {
                text: local_text,
                facts,
                provider: "local",
                fallback: None,
            };
        };
        let task = Task {
            name: "campaign_summary",
            system: "You summarise a marketing campaign's delivery for a marketer in 3 to 5 plain sentences. \
                Use only the facts given; every number you write must appear in the facts exactly as given \
                (rates are percentages with one decimal). Answer only with JSON matching the schema.",
            user: serde_json::to_string(&facts).expect("facts serialise"),
            schema: json!({"type": "object", "properties": {"text": {"type": "string"}}}),
        };
        let checked = model.ask(&task).await.and_then(|answer| {
            let text = answer
                .get("text")
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| ModelError::Malformed("no text".into()))?
                .trim()
                .to_owned();
            let unfounded = local::summary::unfounded(&text, &facts);
            if unfounded.is_empty() {
                Ok(text)
            } else {
                Err(ModelError::Malformed(format!(
                    "numbers not in the facts: {unfounded:?}"
                )))
            }
        });
        match checked {
            Ok(text) => local::summary::Summary {
                text,
                facts,
                provider: vendor_name(model.settings().vendor),
                fallback: None,
            },
            Err(e) => {
                tracing::warn!(error = %e, "the model's summary was not usable; answering locally");
                local::summary::Summary {
                    text: local_text,
                    facts,
                    provider: "local",
                    fallback: Some(e.to_string()),
                }
            }
        }
    }
}
