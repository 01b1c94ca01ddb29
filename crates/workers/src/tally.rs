//! An ingestion's counts: added to its record in the handler's transaction, and to the metrics once
//! that transaction commits (a rolled-back attempt, retried, counts once).

use minicrm_domain::RecordKind;
use minicrm_metrics::ingest::{processed, Outcome};
use minicrm_store::ingestions::{self, Counts};
use minicrm_store::{StoreError, Tx};

/// Adds `counts` to the ingestion `id` of `kind`.
pub(crate) async fn record(
    tx: &mut Tx,
    id: &str,
    kind: RecordKind,
    counts: Counts,
    now: i64,
) -> Result<(), StoreError> {
    ingestions::record(tx, id, counts, now).await?;
    minicrm_metrics::on_commit(move || measure(kind.as_str(), counts));
    Ok(())
}

/// Rows leaving `pending` are counted where they land (persisted or rejected), not here.
fn measure(kind: &'static str, counts: Counts) {
    processed(kind, Outcome::Persisted, counts.persisted);
    processed(kind, Outcome::Unchanged, counts.unchanged);
    processed(kind, Outcome::Parked, counts.pending);
    processed(kind, Outcome::Rejected, counts.rejected);
}
