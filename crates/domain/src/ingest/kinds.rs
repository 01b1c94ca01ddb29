//! What a batch holds and what became of it: the kind of its records, the states of an ingestion and
//! those of a CSV import.

use serde::{Deserialize, Serialize};

/// What a batch or an import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Customers,
    Orders,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Orders => "orders",
        }
    }
}

impl TryFrom<String> for RecordKind {
    type Error = crate::text_enum::UnknownText;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match text.as_str() {
            "customers" => Ok(Self::Customers),
            "orders" => Ok(Self::Orders),
            _ => Err(crate::text_enum::UnknownText {
                type_name: "RecordKind",
                text,
            }),
        }
    }
}

crate::text_enum!(
    /// What became of an accepted batch: `queued` until a consumer has processed it, `pending` while
    /// some of its orders wait for their customer, `completed` when every row is persisted, unchanged
    /// or rejected, `failed` when it never reached the queue.
    IngestionStatus {
        Queued = "queued",
        Pending = "pending",
        Completed = "completed",
        Failed = "failed",
    }
);

crate::text_enum!(
    /// A CSV import: `receiving` while the file streams in, `accepted` when every batch of valid rows
    /// is published, `failed` when it stopped midway (what was published before stays accepted).
    ImportStatus {
        Receiving = "receiving",
        Accepted = "accepted",
        Failed = "failed",
    }
);
