//! The ingestion round trip and its idempotency: the same record twice is one record, the newest
//! `updated_at` wins, and an order that arrives before its customer waits for it or is rejected.

use crate::helpers::{spawn_app, spawn_app_with, Backend};
use serde_json::{json, Value};
use std::time::Duration;

crate::on_every_backend!(
    round_trip_persists_customers_orders_and_aggregates,
    lists_search_filter_and_page,
    the_same_batch_twice_is_one_record,
    an_idempotency_key_makes_a_retry_the_same_ingestion,
    customer_updates_out_of_order_keep_the_newest,
    an_order_before_its_customer_waits_for_it,
    an_order_whose_customer_never_comes_is_rejected_with_its_reason,
);

fn customers(n: usize) -> Value {
    let cities = ["Mumbai", "Pune", "Delhi"];
    (0..n)
        .map(|i| json!({"external_id": format!("C{i}"), "name": format!("Customer {i}"), "email": format!("c{i}@example.com"),
                        "phone": format!("98765{i:05}"), "city": cities[i % 3], "attributes": {"tier": if i % 2 == 0 {"gold"} else {"silver"}}}))
        .collect()
}

fn order(id: &str, customer: &str, amount: &str, at: &str) -> Value {
    json!({"external_id": id, "customer_external_id": customer, "amount": amount, "ordered_at": at})
}

async fn round_trip_persists_customers_orders_and_aggregates(backend: Backend) {
    let app = spawn_app(&backend).await;
    let id = app.ingest("customers", &customers(3)).await;
    let done = app.wait_for(&id, "completed").await;
    assert_eq!(
        (done["accepted"].as_i64(), done["persisted"].as_i64()),
        (Some(3), Some(3))
    );

    let mut orders = vec![
        order("O1", "C0", "1499.50", "2025-03-01T10:00:00Z"),
        order("O2", "C0", "500", "2025-01-01T10:00:00+05:30"),
        order("O3", "C1", "99.99", "2025-02-01T00:00:00Z"),
    ];
    orders.push(json!({"external_id": "O4", "customer_external_id": "C0", "amount": 10000, "status": "cancelled", "ordered_at": "2025-04-01T00:00:00Z"}));
    orders.push(json!({"external_id": "O5", "customer_external_id": "C1", "amount": 200, "ordered_at": "2025-02-02T00:00:00Z",
        "items": [{"sku": "K1", "name": "Kurta", "category": "apparel", "quantity": 2, "price": 100}]}));
    let id = app.ingest("orders", &Value::Array(orders)).await;
    let done = app.wait_for(&id, "completed").await;
    assert_eq!(done["persisted"], 5, "{done}");

    let c0 = app.customer("C0").await;
    assert_eq!(
        c0["total_spend"],
        json!(1999.5),
        "cancelled orders do not count: {c0}"
    );
    assert_eq!(c0["order_count"], 2);
    assert_eq!(c0["avg_order_value"], json!(999.75));
    assert_eq!(c0["first_order_at"], "2025-01-01T04:30:00.000Z");
    assert_eq!(c0["last_order_at"], "2025-03-01T10:00:00.000Z");
    assert_eq!(c0["phone"], "+919876500000");
    assert_eq!(c0["attributes"]["tier"], "gold");
    let recent: Vec<_> = c0["recent_orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["external_id"].clone())
        .collect();
    assert_eq!(
        recent,
        vec!["O4", "O1", "O2"],
        "newest first, cancelled ones listed too"
    );
    let c1 = app.customer("C1").await;
    assert_eq!(c1["total_spend"], json!(299.99));
    assert_eq!(c1["recent_orders"][0]["items"][0]["price"], json!(100.0));
    let c2 = app.customer("C2").await;
    assert_eq!(
        (c2["order_count"].as_i64(), c2["last_order_at"].clone()),
        (Some(0), Value::Null)
    );
    app.stop().await;
}

async fn lists_search_filter_and_page(backend: Backend) {
    let app = spawn_app(&backend).await;
    let id = app.ingest("customers", &customers(7)).await;
    app.wait_for(&id, "completed").await;
    let id = app
        .ingest(
            "orders",
            &json!([
                order("O1", "C3", "5000", "2025-01-01T00:00:00Z"),
                order("O2", "C3", "1", "2025-01-02T00:00:00Z")
            ]),
        )
        .await;
    app.wait_for(&id, "completed").await;

    let first = app.get_json("/api/v1/customers?limit=3").await;
    let names = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["external_id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&first), vec!["C6", "C5", "C4"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_json(&format!("/api/v1/customers?limit=3&cursor={cursor}"))
        .await;
    assert_eq!(names(&second), vec!["C3", "C2", "C1"]);
    let third = app
        .get_json(&format!(
            "/api/v1/customers?limit=3&cursor={}",
            second["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (names(&third), third["next_cursor"].clone()),
        (vec!["C0".to_owned()], Value::Null)
    );

    assert_eq!(
        names(&app.get_json("/api/v1/customers?q=customer%205").await),
        vec!["C5"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/customers?q=C4%40EXAMPLE").await),
        vec!["C4"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/customers?q=%25").await),
        Vec::<String>::new(),
        "% is literal"
    );
    assert_eq!(
        names(&app.get_json("/api/v1/customers?city=pune").await),
        vec!["C4", "C1"]
    );
    assert_eq!(
        names(&app.get_json("/api/v1/customers?min_spend=5000.01").await),
        vec!["C3"]
    );
    assert_eq!(
        names(
            &app.get_json("/api/v1/customers?min_orders=1&city=Mumbai")
                .await
        ),
        vec!["C3"]
    );

    let orders = app.get_json("/api/v1/orders?customer=C3&limit=1").await;
    assert_eq!(orders["items"][0]["external_id"], "O2");
    let more = app
        .get_json(&format!(
            "/api/v1/orders?customer=C3&limit=1&cursor={}",
            orders["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (
            more["items"][0]["external_id"].clone(),
            more["next_cursor"].clone()
        ),
        (json!("O1"), Value::Null)
    );
    app.stop().await;
}

async fn an_idempotency_key_makes_a_retry_the_same_ingestion(backend: Backend) {
    let app = spawn_app(&backend).await;
    let batch = customers(3);
    let first = app
        .post_idempotent("/api/v1/customers", "import-42", &batch)
        .await;
    assert_eq!(first.status(), 202);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["replayed"], false);
    let id = first["ingestion_id"].as_str().unwrap().to_owned();

    // At once, before the batch is processed, and again after.
    let again = app
        .post_idempotent("/api/v1/customers", "import-42", &batch)
        .await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["ingestion_id"].as_str(), again["replayed"].as_bool()),
        (Some(id.as_str()), Some(true))
    );
    let done = app.wait_for(&id, "completed").await;
    let later: Value = app
        .post_idempotent("/api/v1/customers", "import-42", &batch)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later["ingestion_id"], id.as_str());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = app.get_json(&format!("/api/v1/ingestions/{id}")).await;
    assert_eq!(after, done, "a replay is not applied twice");
    assert_eq!(
        (done["persisted"].as_i64(), done["unchanged"].as_i64()),
        (Some(3), Some(0)),
        "{done}"
    );

    // The same key with another body is refused; the same key for another kind is another ingestion.
    let other = app
        .post_idempotent("/api/v1/customers", "import-42", &customers(4))
        .await;
    assert_eq!(other.status(), 409);
    assert_eq!(other.headers()["content-type"], "application/problem+json");
    let problem: Value = other.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key"),
        "{problem}"
    );
    let orders = json!([order("K1", "C0", "10", "2025-01-01T00:00:00Z")]);
    let response: Value = app
        .post_idempotent("/api/v1/orders", "import-42", &orders)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(response["ingestion_id"], id.as_str(), "{response}");

    let bad = app
        .post_idempotent("/api/v1/customers", "has space", &batch)
        .await;
    assert_eq!(bad.status(), 400);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["field"], "Idempotency-Key", "{problem}");
    app.stop().await;
}

async fn the_same_batch_twice_is_one_record(backend: Backend) {
    let app = spawn_app(&backend).await;
    let batch = customers(2);
    let first = app.ingest("customers", &batch).await;
    app.wait_for(&first, "completed").await;
    let again = app.ingest("customers", &batch).await;
    let done = app.wait_for(&again, "completed").await;
    assert_eq!(
        (done["persisted"].as_i64(), done["unchanged"].as_i64()),
        (Some(0), Some(2)),
        "{done}"
    );

    let orders = json!([
        order("O1", "C0", "100", "2025-01-01T00:00:00Z"),
        order("O1", "C0", "100", "2025-01-01T00:00:00Z"),
        order("O2", "C0", "50", "2025-01-02T00:00:00Z")
    ]);
    let a = app.ingest("orders", &orders).await;
    let done = app.wait_for(&a, "completed").await;
    assert_eq!(
        (done["persisted"].as_i64(), done["unchanged"].as_i64()),
        (Some(2), Some(1)),
        "a duplicate inside one batch: {done}"
    );
    let b = app.ingest("orders", &orders).await;
    let done = app.wait_for(&b, "completed").await;
    assert_eq!(
        (done["persisted"].as_i64(), done["unchanged"].as_i64()),
        (Some(0), Some(3)),
        "{done}"
    );
    let c0 = app.customer("C0").await;
    assert_eq!(
        (c0["total_spend"].clone(), c0["order_count"].as_i64()),
        (json!(150.0), Some(2))
    );
    let list = app.get_json("/api/v1/customers").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    app.stop().await;
}

async fn customer_updates_out_of_order_keep_the_newest(backend: Backend) {
    let app = spawn_app(&backend).await;
    let newer = json!({"external_id": "C1", "name": "Newer Name", "city": "Pune", "updated_at": "2025-02-01T00:00:00Z", "created_at": "2024-06-01T00:00:00Z"});
    let older = json!({"external_id": "C1", "name": "Older Name", "city": "Delhi", "updated_at": "2025-01-01T00:00:00Z", "created_at": "2024-01-01T00:00:00Z"});
    let a = app.ingest("customers", &newer).await;
    app.wait_for(&a, "completed").await;
    let b = app.ingest("customers", &older).await;
    let done = app.wait_for(&b, "completed").await;
    assert_eq!(done["unchanged"], 1, "{done}");
    let c = app.customer("C1").await;
    assert_eq!(
        (c["name"].as_str(), c["city"].as_str()),
        (Some("Newer Name"), Some("Pune"))
    );
    assert_eq!(c["updated_at"], "2025-02-01T00:00:00.000Z");

    // Within one batch, too, the newest wins whatever its position.
    let batch = json!([
        {"external_id": "C2", "name": "Third", "updated_at": "2025-03-03T00:00:00Z"},
        {"external_id": "C2", "name": "First", "updated_at": "2025-03-01T00:00:00Z"}]);
    let c = app.ingest("customers", &batch).await;
    app.wait_for(&c, "completed").await;
    assert_eq!(app.customer("C2").await["name"], "Third");
    app.stop().await;
}

async fn an_order_before_its_customer_waits_for_it(backend: Backend) {
    let app = spawn_app(&backend).await;
    let orders = app
        .ingest(
            "orders",
            &json!([
                order("O1", "LATE", "250", "2025-01-01T00:00:00Z"),
                order("O2", "LATE", "250", "2025-01-02T00:00:00Z")
            ]),
        )
        .await;
    let waiting = app.wait_for(&orders, "pending").await;
    assert_eq!(
        (waiting["pending"].as_i64(), waiting["persisted"].as_i64()),
        (Some(2), Some(0)),
        "{waiting}"
    );
    let customer = app
        .ingest(
            "customers",
            &json!({"external_id": "LATE", "name": "Late Comer"}),
        )
        .await;
    app.wait_for(&customer, "completed").await;
    let done = app.wait_for(&orders, "completed").await;
    assert_eq!(
        (done["pending"].as_i64(), done["persisted"].as_i64()),
        (Some(0), Some(2)),
        "{done}"
    );
    let c = app.customer("LATE").await;
    assert_eq!(
        (c["total_spend"].clone(), c["order_count"].as_i64()),
        (json!(500.0), Some(2))
    );
    app.stop().await;
}

async fn an_order_whose_customer_never_comes_is_rejected_with_its_reason(backend: Backend) {
    let app = spawn_app_with(&backend, |c| {
        c.ingest.order_retry_window = Duration::from_secs(1)
    })
    .await;
    let known = app
        .ingest("customers", &json!({"external_id": "C1", "name": "Known"}))
        .await;
    app.wait_for(&known, "completed").await;
    let id = app
        .ingest(
            "orders",
            &json!([
                order("O1", "C1", "10", "2025-01-01T00:00:00Z"),
                order("O2", "GHOST", "10", "2025-01-01T00:00:00Z")
            ]),
        )
        .await;
    let done = app.wait_for(&id, "completed").await;
    assert_eq!(
        (
            done["persisted"].as_i64(),
            done["rejected"].as_i64(),
            done["pending"].as_i64()
        ),
        (Some(1), Some(1), Some(0)),
        "{done}"
    );
    let rejection = &done["rejections"][0];
    assert_eq!(
        (
            rejection["index"].as_i64(),
            rejection["external_id"].as_str()
        ),
        (Some(1), Some("O2"))
    );
    assert!(
        rejection["reason"].as_str().unwrap().contains("GHOST"),
        "{rejection}"
    );
    let orders = app.get_json("/api/v1/orders").await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1);
    app.stop().await;
}
