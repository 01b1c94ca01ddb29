//! minicrm's domain: the typed values that the rest of the system trusts, and the parsing that turns
//! what a client sends into them. Raw JSON stops here; nothing past this crate re-validates.
#![forbid(unsafe_code)]

pub mod campaign;
pub mod contact;
pub mod ids;
pub mod ingest;
pub mod money;
pub mod rules;
pub mod scope;
pub mod text_enum;
pub mod time;

pub use contact::{Email, Phone};
pub use ids::ExternalId;
pub use ingest::{
    customer::NewCustomer,
    order::{LineItem, NewOrder, OrderStatus},
    Batch, BatchError, FieldError, ImportStatus, IngestionStatus, RecordKind,
};
pub use money::{Currency, Money};
pub use scope::{Role, Scope};
pub use time::Timestamp;
