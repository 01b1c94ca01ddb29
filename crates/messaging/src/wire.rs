//! The JSON types on the wire, shared by the simulator and its clients.

use serde::{Deserialize, Serialize};

/// The channel a message is sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A text message; `to` is an E.164 number.
    Sms,
    /// An e-mail; `to` is an address.
    Email,
    /// A WhatsApp message; `to` is an E.164 number.
    Whatsapp,
}

impl Channel {
    /// The channel's name on the wire (`sms`, `email`, `whatsapp`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Whatsapp => "whatsapp",
        }
    }
}

/// One message to send: the body of `POST /v1/messages` and an element of [`BatchRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMessage {
    /// The recipient: an E.164 number (`+` then 8–15 digits) for SMS and WhatsApp, an address for e-mail.
    pub to: String,
    /// The channel to send on.
    pub channel: Channel,
    /// The text to send.
    pub body: String,
    /// The client's idempotency key: a reference seen before is not sent again.
    pub reference: String,
    /// Where to POST this message's receipt; the simulator's default callback when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// The body of `POST /v1/messages/batch`: 1 to [`MAX_BATCH`](crate::MAX_BATCH) messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// The messages, answered in this order.
    pub messages: Vec<OutboundMessage>,
}

/// The answer for one accepted message (HTTP 202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// The vendor's message id (`vm_<hex>`); the same id every time a reference is sent.
    pub id: String,
    /// The client's reference, echoed.
    pub reference: String,
    /// True when the reference was seen before: the message was not sent again.
    pub duplicate: bool,
}

/// The answer to a batch (HTTP 202): one [`Accepted`] per message, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAccepted {
    /// The per-message answers, in request order.
    pub results: Vec<Accepted>,
}

/// The final state of a message as reported by a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// The message reached the recipient.
    Delivered,
    /// The message could not be delivered; see [`Receipt::reason`].
    Failed,
}

/// Why a message failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The number is not a valid E.164 number (or not a valid number of its country).
    InvalidNumber,
    /// The number is on the do-not-disturb registry: promotional SMS are blocked.
    DndRegistry,
    /// The carrier refused the message.
    CarrierRejected,
    /// The message was not delivered before it expired.
    Expired,
    /// The e-mail address is malformed or its domain cannot receive mail.
    InvalidAddress,
    /// The receiving mail server bounced the message.
    Bounced,
    /// The recipient's mailbox is full.
    MailboxFull,
}

impl FailureReason {
    /// Every reason, in declaration order.
    pub const ALL: [FailureReason; 7] = [
        FailureReason::InvalidNumber,
        FailureReason::DndRegistry,
        FailureReason::CarrierRejected,
        FailureReason::Expired,
        FailureReason::InvalidAddress,
        FailureReason::Bounced,
        FailureReason::MailboxFull,
    ];

    /// The reason's name on the wire (snake_case), e.g. `invalid_number`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::InvalidNumber => "invalid_number",
            FailureReason::DndRegistry => "dnd_registry",
            FailureReason::CarrierRejected => "carrier_rejected",
            FailureReason::Expired => "expired",
            FailureReason::InvalidAddress => "invalid_address",
            FailureReason::Bounced => "bounced",
            FailureReason::MailboxFull => "mailbox_full",
        }
    }

    /// A short human explanation, fit for a report.
    pub fn describe(&self) -> &'static str {
        match self {
            FailureReason::InvalidNumber => "The phone number is not valid",
            FailureReason::DndRegistry => "The number is on the do-not-disturb registry",
            FailureReason::CarrierRejected => "The carrier rejected the message",
            FailureReason::Expired => "The message expired before it could be delivered",
            FailureReason::InvalidAddress => "The e-mail address is not valid",
            FailureReason::Bounced => "The receiving mail server bounced the message",
            FailureReason::MailboxFull => "The recipient's mailbox is full",
        }
    }
}

impl std::fmt::Display for FailureReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A delivery receipt, POSTed to the callback URL in JSON arrays of up to
/// [`VendorConfig::receipt_batch`](crate::VendorConfig::receipt_batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(description = "A delivery receipt: what became of one message.")]
pub struct Receipt {
    /// The receipt's own id (`vr_<hex>`); a receipt re-POSTed on retry keeps it, so dedupe by it.
    pub id: String,
    /// The vendor's id of the message: the `id` of its answer to the send.
    pub message_id: String,
    /// The client's reference of the message.
    pub reference: String,
    /// Delivered or failed.
    pub status: ReceiptStatus,
    /// Why the message failed; absent when it was delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FailureReason>,
    /// When the outcome happened: RFC 3339, UTC, milliseconds (`2025-01-01T10:00:00.123Z`).
    #[schema(format = DateTime)]
    pub occurred_at: String,
}

/// The body of every error answer: `{"error": "<code>", "message": "<human text>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `unauthorized`, `rate_limited`, `invalid_json`.
    pub error: String,
    /// What went wrong, for a human.
    pub message: String,
}

/// The simulator's counters: `GET /v1/stats` and [`Vendor::stats`](crate::Vendor::stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorStats {
    /// Unique messages accepted (duplicates excluded).
    pub accepted: u64,
    /// Messages whose reference had been seen before.
    pub duplicates: u64,
    /// Messages whose outcome became due as delivered.
    pub delivered: u64,
    /// Messages whose outcome became due as failed.
    pub failed: u64,
    /// Receipts accepted for a callback but not yet POSTed successfully (nor given up on).
    pub receipts_pending: u64,
    /// Receipts the callback acknowledged with a 2xx.
    pub receipts_posted: u64,
    /// Failed callback POST attempts (non-2xx answers and connection errors), retried or not.
    pub callback_failures: u64,
    /// Requests answered 429 by the simulated rate limit.
    pub rate_limited: u64,
    /// Requests answered 503 during a simulated outage.
    pub outage_refused: u64,
}
