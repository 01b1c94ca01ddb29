//! Campaigns: a personalised message to every customer of an audience, through a channel, now or at a
//! time. This module holds what a campaign is and how a client's request becomes one; the store keeps
//! it and the workers run it.

mod request;
pub mod template;

use crate::rules::Group;
use crate::Timestamp;
pub use request::CampaignIn;
use serde_json::Value;
pub use template::{format_amount, MessageTemplate, Recipient, TemplateError, VARIABLES};

crate::text_enum!(
    /// How a message reaches a customer; it decides the recipient (phone or e-mail address).
    Channel { Sms = "sms", Email = "email", Whatsapp = "whatsapp" }
);

crate::text_enum!(
    /// scheduled → running → completed | cancelled | failed.
    CampaignStatus {
        Scheduled = "scheduled",
        Running = "running",
        Completed = "completed",
        Cancelled = "cancelled",
        Failed = "failed",
    }
);

crate::text_enum!(
    /// A communication-log row: queued → sending → sent → delivered | failed, or cancelled before it
    /// was sent. `delivered`, `failed` and `cancelled` are final, except that a `delivered` receipt
    /// overrides `failed` (the handset confirmed it); nothing overrides `delivered`.
    MessageStatus {
        Queued = "queued",
        Sending = "sending",
        Sent = "sent",
        Delivered = "delivered",
        Failed = "failed",
        Cancelled = "cancelled",
    }
);

impl Channel {
    /// Why a customer cannot be reached on this channel when the recipient is missing.
    pub fn missing_recipient(self) -> &'static str {
        match self {
            Channel::Email => "no e-mail address",
            Channel::Sms | Channel::Whatsapp => "no phone number",
        }
    }
}

/// Where a campaign's audience comes from.
#[derive(Debug, Clone)]
pub enum Audience {
    Segment(String),
    Rules(Group, Value),
}

/// A campaign as a client asks for it, checked.
#[derive(Debug)]
pub struct NewCampaign {
    pub name: String,
    pub audience: Audience,
    pub channel: Channel,
    pub subject: Option<String>,
    pub message: String,
    pub template: MessageTemplate,
    pub objective: Option<String>,
    pub tags: Vec<String>,
    /// None: now.
    pub send_at: Option<Timestamp>,
}

/// A field of the request and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub reason: String,
}

#[cfg(test)]
mod tests;
