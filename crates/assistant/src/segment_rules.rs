//! Plain language turned into segment rules: by the model when configured and its rules validate,
//! else by the local parser.

use crate::model::{ModelError, Task};
use crate::{local, vendor_name, Assistant};
use minicrm_domain::{rules, Currency};
use serde::Serialize;
use serde_json::{json, Value};

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
impl Assistant {
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
