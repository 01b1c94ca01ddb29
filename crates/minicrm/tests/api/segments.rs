//! Segments: the field catalogue and the audience preview, on a small known audience where every
//! operator family has a customer that it should and should not select.

use crate::helpers::{spawn_app, Backend, TestApp};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

crate::on_every_backend!(
    preview_counts_and_samples_the_audience,
    letters_beyond_ascii_match_in_any_case,
    rule_mistakes_are_named,
    the_catalogue_lists_fields_and_values,
    saved_segments_are_created_listed_updated_and_deleted,
);

fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339()
}

fn order(
    id: &str,
    customer: &str,
    amount: i64,
    days: i64,
    status: &str,
    category: Option<&str>,
) -> Value {
    let mut o = json!({"external_id": id, "customer_external_id": customer, "amount": amount, "ordered_at": days_ago(days), "status": status});
    if let Some(c) = category {
        o["items"] = json!([{"sku": format!("SKU-{c}"), "name": c, "category": c, "quantity": 1, "price": amount}]);
    }
    o
}

/// A: Mumbai gold, three recent orders; B: Pune silver, one old; C: no city, never ordered;
/// D: mumbai gold, one old big order and a recent cancelled one; E: Delhi, two orders 40 days ago.
async fn audience(app: &TestApp) {
    let customers = json!([
        {"external_id": "A", "name": "Asha", "email": "asha@example.com", "city": "Mumbai", "attributes": {"tier": "gold"}},
        {"external_id": "B", "name": "Bala", "email": "bala@example.com", "city": "Pune", "attributes": {"tier": "silver"}},
        {"external_id": "C", "name": "Chitra", "email": "chitra@example.com"},
        {"external_id": "D", "name": "Dev", "email": "dev@example.com", "city": "mumbai", "attributes": {"tier": "Gold"}},
        {"external_id": "E", "name": "Esha", "city": "Delhi"}]);
    let id = app.ingest("customers", &customers).await;
    app.wait_for(&id, "completed").await;
    let orders = json!([
        order("A1", "A", 1000, 2, "completed", Some("apparel")),
        order("A2", "A", 1000, 5, "completed", None),
        order("A3", "A", 1000, 9, "completed", None),
        order("B1", "B", 500, 100, "completed", Some("footwear")),
        order("D1", "D", 20000, 200, "completed", None),
        order("D2", "D", 10000, 5, "cancelled", Some("apparel")),
        order("E1", "E", 2500, 40, "completed", None),
        order("E2", "E", 2500, 41, "completed", None)
    ]);
    let id = app.ingest("orders", &orders).await;
    app.wait_for(&id, "completed").await;
}

async fn preview(app: &TestApp, rules: Value) -> Value {
    let response = app
        .post_json(
            "/api/v1/segments/preview",
            &app.read_key,
            &json!({"rules": rules}),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{rules} → {body}");
    body
}

async fn audience_of(app: &TestApp, rules: Value) -> Vec<String> {
    let body = preview(app, rules).await;
    let mut ids: Vec<String> = body["sample"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["external_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(body["count"].as_u64().unwrap() as usize, ids.len());
    ids.sort();
    ids
}

fn one(field: &str, operator: &str, value: Value) -> Value {
    json!({"combinator": "and", "rules": [{"field": field, "operator": operator, "value": value}]})
}

async fn preview_counts_and_samples_the_audience(backend: Backend) {
    let app = spawn_app(&backend).await;
    audience(&app).await;
    let cases = [
        (one("total_spend", ">", json!(2000)), "A D E"),
        (one("city", "=", json!("MUMBAI")), "A D"),
        (one("city", "!=", json!("mumbai")), "B C E"),
        (one("city", "in", json!("Pune, Delhi")), "B E"),
        (one("email", "is_null", Value::Null), "E"),
        (one("name", "begins_with", json!("a")), "A"),
        (one("last_order_at", "older_than_days", json!(90)), "B C D"),
        (one("last_order_at", "within_last_days", json!(30)), "A"),
        (
            one("orders_in_last_days", ">=", json!({"days": 30, "value": 2})),
            "A",
        ),
        (
            one(
                "spend_in_last_days",
                ">=",
                json!({"days": 60, "value": 5000}),
            ),
            "E",
        ),
        (one("bought_category", "=", json!("Apparel")), "A"),
        (one("bought_category", "!=", json!("apparel")), "B C D E"),
        (one("attributes.tier", "in", json!(["gold"])), "A D"),
        (
            one("avg_order_value", "between", json!([1000, 2500])),
            "A E",
        ),
        (one("order_count", "=", json!(0)), "C"),
        (
            json!({"combinator": "and", "rules": [
            {"field": "city", "operator": "in", "value": ["mumbai", "pune"]},
            {"combinator": "or", "rules": [
                {"field": "order_count", "operator": "<", "value": 2},
                {"field": "total_spend", "operator": ">=", "value": "20000"}]}]}),
            "B D",
        ),
        (
            json!({"combinator": "and", "not": true, "rules": [{"field": "city", "operator": "=", "value": "mumbai"}]}),
            "B C E",
        ),
    ];
    for (rules, expected) in cases {
        let expected: Vec<String> = expected.split(' ').map(str::to_owned).collect();
        assert_eq!(audience_of(&app, rules.clone()).await, expected, "{rules}");
    }
    let body = preview(&app, one("city", "=", json!("mumbai"))).await;
    let d = body["sample"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["external_id"] == "D")
        .unwrap()
        .clone();
    assert_eq!(
        (d["order_count"].as_i64(), d["total_spend"].clone()),
        (Some(1), json!(20000.0)),
        "the sample carries aggregates: {d}"
    );
    app.stop().await;
}

/// SQLite's own lower() folds ASCII only; previews and the customer list fold every letter, as
/// PostgreSQL does.
async fn letters_beyond_ascii_match_in_any_case(backend: Backend) {
    let app = spawn_app(&backend).await;
    let customers = json!([
        {"external_id": "E1", "name": "Élodie Ørsted", "city": "ZÜRICH", "attributes": {"tier": "ÉLITE"}},
        {"external_id": "E2", "name": "elodie", "city": "Zurich"},
        {"external_id": "E3", "name": "Ömer", "city": "zürich"}]);
    let id = app.ingest("customers", &customers).await;
    app.wait_for(&id, "completed").await;
    let orders = json!([order("O1", "E3", 100, 1, "completed", Some("Épicerie"))]);
    let id = app.ingest("orders", &orders).await;
    app.wait_for(&id, "completed").await;
    for (rules, expected) in [
        (one("name", "contains", json!("é")), "E1"),
        (one("name", "begins_with", json!("ÉLO")), "E1"),
        (one("name", "not_contains", json!("ø")), "E2 E3"),
        (one("city", "=", json!("Zürich")), "E1 E3"),
        (one("city", "in", json!(["zürich", "zurich"])), "E1 E2 E3"),
        (one("attributes.tier", "=", json!("élite")), "E1"),
        (one("bought_category", "=", json!("ÉPICERIE")), "E3"),
    ] {
        let expected: Vec<String> = expected.split(' ').map(str::to_owned).collect();
        assert_eq!(audience_of(&app, rules.clone()).await, expected, "{rules}");
    }
    for (query, expected) in [
        ("q=%C3%A9lodie", vec!["E1"]),          // élodie
        ("city=Z%C3%BCrich", vec!["E3", "E1"]), // Zürich, newest first
        ("q=elodie", vec!["E2"]),
    ] {
        let page = app.get_json(&format!("/api/v1/customers?{query}")).await;
        let ids: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["external_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, expected, "{query}");
    }
    app.stop().await;
}

async fn rule_mistakes_are_named(backend: Backend) {
    let app = spawn_app(&backend).await;
    let bad = json!({"rules": {"combinator": "and", "rules": [
        {"field": "total_spend", "operator": ">", "value": 1},
        {"combinator": "or", "rules": [{"field": "shoe_size", "operator": "=", "value": 9}]}]}});
    let response = app
        .post_json("/api/v1/segments/preview", &app.read_key, &bad)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["pointer"], "/rules/rules/1/rules/0/field",
        "{body}"
    );
    let response = app
        .post_json(
            "/api/v1/segments/preview",
            &app.read_key,
            &json!({"filters": []}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = app
        .post_json(
            "/api/v1/segments/preview",
            &app.ingest_key,
            &json!({"rules": one("city", "=", json!("x"))}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

async fn the_catalogue_lists_fields_and_values(backend: Backend) {
    let app = spawn_app(&backend).await;
    audience(&app).await;
    let body = app.get_json("/api/v1/segments/fields").await;
    let fields = body["fields"].as_array().unwrap();
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {body}"))
            .clone()
    };
    assert_eq!(field("total_spend")["type"], "money");
    assert!(field("last_order_at")["note"]
        .as_str()
        .unwrap()
        .contains("never ordered"));
    let cities: Vec<Value> = field("city")["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].clone())
        .collect();
    assert!(
        cities.contains(&json!("Mumbai")) && cities.contains(&json!("Delhi")),
        "{cities:?}"
    );
    assert_eq!(field("attributes.tier")["type"], "text");
    app.stop().await;
}

async fn saved_segments_are_created_listed_updated_and_deleted(backend: Backend) {
    let app = spawn_app(&backend).await;
    audience(&app).await;
    let mumbai = json!({"name": "Mumbai", "description": "Everyone in Mumbai", "rules": one("city", "=", json!("mumbai"))});
    let response = app
        .post_json("/api/v1/segments", &app.admin_key, &mumbai)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        (
            created["last_count"].as_i64(),
            created["created_by"].as_str()
        ),
        (Some(2), Some("api-key:test")),
        "{created}"
    );
    assert_eq!(created["rules"], mumbai["rules"]);
    assert!(created["last_count_at"].is_string());

    let again = app
        .post_json(
            "/api/v1/segments",
            &app.admin_key,
            &json!({"name": "MUMBAI", "rules": one("city", "=", json!("x"))}),
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "names are unique, whatever their case"
    );
    let bad = app
        .post_json(
            "/api/v1/segments",
            &app.admin_key,
            &json!({"name": "Bad", "rules": one("nope", "=", json!(1))}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unnamed = app
        .post_json(
            "/api/v1/segments",
            &app.admin_key,
            &json!({"name": " ", "rules": one("city", "=", json!("x"))}),
        )
        .await;
    assert_eq!(unnamed.status(), StatusCode::BAD_REQUEST);
    let reader = app
        .post_json("/api/v1/segments", &app.read_key, &mumbai)
        .await;
    assert_eq!(reader.status(), StatusCode::FORBIDDEN);

    for name in ["Big spenders", "Lapsed"] {
        let body = json!({"name": name, "rules": one("total_spend", ">", json!(2000))});
        assert_eq!(
            app.post_json("/api/v1/segments", &app.admin_key, &body)
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let first = app.get_json("/api/v1/segments?limit=2").await;
    let names = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&first), vec!["Lapsed", "Big spenders"]);
    let rest = app
        .get_json(&format!(
            "/api/v1/segments?limit=2&cursor={}",
            first["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (names(&rest), rest["next_cursor"].clone()),
        (vec!["Mumbai".to_owned()], Value::Null)
    );

    let id = created["id"].as_str().unwrap();
    let changed =
        json!({"name": "Mumbai or Pune", "rules": one("city", "in", json!(["mumbai", "pune"]))});
    let response = app
        .client
        .put(format!("{}/api/v1/segments/{id}", app.address))
        .bearer_auth(&app.admin_key)
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(
        (updated["name"].as_str(), updated["last_count"].as_i64()),
        (Some("Mumbai or Pune"), Some(3))
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/segments/{id}")).await["description"],
        Value::Null
    );

    let delete = |id: String| {
        app.client
            .delete(format!("{}/api/v1/segments/{id}", app.address))
            .bearer_auth(&app.admin_key)
            .send()
    };
    assert_eq!(
        delete(id.to_owned()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(id.to_owned()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/segments/{id}"), &app.read_key)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
