//! Three message variants for a campaign objective, written for the channel: an SMS that fits one
//! 160-character message for any customer, a WhatsApp message with a little more room, an e-mail with a
//! subject. Each variant takes a different angle (personal, offer-led, urgent) and uses only the
//! personalisation variables the template engine accepts; every variant is checked by that engine.

use minicrm_domain::campaign::template::{MessageTemplate, Recipient};
use minicrm_domain::campaign::Channel;
use minicrm_domain::Currency;
use serde::Serialize;

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

/// The objectives the local provider writes for; any other text is `other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    WinBack,
    NewArrivals,
    FestiveSale,
    LoyaltyReward,
    CartReminder,
    ReEngagement,
    Welcome,
    Other,
}

impl Objective {
    /// Reads an objective as marketers name it ("win-back", "Diwali sale", "abandoned cart", …).
    pub fn read(text: &str) -> Objective {
        let t = text.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
        if has(&[
            "win back",
            "win-back",
            "winback",
            "lapsed",
            "come back",
            "miss you",
        ]) {
            Objective::WinBack
        } else if has(&["cart", "basket", "checkout", "left behind"]) {
            Objective::CartReminder
        } else if has(&[
            "festive",
            "festival",
            "diwali",
            "holi",
            "eid",
            "christmas",
            "navratri",
            "pongal",
            "onam",
            "new year",
            "sale",
        ]) {
            Objective::FestiveSale
        } else if has(&[
            "new arrival",
            "new collection",
            "launch",
            "just in",
            "new in",
            "new range",
        ]) {
            Objective::NewArrivals
        } else if has(&["loyal", "reward", "vip", "thank", "points", "tier"]) {
            Objective::LoyaltyReward
        } else if has(&[
            "re-engage",
            "reengage",
            "re engage",
            "inactive",
            "dormant",
            "engagement",
        ]) {
            Objective::ReEngagement
        } else if has(&[
            "welcome",
            "onboard",
            "first order",
            "new customer",
            "signed up",
        ]) {
            Objective::Welcome
        } else {
            Objective::Other
        }
    }
}

/// Tone of voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Friendly,
    Urgent,
    Premium,
    Playful,
}

impl Tone {
    pub fn read(text: Option<&str>) -> Tone {
        let t = text.unwrap_or_default().to_lowercase();
        if t.contains("urgent") || t.contains("fomo") || t.contains("bold") {
            Tone::Urgent
        } else if t.contains("premium")
            || t.contains("formal")
            || t.contains("elegant")
            || t.contains("luxury")
        {
            Tone::Premium
        } else if t.contains("playful")
            || t.contains("fun")
            || t.contains("witty")
            || t.contains("casual")
        {
            Tone::Playful
        } else {
            Tone::Friendly
        }
    }
}

struct Copy {
    angle: &'static str,
    subject: &'static str,
    /// `{greet}` and `{sign}` are filled by tone; `{city}` only where the audience has one.
    short: &'static str,
    long: &'static str,
}

fn copies(objective: Objective) -> [Copy; 3] {
    match objective {
        Objective::WinBack => [
            Copy { angle: "Personal", subject: "{{first_name | default: \"Hi\"}}, we miss you", short: "{greet} it's been a while since your last order. We've saved something for you: 15% off this week. Shop now.", long: "{greet} it has been a while since your last order{since}. A lot has changed, and we have saved 15% off your next order, this week only. We would love to see you back." },
            Copy { angle: "Offer-led", subject: "15% off, just for you", short: "{greet} come back for 15% off everything this week. Use code COMEBACK15 at checkout.", long: "{greet} come back and enjoy 15% off everything this week with code COMEBACK15. Your favourites are waiting." },
            Copy { angle: "Urgent", subject: "Your comeback offer ends Sunday", short: "{greet} your comeback offer of 15% off ends Sunday. Don't miss it!", long: "{greet} your comeback offer of 15% off ends this Sunday. After that it is gone, so treat yourself today." },
        ],
        Objective::NewArrivals => [
            Copy { angle: "Personal", subject: "{{first_name | default: \"Hi\"}}, picked for you: new arrivals", short: "{greet} new arrivals just landed{city}, and we think you'll love them. Take a look today.", long: "{greet} our new collection has just landed{city}. We picked a few pieces we think you will love. Be among the first to see them." },
            Copy { angle: "Offer-led", subject: "New in, with 10% off your first pick", short: "{greet} the new collection is here, with 10% off your first pick. Code NEW10.", long: "{greet} the new collection is here, and your first pick from it is 10% off with code NEW10." },
            Copy { angle: "Urgent", subject: "New arrivals are selling fast", short: "{greet} our new arrivals are selling fast. Grab your size before it's gone!", long: "{greet} our new arrivals are selling fast and sizes are going quickly. Grab yours before they are gone." },
        ],
        Objective::FestiveSale => [
            Copy { angle: "Personal", subject: "{{first_name | default: \"Hi\"}}, your festive picks are here", short: "{greet} celebrate the season with our festive sale: up to 40% off{city}. Happy shopping!", long: "{greet} the festive season is here, and so is our biggest sale of the year: up to 40% off{city}. Wishing you and your family a joyful celebration." },
            Copy { angle: "Offer-led", subject: "Festive sale: up to 40% off", short: "{greet} festive sale is live! Up to 40% off plus free delivery. Shop now.", long: "{greet} our festive sale is live: up to 40% off, with free delivery on every order." },
            Copy { angle: "Urgent", subject: "Last 48 hours of the festive sale", short: "{greet} only 48 hours left in our festive sale. Up to 40% off ends soon!", long: "{greet} only 48 hours are left in our festive sale. Up to 40% off ends soon, so don't wait." },
        ],
        Objective::LoyaltyReward => [
            Copy { angle: "Personal", subject: "A thank-you for {{order_count}} orders", short: "{greet} thank you for {{order_count}} orders with us! Here's 20% off as our thanks.", long: "{greet} thank you for being with us for {{order_count}} orders{spend}. As a thank-you, here is 20% off your next order." },
            Copy { angle: "Offer-led", subject: "Your loyalty reward: 20% off", short: "{greet} you've earned a loyalty reward: 20% off with code LOYAL20.", long: "{greet} you have earned a loyalty reward: 20% off your next order with code LOYAL20, plus early access to new drops." },
            Copy { angle: "Urgent", subject: "Your reward expires in 7 days", short: "{greet} your loyalty reward of 20% off expires in 7 days. Use it now!", long: "{greet} your loyalty reward of 20% off expires in 7 days. Make sure you use it before it goes." },
        ],
        Objective::CartReminder => [
            Copy { angle: "Personal", subject: "{{first_name | default: \"Hi\"}}, you left something behind", short: "{greet} you left something in your cart. It's still waiting for you!", long: "{greet} you left something in your cart, and we have kept it for you. Pick up where you left off whenever you like." },
            Copy { angle: "Offer-led", subject: "Complete your order: free delivery", short: "{greet} complete your order today and get free delivery. Your cart is saved.", long: "{greet} complete your order today and delivery is on us. Everything in your cart is saved." },
            Copy { angle: "Urgent", subject: "Items in your cart are running low", short: "{greet} items in your cart are running low. Check out before they sell out!", long: "{greet} some items in your cart are running low on stock. Check out soon so you don't miss them." },
        ],
        Objective::ReEngagement => [
            Copy { angle: "Personal", subject: "{{first_name | default: \"Hi\"}}, here's what's new", short: "{greet} a lot has changed since you last visited. Come see what's new!", long: "{greet} a lot has changed since you last visited: new styles, faster delivery and easier returns. Come and take a look." },
            Copy { angle: "Offer-led", subject: "A little something to welcome you back", short: "{greet} here's 10% off to welcome you back. Code HELLO10.", long: "{greet} here is 10% off to welcome you back, with code HELLO10 on anything you like." },
            Copy { angle: "Urgent", subject: "Your 10% off ends this week", short: "{greet} your 10% welcome-back offer ends this week. Don't miss out!", long: "{greet} your 10% welcome-back offer ends this week. Come back before it is gone." },
        ],
        Objective::Welcome => [
            Copy { angle: "Personal", subject: "Welcome, {{first_name | default: \"friend\"}}!", short: "{greet} welcome to the family! We're so glad you're here.", long: "{greet} welcome to the family! We are so glad you are here. Reply any time if we can help." },
            Copy { angle: "Offer-led", subject: "Welcome! Here's 10% off your next order", short: "{greet} welcome! Enjoy 10% off your next order with code WELCOME10.", long: "{greet} welcome! Enjoy 10% off your next order with code WELCOME10, our thank-you for joining us." },
            Copy { angle: "Urgent", subject: "Your welcome offer ends in 3 days", short: "{greet} your welcome offer of 10% off ends in 3 days. Use it soon!", long: "{greet} your welcome offer of 10% off ends in 3 days. Use it on anything you like before it goes." },
        ],
        Objective::Other => [
            Copy { angle: "Personal", subject: "{{first_name | default: \"Hi\"}}, something for you", short: "{greet} we have something special for you this week. Take a look!", long: "{greet} we have something special lined up for you this week. Take a look whenever you are free." },
            Copy { angle: "Offer-led", subject: "10% off, this week only", short: "{greet} enjoy 10% off this week with code SPECIAL10.", long: "{greet} enjoy 10% off anything this week with code SPECIAL10." },
            Copy { angle: "Urgent", subject: "Only a few days left", short: "{greet} only a few days left to catch this week's offers. Don't miss out!", long: "{greet} only a few days are left to catch this week's offers. Don't miss out." },
        ],
    }
}

fn greet(tone: Tone) -> &'static str {
    match tone {
        Tone::Friendly => "Hi {{first_name | default: \"there\"}},",
        Tone::Urgent => "{{first_name | default: \"Hey\"}}!",
        Tone::Premium => "Dear {{first_name | default: \"customer\"}},",
        Tone::Playful => "Psst {{first_name | default: \"friend\"}}!",
    }
}

fn sign_off(tone: Tone, channel: Channel) -> &'static str {
    match (channel, tone) {
        (Channel::Sms, _) => "",
        (_, Tone::Premium) => "\n\nWith warm regards,\nThe team",
        (_, Tone::Playful) => "\n\nSee you soon! 🛍️",
        _ => "\n\nThe team",
    }
}

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
