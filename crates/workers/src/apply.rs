//! Applying orders: insert those whose customer exists (with the aggregates), park the others. Shared by
//! the order consumer, the customer consumer (for orders that waited) and the sweeper.

use crate::{now, tally};
use minicrm_domain::{NewOrder, RecordKind};
use minicrm_store::ingestions::Counts;
use minicrm_store::parked::{self, ParkedOrder};
use minicrm_store::{customers, orders, StoreError, Tx};
use std::collections::{BTreeMap, HashSet};

/// Stores `(row index, order)` rows of one ingestion and returns what became of them.
pub async fn orders(
    tx: &mut Tx,
    ingestion_id: &str,
    rows: &[(usize, &NewOrder)],
    now: i64,
    retry_at: i64,
) -> Result<Counts, StoreError> {
    let (known, unknown) = split_by_customer(tx, rows).await?;
    let inserted = orders::insert(tx, &known, ingestion_id).await? as i64;
    let parked = parked::park(tx, ingestion_id, &unknown, now, retry_at).await? as i64;
    Ok(Counts {
        persisted: inserted,
        unchanged: rows.len() as i64 - inserted - parked,
        pending: parked,
        rejected: 0,
    })
}

/// Splits rows into those whose customer exists (with its id) and those whose customer does not yet.
async fn split_by_customer<'a>(
    tx: &mut Tx,
    rows: &[(usize, &'a NewOrder)],
) -> Result<(Vec<(i64, &'a NewOrder)>, Vec<(usize, &'a NewOrder)>), StoreError> {
    let wanted: HashSet<&str> = rows
        .iter()
        .map(|(_, o)| o.customer_external_id.as_str())
        .collect();
    let wanted: Vec<&str> = wanted.into_iter().collect();
    let ids = customers::ids_by_external_id(tx, &wanted).await?;
    let mut known = Vec::with_capacity(rows.len());
    let mut unknown = Vec::new();
    for (index, order) in rows {
        match ids.get(order.customer_external_id.as_str()) {
            Some(id) => known.push((*id, *order)),
            None => unknown.push((*index, *order)),
        }
    }
    Ok((known, unknown))
}

/// Applies parked orders whose customer now exists; returns the ones still waiting.
pub async fn parked_orders(
    tx: &mut Tx,
    waiting: Vec<ParkedOrder>,
) -> Result<Vec<ParkedOrder>, StoreError> {
    if waiting.is_empty() {
        return Ok(waiting);
    }
    let rows: Vec<(usize, &NewOrder)> = waiting
        .iter()
        .enumerate()
        .map(|(i, p)| (i, &p.order))
        .collect();
    let (known, _) = split_by_customer(tx, &rows).await?;
    let ready: HashSet<&str> = known.iter().map(|(_, o)| o.external_id.as_str()).collect();
    let (done, still): (Vec<ParkedOrder>, Vec<ParkedOrder>) = waiting
        .iter()
        .cloned()
        .partition(|p| ready.contains(p.order.external_id.as_str()));
    let mut by_ingestion: BTreeMap<&str, Vec<&ParkedOrder>> = BTreeMap::new();
    for p in &done {
        by_ingestion
            .entry(p.ingestion_id.as_str())
            .or_default()
            .push(p);
    }
    for (ingestion_id, group) in by_ingestion {
        let orders: Vec<(i64, &NewOrder)> = known
            .iter()
            .filter(|(_, o)| group.iter().any(|p| p.order.external_id == o.external_id))
            .copied()
            .collect();
        let inserted = orders::insert(tx, &orders, ingestion_id).await? as i64;
        let counts = Counts {
            persisted: inserted,
            unchanged: group.len() as i64 - inserted,
            pending: -(group.len() as i64),
            rejected: 0,
        };
        tally::record(tx, ingestion_id, RecordKind::Orders, counts, now()).await?;
    }
    parked::remove(tx, &done.iter().map(|p| p.id).collect::<Vec<_>>()).await?;
    Ok(still)
}
