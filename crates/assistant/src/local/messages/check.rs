//! Checking a variant as the campaign will: it must render for any recipient and fit the channel.

use super::{Variant, SMS_LIMIT, SUBJECT_LIMIT};
use minicrm_domain::campaign::template::{MessageTemplate, Recipient};
use minicrm_domain::campaign::Channel;
use minicrm_domain::Currency;

/// Recipients a variant must render well for: every value at its longest, and no values at all.
fn test_recipients() -> [Recipient<'static>; 2] {
    [
        Recipient {
            name: "Venkataraghavan Subramaniam",
            city: Some("Thiruvananthapuram"),
            email: Some("venkataraghavan.subramaniam@example.com"),
            total_spend_minor: 999_999_900,
            currency: Some(Currency::INR),
            order_count: 1_234,
            last_order_at: Some(1_741_000_000_000),
        },
        Recipient::default(),
    ]
}

/// Why a variant is not fit to send.
pub fn check(variant: &Variant, channel: Channel) -> Result<usize, String> {
    let template = MessageTemplate::parse(&variant.message).map_err(|e| e.to_string())?;
    let mut longest = 0;
    for recipient in test_recipients() {
        let text = template.render(&recipient).map_err(|e| e.to_string())?;
        longest = longest.max(text.chars().count());
    }
    if channel == Channel::Sms && longest > SMS_LIMIT {
        return Err(format!(
            "the SMS can run to {longest} characters; at most {SMS_LIMIT}"
        ));
    }
    match (channel, &variant.subject) {
        (Channel::Email, None) => return Err("an e-mail needs a subject".into()),
        (Channel::Email, Some(subject)) => {
            let template = MessageTemplate::parse(subject).map_err(|e| format!("subject: {e}"))?;
            for recipient in test_recipients() {
                let n = template
                    .render(&recipient)
                    .map_err(|e| e.to_string())?
                    .chars()
                    .count();
                if n > SUBJECT_LIMIT {
                    return Err(format!(
                        "the subject can run to {n} characters; at most {SUBJECT_LIMIT}"
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(longest)
}
