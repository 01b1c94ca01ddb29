use super::*;
use crate::{Db, DbOptions};

fn customer(external_id: &str, spend: i64) -> SeedCustomer {
    SeedCustomer {
        external_id: external_id.into(),
        name: "Asha Rao".into(),
        email: None,
        phone: Some("+919876543210".into()),
        city: Some("Pune".into()),
        attributes: Map::new(),
        created_at: 1,
        updated_at: 1,
        total_spend: spend,
        order_count: i64::from(spend > 0),
        first_order_at: (spend > 0).then_some(5),
        last_order_at: (spend > 0).then_some(5),
    }
}

fn order(external_id: &str, customer_external_id: &str, items: Vec<LineItem>) -> SeedOrder {
    SeedOrder {
        external_id: external_id.into(),
        customer_external_id: customer_external_id.into(),
        amount: Money {
            minor: 1_000,
            currency: minicrm_domain::Currency::INR,
        },
        status: OrderStatus::Completed,
        ordered_at: 5,
        items,
    }
}

fn item(price: i64) -> LineItem {
    LineItem {
        sku: "S-1".into(),
        name: "Kurta".into(),
        category: Some("apparel".into()),
        quantity: 1,
        price,
    }
}

#[tokio::test]
async fn writes_customers_orders_and_items() {
    // The writer pool keeps its one connection, so an in-memory database lives through the test.
    let db = Db::connect(&DbOptions::new("sqlite::memory:"))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let mut tx = db.begin().await.unwrap();

    let customers = insert_customers(&mut tx, &[customer("C1", 1_000), customer("C2", 0)])
        .await
        .unwrap();
    let orders = [
        order("O1", "C1", vec![item(400), item(600)]),
        order("O2", "C1", vec![]),
    ];
    let written = insert_orders(&mut tx, &orders).await.unwrap();
    let orphan = insert_orders(&mut tx, &[order("O3", "C9", vec![])]).await;

    assert_eq!((customers, written), (2, (2, 2)));
    assert!(orphan.is_err(), "an order needs its customer");
    let stored: Vec<(String, String, Option<i64>)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT o.external_id, c.external_id, i.price FROM orders o JOIN customers c ON c.id = o.customer_id \
             LEFT JOIN order_items i ON i.order_id = o.id ORDER BY o.id, i.id").fetch_all(&mut *c).await).unwrap();
    let expected = [
        ("O1", "C1", Some(400)),
        ("O1", "C1", Some(600)),
        ("O2", "C1", None),
    ];
    assert_eq!(
        stored,
        expected.map(|(o, c, p)| (o.to_owned(), c.to_owned(), p))
    );
    tx.rollback().await.unwrap();
}
