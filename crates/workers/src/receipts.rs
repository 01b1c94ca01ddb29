//! `delivery.receipts`: applies the vendor's signed delivery receipts (accepted by the API) to the log
//! rows they prove — a receipt changes only the row whose reference and vendor id both match and which
//! was handed to the vendor — and the campaigns' counters, in the message's transaction.

use crate::now;
use crate::send::parse_reference;
use async_trait::async_trait;
use minicrm_bus::{queues, Envelope, Handler};
use minicrm_domain::Timestamp;
use minicrm_messaging::{Receipt, ReceiptStatus};
use minicrm_store::messages::{self, ReceiptUpdate};
use minicrm_store::{campaigns, Tx};

/// `delivery.receipts`: a vendor callback's receipts, applied with the campaign counters in the
/// message's transaction.
pub struct ApplyReceipts;

#[async_trait]
impl Handler for ApplyReceipts {
    async fn handle(&self, tx: &mut Tx, envelope: &Envelope) -> anyhow::Result<()> {
        self.handle_all(tx, &[envelope]).await
    }

    /// Every callback of the group in one pass: the rows locked in id order, then each campaign's
    /// counters once, last.
    #[tracing::instrument(name = "apply_receipts", skip_all, fields(callbacks = envelopes.len(), receipts))]
    async fn handle_all(&self, tx: &mut Tx, envelopes: &[&Envelope]) -> anyhow::Result<()> {
        let (mut updates, mut unreadable) = (Vec::new(), 0);
        for envelope in envelopes {
            let receipts: Vec<Receipt> = crate::open(envelope, queues::DELIVERY_RECEIPTS)?;
            let (count, before) = (receipts.len(), updates.len());
            updates.extend(receipts.into_iter().filter_map(receipt_update));
            unreadable += count - (updates.len() - before);
        }
        tracing::Span::current().record("receipts", updates.len());
        let applied = messages::apply_receipts(tx, &updates).await?;
        if applied.unmatched > 0 {
            tracing::warn!(
                unmatched = applied.unmatched,
                "receipts about no message handed to the vendor were ignored"
            );
        }
        let counts = minicrm_metrics::delivery::Receipts {
            delivered: applied.delivered,
            failed: applied.failed,
            repeats: applied.repeats,
            unmatched: applied.unmatched + unreadable,
        };
        minicrm_metrics::on_commit(move || minicrm_metrics::delivery::receipts(counts));
        Ok(campaigns::add_counts_in_order(tx, applied.by_campaign, now()).await?)
    }
}

/// A vendor receipt as a row change; `None` for a reference that is not one of ours.
fn receipt_update(r: Receipt) -> Option<ReceiptUpdate> {
    let Some((campaign_id, log_id)) = parse_reference(&r.reference) else {
        tracing::warn!(reference = %r.reference, "a receipt for no message of ours");
        return None;
    };
    let at = Timestamp::parse(&r.occurred_at)
        .map(|t| t.millis())
        .unwrap_or_else(|_| now());
    Some(ReceiptUpdate {
        log_id,
        campaign_id: campaign_id.to_owned(),
        vendor_message_id: r.message_id,
        delivered: r.status == ReceiptStatus::Delivered,
        reason: r.reason.map(|reason| reason.as_str().to_owned()),
        at,
    })
}
