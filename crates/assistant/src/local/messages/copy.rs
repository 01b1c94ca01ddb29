//! The words of each variant: an opening and an offer for each angle of each objective, and the
//! greetings and sign-offs of each tone.

use super::{Objective, Tone};
use minicrm_domain::campaign::Channel;

pub(super) struct Copy {
    pub(super) angle: &'static str,
    pub(super) subject: &'static str,
    /// `{greet}` and `{sign}` are filled by tone; `{city}` only where the audience has one.
    pub(super) short: &'static str,
    pub(super) long: &'static str,
}

pub(super) fn copies(objective: Objective) -> [Copy; 3] {
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

pub(super) fn greet(tone: Tone) -> &'static str {
    match tone {
        Tone::Friendly => "Hi {{first_name | default: \"there\"}},",
        Tone::Urgent => "{{first_name | default: \"Hey\"}}!",
        Tone::Premium => "Dear {{first_name | default: \"customer\"}},",
        Tone::Playful => "Psst {{first_name | default: \"friend\"}}!",
    }
}

pub(super) fn sign_off(tone: Tone, channel: Channel) -> &'static str {
    match (channel, tone) {
        (Channel::Sms, _) => "",
        (_, Tone::Premium) => "\n\nWith warm regards,\nThe team",
        (_, Tone::Playful) => "\n\nSee you soon! 🛍️",
        _ => "\n\nThe team",
    }
}
