//! API keys answer to the person who made them: a key never does more than its maker's current role
//! allows, is suspended while its maker is disabled and comes back when they are enabled again, and a
//! key made by a key answers to the same person. Keys made on the command line answer to no one.

use crate::helpers::{Backend, TestApp};
use crate::issuer::{Issuer, Person};
use crate::sign_in::{app_with_issuer, me_json, sign_in, Browser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

crate::on_every_backend!(keys_answer_to_their_maker);

/// A person signed in through the issuer, with their session's CSRF token and id.
struct Signed {
    browser: Browser,
    csrf: String,
    id: String,
}

async fn signed_in(app: &TestApp, issuer: &Issuer, email: &str) -> Signed {
    let mut browser = Browser::new();
    let (status, _, _) = sign_in(app, issuer, &mut browser, Person::new(email)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{email} signs in");
    let me = me_json(app, &mut browser).await;
    Signed {
        browser,
        csrf: me["csrf_token"].as_str().unwrap().to_owned(),
        id: me["id"].as_str().unwrap().to_owned(),
    }
}

/// An admin changes a person's role or access.
async fn change(app: &TestApp, admin: &mut Signed, person: &str, body: Value) {
    let url = format!("{}/api/v1/users/{person}", app.address);
    let csrf = admin.csrf.clone();
    let response = admin
        .browser
        .request(Method::PATCH, &url, Some(&csrf), Some(&body))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "PATCH {body}");
}

/// The key named `name` as `GET /api/v1/api-keys` lists it, checked against the document's schema.
async fn listed(app: &TestApp, name: &str) -> Value {
    let response = app.get("/api/v1/api-keys", &app.admin_key).await;
    let page = crate::openapi::conforms(app, "GET", "/api/v1/api-keys", response).await;
    let items = page["items"].as_array().unwrap();
    let found = items.iter().find(|k| k["name"] == name);
    found.unwrap_or_else(|| panic!("{name} in {page}")).clone()
}

/// A key's answer on `path`, with its problem body when it is refused.
async fn answer(app: &TestApp, path: &str, key: &str) -> (StatusCode, Value) {
    let response = app.get(path, key).await;
    let status = response.status();
    if status.is_success() {
        return (status, Value::Null);
    }
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    (status, response.json().await.unwrap())
}

async fn assert_suspended(app: &TestApp, key: &str, what: &str) {
    for path in ["/api/v1/customers", "/api/v1/me", "/api/v1/users"] {
        let (status, problem) = answer(app, path, key).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} on {path}");
        assert_eq!(problem["type"], "urn:minicrm:problem:key-suspended");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("suspended") && detail.contains("disabled"),
            "{detail}"
        );
    }
    let ingest = app
        .post_json(
            "/api/v1/customers",
            key,
            &json!({"external_id": "c", "name": "n"}),
        )
        .await;
    assert_eq!(ingest.status(), StatusCode::UNAUTHORIZED, "{what} ingests");
}

async fn keys_answer_to_their_maker(backend: Backend) {
    let issuer = Issuer::start().await;
    let app = app_with_issuer(&backend, &issuer, |_| {}).await;
    // Ana is the first to sign in, so an admin; she makes Bea (a viewer at first) an admin too.
    let mut ana = signed_in(&app, &issuer, "ana@example.com").await;
    let mut bea = signed_in(&app, &issuer, "bea@example.com").await;
    let bea_id = bea.id.clone();
    change(&app, &mut ana, &bea_id, json!({"role": "admin"})).await;

    // Bea makes an admin key, and that key makes another: both answer to Bea.
    let url = format!("{}/api/v1/api-keys", app.address);
    let body = json!({"name": "bea-admin", "scopes": ["admin"]});
    let made = bea
        .browser
        .request(Method::POST, &url, Some(&bea.csrf.clone()), Some(&body))
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["maker"]["email"], "bea@example.com", "{made}");
    assert_eq!(made["status"], "active");
    assert_eq!(made["effective_scopes"], json!(["admin"]));
    let bea_key = made["secret"].as_str().unwrap().to_owned();
    let body = json!({"name": "child", "scopes": ["read", "write"]});
    let child = app.post_json("/api/v1/api-keys", &bea_key, &body).await;
    assert_eq!(child.status(), StatusCode::CREATED);
    let child: Value = child.json().await.unwrap();
    assert_eq!(child["created_by"], "api-key:bea-admin");
    assert_eq!(child["maker"]["email"], "bea@example.com", "{child}");
    let child_key = child["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        answer(&app, "/api/v1/users", &bea_key).await.0,
        StatusCode::OK
    );

    // Demoted to marketer: her admin key does what a marketer may, and no more.
    change(&app, &mut ana, &bea_id, json!({"role": "marketer"})).await;
    let (status, problem) = answer(&app, "/api/v1/users", &bea_key).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("marketer"),
        "{problem}"
    );
    assert_eq!(
        answer(&app, "/api/v1/customers", &bea_key).await.0,
        StatusCode::OK
    );
    let key = listed(&app, "bea-admin").await;
    assert_eq!(key["status"], "active");
    assert_eq!(key["scopes"], json!(["admin"]));
    assert_eq!(key["effective_scopes"], json!(["ingest", "read", "write"]));
    assert_eq!(key["maker"]["role"], "marketer");

    // Disabled: her key, and the key her key made, are suspended on every route.
    change(&app, &mut ana, &bea_id, json!({"disabled": true})).await;
    assert_suspended(&app, &bea_key, "her key").await;
    assert_suspended(&app, &child_key, "her key's key").await;
    for name in ["bea-admin", "child"] {
        let key = listed(&app, name).await;
        assert_eq!(key["status"], "suspended", "{key}");
        assert_eq!(key["effective_scopes"], json!([]), "{key}");
        assert!(key["maker"]["disabled_at"].is_string(), "{key}");
    }
    // A key made on the command line answers to no one, and keeps working.
    assert_eq!(
        answer(&app, "/api/v1/users", &app.admin_key).await.0,
        StatusCode::OK
    );
    let cli = listed(&app, "test").await;
    assert_eq!(cli["maker"], Value::Null);
    assert_eq!(cli["status"], "active");

    // Enabled again, still a marketer: back to what a marketer may do. An admin again: everything.
    change(&app, &mut ana, &bea_id, json!({"disabled": false})).await;
    assert_eq!(
        answer(&app, "/api/v1/customers", &bea_key).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&app, "/api/v1/customers", &child_key).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&app, "/api/v1/users", &bea_key).await.0,
        StatusCode::FORBIDDEN
    );
    change(&app, &mut ana, &bea_id, json!({"role": "admin"})).await;
    assert_eq!(
        answer(&app, "/api/v1/users", &bea_key).await.0,
        StatusCode::OK
    );
    assert_eq!(
        listed(&app, "bea-admin").await["effective_scopes"],
        json!(["admin"])
    );

    // Revoked: says so, and does nothing.
    let id = child["id"].as_str().unwrap();
    let url = format!("{}/api/v1/api-keys/{id}", app.address);
    let revoked = ana
        .browser
        .request(Method::DELETE, &url, Some(&ana.csrf.clone()), None)
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let key = listed(&app, "child").await;
    assert_eq!(key["status"], "revoked");
    assert_eq!(key["effective_scopes"], json!([]));
    app.stop().await;
}
