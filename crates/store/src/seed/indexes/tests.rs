use super::*;
use crate::{Db, DbOptions};

#[tokio::test]
async fn drops_and_rebuilds_the_plain_indexes_only() {
    let db = Db::connect(&DbOptions::new("sqlite::memory:"))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let before = index_names(&mut tx).await;

    let dropped = drop_secondary_indexes(&mut tx).await.unwrap();
    let during = index_names(&mut tx).await;
    create_indexes(&mut tx, &dropped).await.unwrap();

    assert!(dropped.names().any(|n| n == "orders_ordered_at"));
    assert!(
        during.iter().all(|n| n.starts_with("sqlite_autoindex")),
        "{during:?}"
    );
    assert_eq!(index_names(&mut tx).await, before);
    tx.rollback().await.unwrap();
}

async fn index_names(tx: &mut Tx) -> Vec<String> {
    on_tx!(tx, c => sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' \
             AND tbl_name IN ('customers', 'orders', 'order_items') ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await)
    .unwrap()
}
