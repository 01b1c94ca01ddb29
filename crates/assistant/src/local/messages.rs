//! Three message variants for a campaign objective, written for the channel: an SMS that fits one
//! 160-character message for any customer, a WhatsApp message with a little more room, an e-mail with a
//! subject. Each variant takes a different angle (personal, offer-led, urgent) and uses only the
//! personalisation variables the template engine accepts; every variant is checked by that engine.

use minicrm_domain::campaign::Channel;
use serde::Serialize;

mod check;
mod copy;
mod reading;

pub use check::check;
use copy::{copies, greet, sign_off};
pub use reading::{Objective, Tone};

/// The longest an SMS may render to (one GSM segment's worth of characters).
pub const SMS_LIMIT: usize = 160;
/// The longest an e-mail subject may be.
pub const SUBJECT_LIMIT: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Variant {
    /// The angle: what sets this variant apart.
    pub angle: String,
    /// E-mail only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A template, as a campaign's `message`.
    pub message: String,
    /// Characters of the longest rendering for the test recipients.
    pub max_chars: usize,
}

/// Three distinct variants, each checked; `uses_city` lets the copy mention the customer's city
/// (when the audience is chosen by city), `high_value` their spend.
pub fn variants(
    objective: &str,
    channel: Channel,
    tone: Option<&str>,
    uses_city: bool,
    high_value: bool,
) -> Vec<Variant> {
    let tone = Tone::read(tone);
    let objective = Objective::read(objective);
    copies(objective)
        .into_iter()
        .map(|copy| {
            let body = if channel == Channel::Sms {
                copy.short
            } else {
                copy.long
            };
            let city = if uses_city && channel != Channel::Sms {
                " in {{city | default: \"your city\"}}"
            } else {
                ""
            };
            let spend = if high_value {
                " and {{total_spend}} of shopping"
            } else {
                ""
            };
            let since = " (your last was on {{last_order_date | default: \"a while ago\"}})";
            let message = body
                .replace("{greet}", greet(tone))
                .replace("{city}", city)
                .replace("{spend}", spend)
                .replace("{since}", since)
                + sign_off(tone, channel);
            let subject = (channel == Channel::Email).then(|| copy.subject.to_owned());
            let mut variant = Variant {
                angle: copy.angle.to_owned(),
                subject,
                message,
                max_chars: 0,
            };
            variant.max_chars = check(&variant, channel)
                .unwrap_or_else(|e| panic!("a local variant is unfit ({e}): {}", variant.message));
            variant
        })
        .collect()
}

#[cfg(test)]
mod tests;
