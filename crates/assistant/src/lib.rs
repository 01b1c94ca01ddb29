//! minicrm's AI assistance. The local provider does real work offline; Gemini and OpenAI-compatible
//! models are used when configured, their answers parsed into the same typed structures, validated,
//! and replaced by the local answer when they are missing or invalid. Every answer names the provider
//! that made it, and when a model's answer was set aside, why.
#![forbid(unsafe_code)]

pub mod local;
pub mod model;

use minicrm_domain::{rules, Currency};
use model::{Model, ModelError, ModelSettings, Task, Vendor};
use serde::Serialize;
use serde_json::{json, Value};
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

/// Plain language turned into segment rules.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RulesAnswer {
    /// The rule tree (valid for the API), or null when nothing was understood.
    #[schema(value_type = Option<minicrm_domain::rules::RuleGroup>)]
    pub rules: Option<Value>,
    /// What was understood, one line per condition.
    pub explanation: Vec<String>,
    /// Every part of the prompt that was not understood.
    pub unrecognised: Vec<String>,
    /// `local`, `gemini` or `openai`.
    pub provider: &'static str,
    /// Why the configured model's answer was not used, when it was not.
    pub fallback: Option<String>,
}

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

    /// Plain language → rules, by the model when configured (validated like any rules sent to the
    /// API), else — or when its answer is unusable — by the local parser.
    pub async fn segment_rules(
        &self,
        prompt: &str,
        now: chrono::DateTime<chrono::Utc>,
        currency: Currency,
    ) -> RulesAnswer {
        let local = |fallback: Option<String>| {
            let parsed = local::rules::parse(prompt, now);
            RulesAnswer {
                rules: parsed.rules,
                explanation: parsed.explanation,
                unrecognised: parsed.unrecognised,
                provider: "local",
                fallback,
            }
        };
        let Some(model) = &self.model else {
            return local(None);
        };
        let task = rules_task(prompt, now);
        match model
            .ask(&task)
            .await
            .and_then(|answer| remote_rules(&answer, currency).map_err(ModelError::Malformed))
        {
            Ok((rules, explanation, unrecognised)) => RulesAnswer {
                rules,
                explanation,
                unrecognised,
                provider: vendor_name(model.settings().vendor),
                fallback: None,
            },
            Err(e) => {
                tracing::warn!(error = %e, "the model's segment rules were not usable; answering locally");
                local(Some(e.to_string()))
            }
        }
    }
}

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

fn vendor_name(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Gemini => "gemini",
        Vendor::OpenAi => "openai",
    }
}

const RULES_SYSTEM: &str = "You turn a marketer's description of an audience into segment rules for a \
CRM. Answer only with JSON matching the schema. `rules_json` is a JSON text of the rule tree: a group \
{\"combinator\": \"and\"|\"or\", \"not\"?: true, \"rules\": [condition or group, ...]}; a condition is \
{\"field\", \"operator\", \"value\"}. Use only the fields and operators of the catalogue given. Money is \
in rupees (a number). Dates are ISO 8601 dates. The windows orders_in_last_days and spend_in_last_days \
take {\"days\": N, \"value\": X}. A month is 30 days, a week 7, a quarter 90, a year 365. \
\"Haven't shopped in N days\" is last_order_at older_than_days N. Put one short line per condition in \
`explanation`, and every part of the description you could not express in `unrecognised`, verbatim. If \
nothing can be expressed, make rules_json an empty string.";

fn rules_task(prompt: &str, now: chrono::DateTime<chrono::Utc>) -> Task<'static> {
    let user = json!({
        "description": prompt,
        "now": now.to_rfc3339(),
        "catalogue": rules::catalogue(),
        "attributes": "custom attributes are fields named attributes.<key> (text), e.g. attributes.tier",
    })
    .to_string();
    Task {
        name: "segment_rules",
        system: RULES_SYSTEM,
        user,
        schema: json!({
            "type": "object",
            "properties": {
                "rules_json": {"type": "string"},
                "explanation": {"type": "array", "items": {"type": "string"}},
                "unrecognised": {"type": "array", "items": {"type": "string"}},
            },
        }),
    }
}

type RemoteRules = (Option<Value>, Vec<String>, Vec<String>);

/// Reads a model's rules answer and validates the rules exactly as the API validates a client's.
fn remote_rules(answer: &Value, currency: Currency) -> Result<RemoteRules, String> {
    let texts = |key: &str| -> Result<Vec<String>, String> {
        match answer.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{key} holds a non-text item"))
                })
                .collect(),
            Some(_) => Err(format!("{key} is not a list")),
        }
    };
    let explanation = texts("explanation")?;
    let unrecognised = texts("unrecognised")?;
    let rules = match answer.get("rules_json") {
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => {
            Some(serde_json::from_str::<Value>(s).map_err(|e| format!("rules_json: {e}"))?)
        }
        Some(v @ Value::Object(_)) => Some(v.clone()),
        _ => return Err("no rules_json in the answer".into()),
    };
    if let Some(rules) = &rules {
        rules::parse(rules, currency).map_err(|errors| {
            let first = errors
                .first()
                .map(|e| format!("{}: {}", e.path, e.reason))
                .unwrap_or_default();
            format!(
                "the rules break the schema ({} problem(s); {first})",
                errors.len()
            )
        })?;
    }
    if rules.is_none() && unrecognised.is_empty() {
        return Err("no rules and nothing unrecognised".into());
    }
    Ok((rules, explanation, unrecognised))
}
