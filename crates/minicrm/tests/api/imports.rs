//! CSV imports end to end: good rows persisted once beside bad rows listed by line and field, custom
//! attributes from extra columns, orders after their customers, progress to `completed`, re-imports
//! that duplicate nothing, refused headers, media types, scopes and size limits, a large file taken
//! whole — and the dashboard's overview, whose days are India's.

use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

crate::on_every_backend!(
    imports_take_good_rows_and_list_bad_ones_by_line,
    imports_of_orders_follow_their_customers_and_a_reimport_duplicates_nothing,
    imports_refuse_bad_headers_media_types_and_callers,
    imports_refuse_files_over_the_limit_even_when_streamed,
    imports_take_a_large_file_whole,
    overview_counts_totals_and_indian_days,
);

async fn post_csv(
    app: &TestApp,
    query: &str,
    key: &str,
    body: impl Into<Vec<u8>>,
) -> (StatusCode, Value) {
    let response = app
        .post_raw(
            &format!("/api/v1/imports?{query}"),
            key,
            "text/csv",
            body.into(),
        )
        .await;
    let status = response.status();
    let json = response.json().await.unwrap_or(Value::Null);
    (status, json)
}

/// Imports a file that must be accepted and returns the import.
async fn import(app: &TestApp, query: &str, body: impl Into<Vec<u8>>) -> Value {
    let (status, json) = post_csv(app, query, &app.ingest_key, body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{json}");
    json
}

/// Waits until an import's every batch is applied.
async fn wait_completed(app: &TestApp, id: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..1200 {
        last = app.get_json(&format!("/api/v1/imports/{id}")).await;
        if last["status"] == "completed" {
            return last;
        }
        assert_ne!(last["status"], "failed", "{last}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} never completed: {last}");
}

fn errors(import: &Value) -> Vec<(i64, Option<String>)> {
    import["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["field"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

async fn status_of(app: &TestApp, path: &str) -> StatusCode {
    app.get(path, &app.admin_key).await.status()
}

async fn imports_take_good_rows_and_list_bad_ones_by_line(backend: Backend) {
    let app = spawn_app(&backend).await;
    let mut file = b"External_ID, Name ,email,phone,city,tier,attributes.segment\n\
C1,Asha Rao,asha@example.com,98765 43210,Pune,gold,vip\n\
C2,Ravi,not-an-email,,Mumbai,silver,\n\
C3,,c3@example.com,,Delhi,,\n\
C4,\"Meera, K\",meera@example.com,,Pune,gold,\"a \"\"quoted\"\" value\"\n\
C5,Too,many,fields,in,this,row,here\n\
\n\
C6,Dev,dev@example.com,,,,\n"
        .to_vec();
    file.extend_from_slice(b"C7,Bad Bytes,,,Pu\xffne,,\n,,,,,,\n");

    let taken = import(&app, "kind=customers&name=shop.csv", file).await;
    assert_eq!(taken["kind"], "customers");
    assert_eq!(taken["name"], "shop.csv");
    assert_eq!(taken["created_by"], "api-key:test");
    assert!(
        ["accepted", "completed"].contains(&taken["status"].as_str().unwrap()),
        "{taken}"
    );
    assert_eq!(
        (
            taken["rows_total"].as_i64(),
            taken["rows_valid"].as_i64(),
            taken["rows_rejected"].as_i64()
        ),
        (Some(7), Some(3), Some(4)),
        "a blank line and a line of empty cells are no rows: {taken}"
    );
    assert_eq!(taken["rows_accepted"], 3);
    assert_eq!(taken["errors_total"], 4);
    assert_eq!(
        errors(&taken),
        vec![
            (3, Some("email".into())),
            (4, Some("name".into())),
            (6, None),
            (9, Some("city".into())),
        ],
        "lines count the header as 1 and the blank line too: {taken}"
    );
    assert!(
        taken["errors"][2]["reason"]
            .as_str()
            .unwrap()
            .contains("8 fields; the header has 7"),
        "{taken}"
    );
    assert_eq!(taken["ingestion_ids"].as_array().unwrap().len(), 1);

    let id = taken["id"].as_str().unwrap();
    let done = wait_completed(&app, id).await;
    assert_eq!(
        (
            done["persisted"].as_i64(),
            done["pending"].as_i64(),
            done["rejected_by_consumer"].as_i64()
        ),
        (Some(3), Some(0), Some(0)),
        "{done}"
    );
    assert_eq!(
        (done["batches"].as_i64(), done["batches_completed"].as_i64()),
        (Some(1), Some(1))
    );
    // The batch is an ordinary ingestion.
    let ingestion = app
        .get_json(&format!(
            "/api/v1/ingestions/{}",
            done["ingestion_ids"][0].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        (ingestion["accepted"].as_i64(), ingestion["status"].as_str()),
        (Some(3), Some("completed"))
    );

    let c1 = app.customer("C1").await;
    assert_eq!(c1["name"], "Asha Rao");
    assert_eq!(c1["phone"], "+919876543210");
    assert_eq!(c1["attributes"], json!({"tier": "gold", "segment": "vip"}));
    let c4 = app.customer("C4").await;
    assert_eq!(c4["name"], "Meera, K");
    assert_eq!(
        c4["attributes"],
        json!({"tier": "gold", "segment": "a \"quoted\" value"})
    );
    let c6 = app.customer("C6").await;
    assert_eq!(
        (c6["city"].clone(), c6["attributes"].clone()),
        (Value::Null, json!({})),
        "empty cells are absent"
    );
    for bad in ["C2", "C3", "C5", "C7"] {
        assert_eq!(
            status_of(&app, &format!("/api/v1/customers/{bad}")).await,
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }

    // A reader sees it, in the list too (newest first, without errors).
    let read = app
        .get(&format!("/api/v1/imports/{id}"), &app.read_key)
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    let second = import(&app, "kind=customers", "external_id,name\nC8,Kiran\n").await;
    let list = app.get_json("/api/v1/imports?limit=1").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["id"], second["id"]);
    assert_eq!(list["items"][0]["name"], Value::Null);
    assert!(list["items"][0].get("errors").is_none());
    let cursor = list["next_cursor"].as_str().unwrap();
    let rest = app
        .get_json(&format!("/api/v1/imports?cursor={cursor}"))
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["id"], id);
    assert_eq!(rest["items"][0]["status"], "completed");
    assert_eq!(rest["next_cursor"], Value::Null);
    assert_eq!(
        status_of(&app, "/api/v1/imports/nope").await,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

async fn imports_of_orders_follow_their_customers_and_a_reimport_duplicates_nothing(
    backend: Backend,
) {
    let app = spawn_app(&backend).await;
    let customers = "external_id,name,city,updated_at\n\
C1,Asha,Pune,2025-01-01T00:00:00Z\n\
C2,Ravi,Mumbai,2025-01-01T00:00:00Z\n";
    let first = import(&app, "kind=customers", customers).await;
    wait_completed(&app, first["id"].as_str().unwrap()).await;

    let orders = "external_id,customer_external_id,amount,Status,ordered_at,items\n\
O1,C1,1499.50,,2025-01-01T10:00:00+05:30,\n\
O2,C1,500,completed,2025-02-01T10:00:00Z,\"[{\"\"sku\"\":\"\"K1\"\",\"\"name\"\":\"\"Kurta\"\",\"\"quantity\"\":2,\"\"price\"\":250}]\"\n\
O3,C2,99.999,,2025-02-01T10:00:00Z,\n\
O4,C2,100,cancelled,2025-03-01T00:00:00Z,\n\
O5,C2,10,,yesterday,not json\n";
    let taken = import(&app, "kind=orders", orders).await;
    assert_eq!(
        (
            taken["rows_valid"].as_i64(),
            taken["rows_rejected"].as_i64()
        ),
        (Some(3), Some(2))
    );
    assert_eq!(
        errors(&taken),
        vec![
            (4, Some("amount".into())),
            (6, Some("ordered_at".into())),
            (6, Some("items".into()))
        ]
    );
    let done = wait_completed(&app, taken["id"].as_str().unwrap()).await;
    assert_eq!(done["persisted"], 3, "{done}");

    let check = |c1: Value, c2: Value| {
        assert_eq!(
            (c1["total_spend"].clone(), c1["order_count"].clone()),
            (json!(1999.5), json!(2)),
            "{c1}"
        );
        assert_eq!(
            (c2["total_spend"].clone(), c2["order_count"].clone()),
            (json!(0.0), json!(0)),
            "{c2}"
        );
    };
    check(app.customer("C1").await, app.customer("C2").await);
    let c1_orders = app.get_json("/api/v1/orders?customer=C1").await;
    assert_eq!(c1_orders["items"].as_array().unwrap().len(), 2);
    let o2 = c1_orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["external_id"] == "O2")
        .unwrap();
    assert_eq!(o2["items"][0]["sku"], "K1");

    // The same files again: new imports, nothing new in the store.
    let again = import(&app, "kind=customers", customers).await;
    let again = wait_completed(&app, again["id"].as_str().unwrap()).await;
    assert_eq!(
        (again["persisted"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(2)),
        "{again}"
    );
    let again = import(&app, "kind=orders", orders).await;
    let again = wait_completed(&app, again["id"].as_str().unwrap()).await;
    assert_eq!(
        (again["persisted"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(3)),
        "{again}"
    );
    check(app.customer("C1").await, app.customer("C2").await);
    let all = app.get_json("/api/v1/customers?limit=500").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let all = app.get_json("/api/v1/orders?limit=500").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    app.stop().await;
}

async fn imports_refuse_bad_headers_media_types_and_callers(backend: Backend) {
    let app = spawn_app(&backend).await;
    let problem = |status: StatusCode, json: &Value, want: StatusCode, field: &str| {
        assert_eq!(status, want, "{json}");
        assert_eq!(json["field"], field, "{json}");
    };
    let (status, json) = post_csv(
        &app,
        "kind=customers",
        &app.ingest_key,
        "external_id,email\nC1,a@example.com\n",
    )
    .await;
    problem(status, &json, StatusCode::UNPROCESSABLE_ENTITY, "name");
    assert!(
        json["detail"].as_str().unwrap().contains("'name'"),
        "{json}"
    );
    let (status, json) = post_csv(
        &app,
        "kind=orders",
        &app.ingest_key,
        "external_id,customer_external_id,ordered_at,colour\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["colour", "amount"], "{json}");
    let (status, json) = post_csv(
        &app,
        "kind=customers",
        &app.ingest_key,
        "external_id,name,Loyalty Tier\n",
    )
    .await;
    problem(
        status,
        &json,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Loyalty Tier",
    );
    let (status, json) = post_csv(&app, "kind=customers", &app.ingest_key, "").await;
    problem(status, &json, StatusCode::UNPROCESSABLE_ENTITY, "file");
    let (status, json) = post_csv(
        &app,
        "kind=customers",
        &app.ingest_key,
        "external_id,name\n\n",
    )
    .await;
    problem(status, &json, StatusCode::UNPROCESSABLE_ENTITY, "file");
    let (status, json) = post_csv(
        &app,
        "kind=segments",
        &app.ingest_key,
        "external_id,name\nC1,A\n",
    )
    .await;
    problem(status, &json, StatusCode::BAD_REQUEST, "kind");
    let (status, json) = post_csv(
        &app,
        "name=x.csv",
        &app.ingest_key,
        "external_id,name\nC1,A\n",
    )
    .await;
    problem(status, &json, StatusCode::BAD_REQUEST, "kind");
    // Nothing was recorded for any of them.
    let list = app.get_json("/api/v1/imports").await;
    assert_eq!(list["items"], json!([]));

    let response = app
        .post_raw(
            "/api/v1/imports?kind=customers",
            &app.ingest_key,
            "application/json",
            b"[{}]".to_vec(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let response = app
        .post_raw(
            "/api/v1/imports?kind=customers",
            &app.ingest_key,
            "text/csv; charset=iso-8859-1",
            b"external_id,name\n".to_vec(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let anonymous = app
        .client
        .post(format!("{}/api/v1/imports?kind=customers", app.address))
        .header("content-type", "text/csv")
        .body("external_id,name\nC1,A\n")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = post_csv(
        &app,
        "kind=customers",
        &app.read_key,
        "external_id,name\nC1,A\n",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = app
        .client
        .get(format!("{}/api/v1/imports", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/api/v1/imports", &app.read_key).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/imports", &app.ingest_key).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        status_of(&app, "/api/v1/customers/C1").await,
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}

/// Posts `chunks` with chunked transfer encoding (no Content-Length), as a client streaming a file
/// does, and gives the answer's status and body.
async fn post_chunked(app: &TestApp, path: &str, chunks: &[Vec<u8>]) -> (u16, String) {
    let head = format!("POST {path} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n");
    let mut body = Vec::new();
    for chunk in chunks {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    raw_request(app, &head, &body).await
}

/// Sends a request line and headers (with the ingest key, a CSV content type and `Connection: close`
/// added) and then `body` as it is, written while the answer is read: the server may answer before it
/// has read it all. Gives the answer's status and body.
async fn raw_request(app: &TestApp, head: &str, body: &[u8]) -> (u16, String) {
    let address = app.address.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "{head}Host: {address}\r\nAuthorization: Bearer {}\r\nContent-Type: text/csv\r\n\
         Connection: close\r\n\r\n",
        app.ingest_key
    );
    let body = body.to_vec();
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await.unwrap();
        for piece in body.chunks(16 * 1024) {
            if writer.write_all(piece).await.is_err() {
                break;
            }
        }
        writer
    });
    let mut answer = Vec::new();
    let _ = reader.read_to_end(&mut answer).await;
    drop(writing.await);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

fn customer_rows(prefix: &str, range: std::ops::Range<usize>) -> String {
    range
        .map(|i| {
            format!(
                "{prefix}{i},Bulk Customer {i},bulk{i}@example.com,98{i:08},Pune,tier{}\n",
                i % 3
            )
        })
        .collect()
}

async fn imports_refuse_files_over_the_limit_even_when_streamed(backend: Backend) {
    let app = spawn_app_with(&backend, |c| c.api.import_max_bytes = 256 * 1024).await;
    let header = "external_id,name,email,phone,city,tier\n";
    // Declared too large: refused before a byte is read (none is sent).
    let big = format!("{header}{}", customer_rows("B", 0..5000));
    assert!(big.len() > 256 * 1024);
    let head = format!(
        "POST /api/v1/imports?kind=customers HTTP/1.1\r\nContent-Length: {}\r\n",
        big.len()
    );
    let (status, body) = raw_request(&app, &head, &[]).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("larger than 262144 bytes"), "{body}");
    assert_eq!(app.get_json("/api/v1/imports").await["items"], json!([]));

    // Streamed without a length: what came before the limit in whole batches was taken, and the
    // import says so.
    let chunks: Vec<Vec<u8>> = big
        .as_bytes()
        .chunks(16 * 1024)
        .map(<[u8]>::to_vec)
        .collect();
    let (status, body) = post_chunked(&app, "/api/v1/imports?kind=customers", &chunks).await;
    assert_eq!(status, 413, "{body}");
    let list = app.get_json("/api/v1/imports").await;
    let failed = &list["items"][0];
    assert_eq!(failed["status"], "failed", "{list}");
    let accepted = failed["rows_accepted"].as_i64().unwrap();
    assert!(
        accepted > 0 && accepted % 1000 == 0,
        "whole batches: {failed}"
    );
    let failure = failed["failure"].as_str().unwrap();
    assert!(failure.contains("larger than 262144 bytes"), "{failure}");
    assert!(
        failure.contains(&format!(
            "the {accepted} valid rows up to line {}",
            accepted + 1
        )),
        "{failure}"
    );
    let last = format!("B{}", accepted - 1);
    for _ in 0..200 {
        if status_of(&app, &format!("/api/v1/customers/{last}")).await == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        status_of(&app, &format!("/api/v1/customers/{last}")).await,
        StatusCode::OK
    );
    assert_eq!(
        status_of(&app, &format!("/api/v1/customers/B{accepted}")).await,
        StatusCode::NOT_FOUND
    );

    // Under the limit, streamed: taken whole.
    let small = format!("{header}{}", customer_rows("S", 0..1500));
    let chunks: Vec<Vec<u8>> = small
        .as_bytes()
        .chunks(7 * 1024)
        .map(<[u8]>::to_vec)
        .collect();
    let (status, body) = post_chunked(&app, "/api/v1/imports?kind=customers", &chunks).await;
    assert_eq!(status, 202, "{body}");
    let taken: Value = serde_json::from_str(body.trim()).unwrap_or_else(|_| {
        // A chunked answer: the JSON sits between its chunk sizes.
        let start = body.find('{').unwrap();
        let end = body.rfind('}').unwrap();
        serde_json::from_str(&body[start..=end]).unwrap()
    });
    assert_eq!(
        (taken["rows_valid"].as_i64(), taken["batches"].as_i64()),
        (Some(1500), Some(2))
    );
    app.stop().await;
}

async fn imports_take_a_large_file_whole(backend: Backend) {
    let app = spawn_app(&backend).await;
    let n = 20_000;
    let mut file = String::from("external_id,name,email,phone,city,tier\n");
    file.push_str(&customer_rows("L", 0..n));
    // A bad row in the middle stops nothing.
    file.push_str("L-bad,,,,,\n");
    let taken = import(&app, "kind=customers&name=big.csv", file).await;
    assert_eq!(
        taken["status"]
            .as_str()
            .map(|s| s == "accepted" || s == "completed"),
        Some(true)
    );
    assert_eq!(
        (
            taken["rows_valid"].as_i64(),
            taken["rows_rejected"].as_i64()
        ),
        (Some(n as i64), Some(1))
    );
    assert_eq!(errors(&taken), vec![(n as i64 + 2, Some("name".into()))]);
    assert_eq!(taken["ingestion_ids"].as_array().unwrap().len(), 20);
    assert_eq!(taken["accepted_through_line"], n as i64 + 1);
    let done = wait_completed(&app, taken["id"].as_str().unwrap()).await;
    assert_eq!(done["persisted"], n as i64, "{done}");
    let count = app
        .post_json(
            "/api/v1/segments/preview",
            &app.read_key,
            &json!({"rules": {"combinator": "and", "rules": [{"field": "name", "operator": "begins_with", "value": "Bulk Customer"}]}}),
        )
        .await;
    let count: Value = count.json().await.unwrap();
    assert_eq!(count["count"], n as i64, "{count}");
    let last = app.customer(&format!("L{}", n - 1)).await;
    assert_eq!(last["attributes"]["tier"], format!("tier{}", (n - 1) % 3));
    app.stop().await;
}

async fn create_campaign(app: &TestApp, body: Value) -> Value {
    let response = app
        .post_json("/api/v1/campaigns", &app.admin_key, &body)
        .await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json
}

/// Today's midnight in India (+05:30), in milliseconds.
fn indian_midnight() -> i64 {
    const DAY: i64 = 86_400_000;
    const OFFSET: i64 = 19_800_000;
    let now = chrono::Utc::now().timestamp_millis();
    (now + OFFSET).div_euclid(DAY) * DAY - OFFSET
}

fn at(ms: i64) -> String {
    minicrm_domain::Timestamp::from_millis(ms).to_rfc3339()
}

fn indian_date(ms: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(19_800).unwrap();
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&offset)
        .format("%Y-%m-%d")
        .to_string()
}

async fn overview_counts_totals_and_indian_days(backend: Backend) {
    let app = spawn_app(&backend).await;
    const H: i64 = 3_600_000;
    const D: i64 = 24 * H;
    let today = indian_midnight();
    let customers = json!([
        {"external_id": "K1", "name": "Asha", "city": "Pune", "phone": "9876543210", "created_at": at(today + H)},
        {"external_id": "K2", "name": "Ravi", "city": "Pune", "phone": "9876543211", "created_at": at(today - D + 2 * H)},
        {"external_id": "K3", "name": "Meera", "city": "Pune", "created_at": at(today - 10 * D + 5 * H)},
        {"external_id": "K4", "name": "Dev", "city": "Delhi", "created_at": at(today - 40 * D)},
        {"external_id": "K5", "name": "Old", "city": "Delhi", "created_at": "2020-01-01T00:00:00Z"},
    ]);
    let id = app.ingest("customers", &customers).await;
    app.wait_for(&id, "completed").await;
    let order = |id: &str, customer: &str, amount: &str, at_ms: i64, status: &str| json!({"external_id": id, "customer_external_id": customer, "amount": amount, "ordered_at": at(at_ms), "status": status});
    let orders = json!([
        order("O1", "K1", "100.50", today + 2 * H, "completed"),
        order("O2", "K1", "200", today + 3 * H, "completed"),
        // Just before midnight in India is the day before.
        order("O3", "K2", "50", today - 60_000, "completed"),
        order("O4", "K2", "999", today - D + H, "cancelled"),
        order("O5", "K3", "1000", today - 10 * D + 6 * H, "completed"),
        order("O6", "K4", "10", today - 40 * D, "completed"),
        order("O7", "K5", "5.25", 1_580_000_000_000, "completed"),
    ]);
    let id = app.ingest("orders", &orders).await;
    app.wait_for(&id, "completed").await;

    let o = app.get_json("/api/v1/overview").await;
    assert_eq!(
        (o["customers"].as_i64(), o["orders"].as_i64()),
        (Some(5), Some(6)),
        "{o}"
    );
    assert_eq!(o["revenue"], json!(1365.75));
    assert_eq!(o["active_campaigns"], 0);
    assert_eq!(o["delivery_rate"], Value::Null);
    assert_eq!(o["days"], 30);
    let series = o["series"].as_array().unwrap();
    assert_eq!(series.len(), 30);
    assert_eq!(o["campaigns"].as_array().unwrap().len(), 30);
    for (i, day) in series.iter().enumerate() {
        let date = indian_date(today - (29 - i as i64) * D);
        assert_eq!(day["date"], date.as_str(), "oldest first");
        assert_eq!(o["campaigns"][i]["date"], date.as_str());
        assert_eq!(
            (
                o["campaigns"][i]["delivered"].as_i64(),
                o["campaigns"][i]["failed"].as_i64()
            ),
            (Some(0), Some(0))
        );
        let want = match 29 - i {
            0 => json!({"date": date, "new_customers": 1, "orders": 2, "revenue": 300.5}),
            1 => json!({"date": date, "new_customers": 1, "orders": 1, "revenue": 50.0}),
            10 => json!({"date": date, "new_customers": 1, "orders": 1, "revenue": 1000.0}),
            _ => json!({"date": date, "new_customers": 0, "orders": 0, "revenue": 0.0}),
        };
        assert_eq!(day, &want, "day {i}");
    }
    assert_eq!(o["from"], series[0]["date"]);
    assert_eq!(o["to"], series[29]["date"]);

    let wide = app.get_json("/api/v1/overview?days=60").await;
    let series = wide["series"].as_array().unwrap();
    assert_eq!(series.len(), 60);
    assert_eq!(
        series[19],
        json!({"date": indian_date(today - 40 * D), "new_customers": 1, "orders": 1, "revenue": 10.0})
    );
    assert_eq!(wide["customers"], 5, "totals are all-time");
    let one = app.get_json("/api/v1/overview?days=1").await;
    assert_eq!(
        one["series"],
        json!([{"date": indian_date(today), "new_customers": 1, "orders": 2, "revenue": 300.5}])
    );
    for bad in ["days=0", "days=366", "days=many"] {
        let response = app
            .get(&format!("/api/v1/overview?{bad}"), &app.read_key)
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let anonymous = app
        .client
        .get(format!("{}/api/v1/overview", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/api/v1/overview", &app.ingest_key).await.status(),
        StatusCode::FORBIDDEN
    );

    // A campaign to Pune (two phones and one without) and one scheduled for tomorrow.
    let pune = json!({"combinator": "and", "rules": [{"field": "city", "operator": "=", "value": "Pune"}]});
    let sent = create_campaign(
        &app,
        json!({"name": "Now", "rules": pune, "channel": "sms", "message": "Hi {{first_name}}"}),
    )
    .await;
    create_campaign(&app, json!({"name": "Later", "rules": pune, "channel": "sms", "message": "Hi", "send_at": at(chrono::Utc::now().timestamp_millis() + D)})).await;
    let mut campaign = Value::Null;
    for _ in 0..600 {
        campaign = app
            .get_json(&format!(
                "/api/v1/campaigns/{}",
                sent["id"].as_str().unwrap()
            ))
            .await;
        if campaign["status"] == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(campaign["status"], "completed", "{campaign}");
    let (delivered, failed) = (
        campaign["stats"]["delivered"].as_i64().unwrap(),
        campaign["stats"]["failed"].as_i64().unwrap(),
    );
    assert_eq!(delivered + failed, 3, "{campaign}");
    let o = app.get_json("/api/v1/overview?days=7").await;
    assert_eq!(o["active_campaigns"], 1, "the scheduled one");
    assert_eq!(o["delivery_rate"].as_f64(), Some(delivered as f64 / 3.0));
    let days = o["campaigns"].as_array().unwrap();
    assert_eq!(
        days[6],
        json!({"date": indian_date(today), "delivered": delivered, "failed": failed}),
        "{o}"
    );
    assert!(
        days[..6]
            .iter()
            .all(|d| d["delivered"] == 0 && d["failed"] == 0),
        "{o}"
    );
    app.stop().await;
}
