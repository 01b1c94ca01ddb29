//! How a client's request becomes a campaign: the body as sent, and its parsing, every bad field
//! reported.

use super::{Audience, Channel, MessageTemplate, NewCampaign, Problem};
use crate::{Currency, Timestamp};
use serde::Deserialize;
use serde_json::Value;

/// A campaign as a client asks for it: its audience is a saved segment (`segment_id`) or rules, not
/// both. Null is the same as absent, but for `tags`.
// Read by `NewCampaign::parse`, which reports every bad field.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignIn {
    #[schema(value_type = String, required = true, min_length = 1, max_length = 200)]
    name: Option<String>,
    /// A saved segment; its rules are copied into the campaign.
    #[schema(min_length = 1)]
    segment_id: Option<String>,
    #[schema(value_type = Option<crate::rules::RuleGroup>)]
    rules: Option<Value>,
    #[schema(value_type = Channel, required = true)]
    channel: Option<String>,
    /// E-mail only, and required there: a template like `message`, up to 200 characters.
    #[schema(max_length = 200)]
    subject: Option<String>,
    /// A Liquid template with the personalisation variables (`GET /api/v1/campaigns/variables`),
    /// such as `Hi {{first_name | default: "there"}}`.
    #[schema(value_type = String, required = true)]
    message: Option<String>,
    /// What the campaign is for (`win-back`, `festive sale`, …); it earns tags and shapes the summary.
    #[schema(max_length = 200)]
    objective: Option<String>,
    /// Up to 20 tags of 1 to 50 characters; more are earned from the audience and the objective.
    #[serde(default)]
    #[schema(max_items = 20)]
    tags: Vec<String>,
    /// When to send (RFC 3339): from now up to a year ahead. Absent: now.
    #[schema(format = DateTime)]
    send_at: Option<String>,
}

/// A scheduled time may be this far in the past (clock skew) or in the future.
const SEND_AT_SKEW_MS: i64 = 60_000;
const SEND_AT_HORIZON_MS: i64 = 366 * 24 * 3_600_000;

impl NewCampaign {
    /// Reads a campaign from its JSON and reports every bad field. `rules` go through the same
    /// validation as segments (amounts in `currency`); a rules problem is reported with its JSON path
    /// under `rules`.
    pub fn parse(body: &[u8], now: Timestamp, currency: Currency) -> Result<Self, Vec<Problem>> {
        let input: CampaignIn = serde_json::from_slice(body).map_err(|e| {
            vec![Problem {
                field: String::new(),
                reason: format!("the body is not a campaign: {e}"),
            }]
        })?;
        let mut problems = Vec::new();
        let mut bad = |field: &str, reason: String| {
            problems.push(Problem {
                field: field.to_owned(),
                reason,
            })
        };
        let name = input.name.as_deref().map(str::trim).unwrap_or_default();
        if !(1..=200).contains(&name.chars().count()) {
            bad("name", "a name of 1 to 200 characters is required".into());
        }
        let channel = match input.channel.as_deref() {
            None => {
                bad("channel", "required: sms, email or whatsapp".into());
                None
            }
            Some(c) => Channel::parse(c).or_else(|| {
                bad(
                    "channel",
                    format!("'{c}' is not a channel: sms, email or whatsapp"),
                );
                None
            }),
        };
        let audience = match (input.segment_id, input.rules) {
            (Some(_), Some(_)) => {
                bad("segment_id", "give segment_id or rules, not both".into());
                None
            }
            (None, None) => {
                bad(
                    "segment_id",
                    "an audience is required: segment_id or rules".into(),
                );
                None
            }
            (Some(id), None) if id.trim().is_empty() => {
                bad("segment_id", "must not be empty".into());
                None
            }
            (Some(id), None) => Some(Audience::Segment(id)),
            (None, Some(rules)) => match crate::rules::parse(&rules, currency) {
                Ok(group) => Some(Audience::Rules(group, rules)),
                Err(errors) => {
                    problems.extend(errors.into_iter().map(|e| Problem {
                        field: format!("rules{}", e.path.trim_end_matches('/')),
                        reason: e.reason,
                    }));
                    None
                }
            },
        };
        let mut bad = |field: &str, reason: String| {
            problems.push(Problem {
                field: field.to_owned(),
                reason,
            })
        };
        let message = input.message.unwrap_or_default();
        let template = match MessageTemplate::parse(&message) {
            Ok(t) => Some(t),
            Err(e) => {
                bad("message", e.to_string());
                None
            }
        };
        let subject = input.subject.map(|s| s.trim().to_owned());
        match (channel, &subject) {
            (Some(Channel::Email), None) => {
                bad("subject", "an e-mail campaign needs a subject".into())
            }
            (Some(Channel::Email), Some(s)) => {
                if let Err(e) = MessageTemplate::parse(s) {
                    bad("subject", e.to_string());
                } else if s.chars().count() > 200 {
                    bad(
                        "subject",
                        "the subject is longer than 200 characters".into(),
                    );
                }
            }
            (Some(_), Some(_)) => bad("subject", "only e-mail campaigns have a subject".into()),
            _ => {}
        }
        let objective = input
            .objective
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty());
        if objective.as_ref().is_some_and(|o| o.chars().count() > 200) {
            bad(
                "objective",
                "the objective is longer than 200 characters".into(),
            );
        }
        if input.tags.len() > 20 {
            bad("tags", "at most 20 tags".into());
        }
        let mut tags = Vec::new();
        for (i, tag) in input.tags.iter().enumerate() {
            let tag = tag.trim();
            if !(1..=50).contains(&tag.chars().count()) {
                bad(&format!("tags[{i}]"), "a tag has 1 to 50 characters".into());
            } else if !tags.iter().any(|t: &String| t.eq_ignore_ascii_case(tag)) {
                tags.push(tag.to_owned());
            }
        }
        let send_at = match input.send_at.as_deref() {
            None => None,
            Some(text) => match Timestamp::parse(text) {
                Err(e) => {
                    bad("send_at", e);
                    None
                }
                Ok(at) if at.millis() < now.millis() - SEND_AT_SKEW_MS => {
                    bad(
                        "send_at",
                        "the time has passed; leave send_at out to send now".into(),
                    );
                    None
                }
                Ok(at) if at.millis() > now.millis() + SEND_AT_HORIZON_MS => {
                    bad("send_at", "at most a year ahead".into());
                    None
                }
                Ok(at) => Some(at),
            },
        };
        match (channel, audience, template) {
            (Some(channel), Some(audience), Some(template)) if problems.is_empty() => Ok(Self {
                name: name.to_owned(),
                audience,
                channel,
                subject: if channel == Channel::Email {
                    subject
                } else {
                    None
                },
                message,
                template,
                objective,
                tags,
                send_at,
            }),
            _ => Err(problems),
        }
    }
}
