//! The OpenAPI document against the router it describes: every documented operation is routed, every
//! reference resolves, every path parameter is documented, guarded routes say how to authenticate, and
//! real answers validate against the schemas the document gives for them.

use crate::helpers::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

/// The document as clients read it.
fn document() -> Value {
    serde_json::to_value(minicrm_api::openapi()).expect("the document serialises")
}

/// Every `(method, path, operation)` of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                found.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

/// What a `$ref` (`#/components/...`) points at, if anything.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Every `$ref` anywhere under `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[test]
fn the_document_describes_the_api_completely() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(doc["info"]["description"].as_str().unwrap().len() > 100);
    let mut refs = Vec::new();
    references(&doc, &mut refs);
    for r in &refs {
        assert!(resolve(&doc, r).is_some(), "the reference {r} resolves");
    }
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut ids = std::collections::HashSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(
            ids.insert(id.to_owned()),
            "{method} {path}: unique operationId {id}"
        );
        let tag = operation["tags"][0].as_str().unwrap_or_default();
        assert!(
            tags.contains(&tag),
            "{method} {path}: a declared tag, not {tag:?}"
        );
        assert_path_parameters(&path, &operation);
        assert_responses(&doc, &method, &path, &operation);
        assert_examples_fit(&doc, &method, &path, &operation);
    }
    assert!(ids.len() >= 40, "{} operations", ids.len());
}

/// A request body's example fits its own schema: readers copy it, and schemathesis starts from it.
fn assert_examples_fit(doc: &Value, method: &str, path: &str, operation: &Value) {
    for (media, body) in operation["requestBody"]["content"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if let Some(example) = body.get("example") {
            let errors = schema_errors(doc, &body["schema"], example);
            assert!(errors.is_empty(), "{method} {path} {media}: {errors:?}");
        }
    }
}

/// Every `{name}` of the path is a documented path parameter, and every path parameter is in the path.
fn assert_path_parameters(path: &str, operation: &Value) {
    let in_path: Vec<&str> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    let documented: Vec<&str> = operation["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(in_path, documented, "{path}: its path parameters");
    for p in operation["parameters"].as_array().into_iter().flatten() {
        assert!(p["schema"].is_object(), "{path}: {p} has a schema");
    }
}

/// A success answer with a body schema, errors as problem+json, and for a guarded route its security
/// and its 401.
fn assert_responses(doc: &Value, method: &str, path: &str, operation: &Value) {
    let responses = operation["responses"].as_object().unwrap();
    assert!(
        responses
            .keys()
            .any(|s| s.starts_with('2') || s.starts_with('3')),
        "{method} {path}: a success answer"
    );
    for (status, response) in responses {
        let response = match response["$ref"].as_str() {
            Some(r) => resolve(doc, r).unwrap(),
            None => response,
        };
        let content = response["content"].as_object();
        for (media, body) in content.into_iter().flatten() {
            assert!(
                body["schema"].is_object(),
                "{method} {path} {status} {media}: a schema"
            );
        }
        let html = content.is_some_and(|c| c.contains_key("text/html"));
        if status.starts_with('4') || status.starts_with('5') {
            let problem = content.is_some_and(|c| c.contains_key("application/problem+json"));
            assert!(
                problem || html || path == "/readyz",
                "{method} {path} {status}: a problem"
            );
        }
    }
    // What the JSON body reader itself refuses: malformed or NUL-holding, too large, not JSON.
    if operation["requestBody"]["content"]["application/json"].is_object() {
        for status in ["400", "413", "415"] {
            assert!(responses.contains_key(status), "{method} {path}: {status}");
        }
    }
    let public = minicrm_api::auth::PUBLIC_ROUTES.contains(&(method, path));
    assert_eq!(
        operation["security"].is_null(),
        public,
        "{method} {path}: security"
    );
    if !public {
        for status in ["401", "429", "503"] {
            assert!(responses.contains_key(status), "{method} {path}: {status}");
        }
    }
}

/// Each documented operation reaches a handler: neither a 405 nor the router's own 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_routed() {
    let app = spawn_app(&Backend::Sqlite).await;
    for (method, path, operation) in operations(&document()) {
        let concrete = path
            .replace("{id}", "nope")
            .replace("{external_id}", "nope");
        let csv = operation["requestBody"]["content"]["text/csv"].is_object();
        let response = app
            .client
            .request(
                method.parse().unwrap(),
                format!("{}{concrete}", app.address),
            )
            .bearer_auth(&app.admin_key)
            .header(
                "content-type",
                if csv { "text/csv" } else { "application/json" },
            )
            .body(if csv { "external_id,name\n" } else { "{}" })
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        let body = response.text().await.unwrap();
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("no such route")),
            "{method} {path} is routed: {body}"
        );
    }
    app.stop().await;
}

/// The schema the document gives for `method path` answering `status` in `media`.
fn documented_schema(doc: &Value, method: &str, path: &str, status: u16, media: &str) -> Value {
    let operation = &doc["paths"][path][method.to_lowercase()];
    let mut response = &operation["responses"][status.to_string()];
    if let Some(r) = response["$ref"].as_str() {
        response = resolve(doc, r).unwrap();
    }
    let schema = &response["content"][media]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status} {media} is documented"
    );
    schema.clone()
}

/// Checks a real answer against its documented status, media type and schema.
pub(crate) async fn conforms(
    app: &TestApp,
    method: &str,
    path: &str,
    response: reqwest::Response,
) -> Value {
    let doc = document();
    let status = response.status().as_u16();
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    let schema = documented_schema(&doc, method, path, status, &media);
    let errors = schema_errors(&doc, &schema, &body);
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:?}\n{body:#}"
    );
    let _ = app;
    body
}

/// What is wrong with `body` by `schema`, a schema of the document (formats checked too).
fn schema_errors(doc: &Value, schema: &Value, body: &Value) -> Vec<String> {
    // The schema refers to the document's components: validate with the document as the root.
    let root = json!({"components": doc["components"], "allOf": [schema]});
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .expect("a valid schema");
    validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// The validation above has teeth: a body that breaks its schema is caught, deep in a `$ref`.
#[test]
fn a_body_that_breaks_its_schema_is_caught() {
    let doc = document();
    let page = json!({"$ref": "#/components/schemas/Page_CustomerOut"});
    let customer = json!({"external_id": "c1", "name": "A", "attributes": {}, "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z", "total_spend": 10.5, "order_count": 1});
    assert!(schema_errors(
        &doc,
        &page,
        &json!({"items": [customer], "next_cursor": null})
    )
    .is_empty());
    let mut bad = customer.clone();
    bad["total_spend"] = json!("10.5");
    assert!(!schema_errors(&doc, &page, &json!({"items": [bad], "next_cursor": null})).is_empty());
    bad = customer;
    bad["created_at"] = json!("yesterday");
    assert!(!schema_errors(&doc, &page, &json!({"items": [bad], "next_cursor": null})).is_empty());
    let rules = json!({"$ref": "#/components/schemas/RuleGroup"});
    let nested = json!({"rules": [{"combinator": "or", "rules": [{"field": "city", "operator": "=", "value": "Pune"}]}]});
    assert!(schema_errors(&doc, &rules, &nested).is_empty());
    let empty = json!({"rules": [{"combinator": "or", "rules": []}]});
    assert!(
        !schema_errors(&doc, &rules, &empty).is_empty(),
        "an empty nested group"
    );
}

async fn get(app: &TestApp, template: &str, path: &str) -> Value {
    let response = app.get(path, &app.admin_key).await;
    conforms(app, "GET", template, response).await
}

async fn post(app: &TestApp, template: &str, path: &str, body: &Value) -> Value {
    let response = app.post_json(path, &app.admin_key, body).await;
    conforms(app, "POST", template, response).await
}

/// Some customers and their orders, applied.
async fn seed(app: &TestApp) {
    let customers = json!([
        {"external_id": "c1", "name": "Asha Verma", "email": "asha@example.com", "phone": "+919876543210",
         "city": "Pune", "attributes": {"tier": "gold", "vip": true}},
        {"external_id": "c2", "name": "Ravi Kumar", "city": "Delhi"}
    ]);
    let id = app.ingest("customers", &customers).await;
    app.wait_for(&id, "completed").await;
    let orders = json!([{"external_id": "o1", "customer_external_id": "c1", "amount": "1499.50",
        "ordered_at": "2025-01-10T10:00:00Z",
        "items": [{"sku": "S1", "name": "Kurta", "category": "apparel", "quantity": 1, "price": 1499.5}]}]);
    let id = app.ingest("orders", &orders).await;
    app.wait_for(&id, "completed").await;
}

async fn real_answers_match_their_schemas(backend: Backend) {
    let app = spawn_app(&backend).await;
    seed(&app).await;
    let rules = json!({"combinator": "and", "rules": [
        {"field": "total_spend", "operator": ">", "value": 100},
        {"combinator": "or", "not": false, "rules": [
            {"field": "city", "operator": "in", "value": ["Pune", "Delhi"]},
            {"field": "last_order_at", "operator": "older_than_days", "value": 30}]}]});

    get(&app, "/api/v1/customers", "/api/v1/customers?limit=1").await;
    let customer = get(
        &app,
        "/api/v1/customers/{external_id}",
        "/api/v1/customers/c1",
    )
    .await;
    assert_eq!(customer["recent_orders"][0]["items"][0]["sku"], "S1");
    get(&app, "/api/v1/orders", "/api/v1/orders").await;
    get(&app, "/api/v1/segments/fields", "/api/v1/segments/fields").await;
    let preview = post(
        &app,
        "/api/v1/segments/preview",
        "/api/v1/segments/preview",
        &json!({"rules": rules}),
    )
    .await;
    assert_eq!(preview["count"], 1);
    let segment = post(
        &app,
        "/api/v1/segments",
        "/api/v1/segments",
        &json!({"name": "Spenders", "description": null, "rules": rules}),
    )
    .await;
    get(&app, "/api/v1/segments", "/api/v1/segments").await;
    let campaign = post(
        &app,
        "/api/v1/campaigns",
        "/api/v1/campaigns",
        &json!({
        "name": "Welcome back", "segment_id": segment["id"], "channel": "sms",
        "message": "Hi {{first_name | default: \"there\"}}", "objective": "win-back"}),
    )
    .await;
    let id = campaign["id"].as_str().unwrap();
    wait_until_done(&app, id).await;
    get(
        &app,
        "/api/v1/campaigns/{id}",
        &format!("/api/v1/campaigns/{id}"),
    )
    .await;
    get(&app, "/api/v1/campaigns", "/api/v1/campaigns").await;
    get(
        &app,
        "/api/v1/campaigns/{id}/messages",
        &format!("/api/v1/campaigns/{id}/messages"),
    )
    .await;
    get(
        &app,
        "/api/v1/campaigns/{id}/summary",
        &format!("/api/v1/campaigns/{id}/summary"),
    )
    .await;
    get(
        &app,
        "/api/v1/campaigns/{id}/timeline",
        &format!("/api/v1/campaigns/{id}/timeline"),
    )
    .await;
    get(
        &app,
        "/api/v1/campaigns/variables",
        "/api/v1/campaigns/variables",
    )
    .await;
    get(&app, "/api/v1/overview", "/api/v1/overview?days=7").await;
    get(&app, "/api/v1/me", "/api/v1/me").await;
    get(&app, "/api/v1/api-keys", "/api/v1/api-keys").await;
    post(
        &app,
        "/api/v1/api-keys",
        "/api/v1/api-keys",
        &json!({"name": "ci", "scopes": ["read"]}),
    )
    .await;
    get(&app, "/api/v1/imports", "/api/v1/imports").await;
    post(
        &app,
        "/api/v1/ai/segment-rules",
        "/api/v1/ai/segment-rules",
        &json!({"prompt": "spent over 1000 and live in Pune"}),
    )
    .await;
    post(
        &app,
        "/api/v1/ai/messages",
        "/api/v1/ai/messages",
        &json!({"objective": "win-back", "channel": "email", "rules": rules}),
    )
    .await;
    post(
        &app,
        "/api/v1/ai/send-time",
        "/api/v1/ai/send-time",
        &json!({"segment_id": segment["id"]}),
    )
    .await;
    get(&app, "/readyz", "/readyz").await;
    problems_match_their_schema(&app).await;
    app.stop().await;
}

/// Problem bodies of several kinds: a bad parameter, bad records, bad rules, a missing resource, no
/// credentials.
async fn problems_match_their_schema(app: &TestApp) {
    let bad_limit = get(app, "/api/v1/customers", "/api/v1/customers?limit=0").await;
    assert_eq!(bad_limit["field"], "limit");
    let records = app
        .post_json("/api/v1/customers", &app.ingest_key, &json!([{"name": ""}]))
        .await;
    let records = conforms(app, "POST", "/api/v1/customers", records).await;
    assert_eq!(records["errors"][0]["pointer"], "/0/external_id");
    let rules = json!({"rules": {"rules": [{"field": "nope", "operator": "="}]}});
    let bad_rules = post(
        app,
        "/api/v1/segments/preview",
        "/api/v1/segments/preview",
        &rules,
    )
    .await;
    assert_eq!(bad_rules["status"], 422);
    let campaign = post(
        app,
        "/api/v1/campaigns",
        "/api/v1/campaigns",
        &json!({"name": ""}),
    )
    .await;
    assert_eq!(campaign["field"], "name");
    get(app, "/api/v1/campaigns/{id}", "/api/v1/campaigns/nope").await;
    let anonymous = app
        .client
        .get(format!("{}/api/v1/me", app.address))
        .send()
        .await
        .unwrap();
    conforms(app, "GET", "/api/v1/me", anonymous).await;
}

async fn wait_until_done(app: &TestApp, id: &str) {
    for _ in 0..200 {
        let campaign = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
        if campaign["status"] == "completed" && campaign["stats"]["queued"] == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("campaign {id} did not complete");
}

crate::on_every_backend!(real_answers_match_their_schemas);

/// The docs page: Swagger UI from the binary, public, reading this server's document under the app's
/// own CSP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_shows_the_document() {
    let app = spawn_app(&Backend::Sqlite).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();
    let page = get("/api/docs").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "redirected to the page");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let init = get("/api/docs/swagger-initializer.js").await.unwrap();
    assert_eq!(init.status(), StatusCode::OK);
    assert!(init.text().await.unwrap().contains("/api/openapi.json"));
    let missing = get("/api/docs/nope.js").await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );
    let document = get("/api/openapi.json").await.unwrap();
    assert_eq!(document.status(), StatusCode::OK);
    app.stop().await;
}

/// `minicrm openapi` prints the document without a server or a database (its settings are not even
/// read): what the web UI's types are generated from (scripts/api-types).
#[test]
fn the_openapi_command_prints_the_document() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_minicrm"))
        .arg("openapi")
        .env_clear()
        .env("DATABASE_URL", "nowhere://at-all")
        .output()
        .expect("minicrm runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(printed, document());
}
