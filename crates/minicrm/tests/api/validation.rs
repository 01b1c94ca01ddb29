//! Bad input: every invalid field named with its row and JSON pointer, the batch refused whole, and clear
//! 4xx answers for malformed JSON, wrong content types, oversized bodies and bad query strings.

use crate::helpers::{spawn_app, spawn_app_with, Backend};
use reqwest::StatusCode;
use serde_json::{json, Value};

crate::on_every_backend!(
    every_bad_field_is_named_and_nothing_is_persisted,
    malformed_bodies_get_clear_client_errors,
    bad_queries_and_unknown_routes_are_problems,
    nul_characters_are_refused_by_name,
);

async fn problem(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:minicrm:problem:"),
        "{body}"
    );
    assert_eq!(body["status"], status.as_u16());
    body
}

fn errors(body: &Value) -> Vec<(i64, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["index"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn every_bad_field_is_named_and_nothing_is_persisted(backend: Backend) {
    let app = spawn_app(&backend).await;
    let customers = json!([
        {"external_id": "ok", "name": "Fine"},
        {"name": "   "},
        {"external_id": 7, "name": "N", "email": "not-an-email", "phone": "12ab", "created_at": "yesterday"},
        {"external_id": "x", "name": "N", "updated_at": "2999-01-01T00:00:00Z", "attributes": {"bad key": 1}},
        {"external_id": "y", "name": "N", "nickname": "extra"},
        "not an object"]);
    let body = problem(
        app.post_json("/api/v1/customers", &app.ingest_key, &customers)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let expected: Vec<(i64, String)> = [
        (1, "external_id"),
        (1, "name"),
        (2, "external_id"),
        (2, "email"),
        (2, "phone"),
        (2, "created_at"),
        (3, "attributes"),
        (3, "updated_at"),
        (4, "nickname"),
        (5, ""),
    ]
    .into_iter()
    .map(|(i, f)| (i, f.to_owned()))
    .collect();
    assert_eq!(errors(&body), expected, "{body}");
    assert_eq!(body["errors"][3]["pointer"], "/2/email");

    let orders = json!([
        {"external_id": "o1", "customer_external_id": "c", "amount": -1, "ordered_at": "2025-01-01T00:00:00Z"},
        {"external_id": "o2", "customer_external_id": "c", "amount": "12.345", "currency": "XYZ", "ordered_at": "1960-01-01T00:00:00Z"},
        {"external_id": "o3", "customer_external_id": "c", "amount": 5, "currency": "USD", "status": "lost", "ordered_at": "2025-01-01T00:00:00Z",
         "items": [{"sku": "s", "name": "n", "quantity": 1.5, "price": "abc"}]}]);
    let body = problem(
        app.post_json("/api/v1/orders", &app.ingest_key, &orders)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let expected: Vec<(i64, String)> = [
        (0, "amount"),
        (1, "currency"),
        (1, "amount"),
        (1, "ordered_at"),
        (2, "currency"),
        (2, "status"),
        (2, "items[0].quantity"),
        (2, "items[0].price"),
    ]
    .into_iter()
    .map(|(i, f)| (i, f.to_owned()))
    .collect();
    assert_eq!(errors(&body), expected, "{body}");
    assert_eq!(body["errors"][6]["pointer"], "/2/items/0/quantity");

    let list = app.get_json("/api/v1/customers").await;
    assert_eq!(list["items"], json!([]), "a refused batch persists nothing");
    app.stop().await;
}

async fn malformed_bodies_get_clear_client_errors(backend: Backend) {
    let app = spawn_app_with(&backend, |c| c.api.max_body_bytes = 64 * 1024).await;
    let key = app.ingest_key.clone();
    let body = problem(
        app.post_raw(
            "/api/v1/customers",
            &key,
            "application/json",
            b"{\"external_id\": ".to_vec(),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("not valid JSON"),
        "{body}"
    );
    problem(
        app.post_raw("/api/v1/customers", &key, "text/plain", b"{}".to_vec())
            .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    problem(
        app.post_raw(
            "/api/v1/customers",
            &key,
            "application/json",
            b"[]".to_vec(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        app.post_raw(
            "/api/v1/customers",
            &key,
            "application/json",
            b"\"text\"".to_vec(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let big = vec![b' '; 100 * 1024];
    problem(
        app.post_raw("/api/v1/customers", &key, "application/json", big)
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;

    let app2 = spawn_app(&backend).await;
    let many: Vec<Value> = (0..10_001)
        .map(|i| json!({"external_id": format!("c{i}"), "name": "n"}))
        .collect();
    let body = problem(
        app2.post_json("/api/v1/customers", &app2.ingest_key, &Value::Array(many))
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("10000"), "{body}");
    let ok: Vec<Value> = (0..10_000)
        .map(|i| json!({"external_id": format!("c{i}"), "name": "n"}))
        .collect();
    let id = app2.ingest("customers", &Value::Array(ok)).await;
    assert_eq!(app2.wait_for(&id, "completed").await["persisted"], 10_000);
    app.stop().await;
    app2.stop().await;
}

async fn bad_queries_and_unknown_routes_are_problems(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = app.read_key.clone();
    let body = problem(
        app.get("/api/v1/customers?limit=0", &key).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["field"], "limit");
    let body = problem(
        app.get("/api/v1/customers?cursor=garbage!", &key).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["field"], "cursor");
    let body = problem(
        app.get("/api/v1/customers?min_spend=lots", &key).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["field"], "min_spend");
    let body = problem(
        app.get("/api/v1/customers?limit=ten", &key).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["field"], "limit");
    let body = problem(
        app.get("/api/v1/customers?colour=red", &key).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(body["field"], "colour");
    problem(
        app.get("/api/v1/customers/nobody", &key).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get("/api/v1/ingestions/nothing", &key).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get("/api/v1/nowhere", &key).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    app.stop().await;
}

/// PostgreSQL stores no NUL character (U+0000): in a query, a path or a body it is a 400 that names
/// where, on both backends alike, never a failed query (a 500) or a message its consumer cannot apply.
async fn nul_characters_are_refused_by_name(backend: Backend) {
    let app = spawn_app(&backend).await;
    for (path, field) in [
        ("/api/v1/customers?q=a%00", "q"),
        ("/api/v1/orders?customer=%00", "customer"),
        ("/api/v1/campaigns?cursor=%00", "cursor"),
        ("/api/v1/campaigns/%00", "id"),
        ("/api/v1/customers/c%001", "external_id"),
        ("/api/v1/segments/%00", "id"),
    ] {
        let body = problem(app.get(path, &app.admin_key).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["field"], field, "{path}");
    }
    let segment =
        json!({"name": "a\u{0}b", "rules": {"rules": [{"field": "email", "operator": "is_null"}]}});
    let response = app
        .post_json("/api/v1/segments", &app.admin_key, &segment)
        .await;
    assert_eq!(
        problem(response, StatusCode::BAD_REQUEST).await["field"],
        "/name"
    );
    let customers = json!([{"external_id": "c1", "name": "A", "attributes": {"note": "x\u{0}"}}]);
    let response = app
        .post_json("/api/v1/customers", &app.ingest_key, &customers)
        .await;
    let body = problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["field"], "/0/attributes/note");
    // A CSV cell cannot escape its way past: the row is refused with its reason.
    let csv = b"external_id,name,attributes.note\nc1,A,x\x00y\n".to_vec();
    let response = app
        .post_raw(
            "/api/v1/imports?kind=customers",
            &app.ingest_key,
            "text/csv",
            csv,
        )
        .await;
    let status = response.status();
    let import: Value = response.json().await.unwrap();
    assert!(
        status == StatusCode::ACCEPTED || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}: {import}"
    );
    assert_eq!(import["rows_valid"].as_i64().unwrap_or(0), 0, "{import}");
    app.stop().await;
}
