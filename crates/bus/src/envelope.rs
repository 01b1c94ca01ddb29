//! `Envelope`: every message on the bus — id, type, version, payload and when it was produced.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::value::RawValue;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    /// Unique per message; the inbox deduplicates redeliveries by it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub version: u32,
    /// Milliseconds since the epoch.
    pub produced_at: i64,
    pub payload: Box<RawValue>,
}

impl Envelope {
    pub fn new<T: Serialize>(kind: &str, version: u32, payload: &T) -> serde_json::Result<Self> {
        Self::with_id(uuid::Uuid::now_v7().to_string(), kind, version, payload)
    }

    /// An envelope whose id is already known (an ingestion's message carries the ingestion's id).
    pub fn with_id<T: Serialize>(
        id: String,
        kind: &str,
        version: u32,
        payload: &T,
    ) -> serde_json::Result<Self> {
        Ok(Self {
            id,
            kind: kind.to_owned(),
            version,
            produced_at: chrono::Utc::now().timestamp_millis(),
            payload: serde_json::value::to_raw_value(payload)?,
        })
    }

    pub fn payload<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(self.payload.get())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an envelope always serialises")
    }

    pub fn from_json(body: &[u8]) -> serde_json::Result<Self> {
        serde_json::from_slice(body)
    }
}
