//! API keys: every /api/v1 route needs one, with the right scope; health checks are public.

use crate::helpers::{spawn_app, Backend};
use minicrm_domain::Scope;
use minicrm_store::api_keys;
use reqwest::StatusCode;
use serde_json::json;

crate::on_every_backend!(keys_and_scopes_guard_every_route);

async fn keys_and_scopes_guard_every_route(backend: Backend) {
    let app = spawn_app(&backend).await;
    let routes = [
        ("POST", "/api/v1/customers"),
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/customers"),
        ("GET", "/api/v1/customers/C1"),
        ("GET", "/api/v1/orders"),
        ("GET", "/api/v1/ingestions/x"),
    ];
    for (method, path) in routes {
        let url = format!("{}{path}", app.address);
        let request = |key: Option<&str>| {
            let r = app
                .client
                .request(method.parse().unwrap(), &url)
                .header("content-type", "application/json")
                .body("{}");
            match key {
                Some(k) => r.bearer_auth(k),
                None => r,
            }
        };
        let none = request(None).send().await.unwrap();
        assert_eq!(none.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(none.headers()["www-authenticate"], "Bearer");
        assert_eq!(none.headers()["content-type"], "application/problem+json");
        let wrong = request(Some("mcrm_nothere_secret")).send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
        let (head, last) = app.admin_key.split_at(app.admin_key.len() - 1);
        let forged = format!("{head}{}", if last == "x" { "y" } else { "x" });
        assert_eq!(
            request(Some(&forged)).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }

    let ingest_only = app.get("/api/v1/customers", &app.ingest_key).await;
    assert_eq!(ingest_only.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = ingest_only.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("read"), "{body}");
    let read_only = app
        .post_json(
            "/api/v1/customers",
            &app.read_key,
            &json!({"external_id": "c", "name": "n"}),
        )
        .await;
    assert_eq!(read_only.status(), StatusCode::FORBIDDEN);
    let admin = app
        .post_json(
            "/api/v1/customers",
            &app.admin_key,
            &json!({"external_id": "c", "name": "n"}),
        )
        .await;
    assert_eq!(
        admin.status(),
        StatusCode::ACCEPTED,
        "admin implies every scope"
    );

    let (key, secret) = api_keys::create(&app.db, "to revoke", &[Scope::Read], "test", 0)
        .await
        .unwrap();
    assert_eq!(
        app.get("/api/v1/customers", &secret).await.status(),
        StatusCode::OK
    );
    api_keys::revoke(&app.db, &key.id, 1).await.unwrap();
    assert_eq!(
        app.get("/api/v1/customers", &secret).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let listed = api_keys::list(&app.db).await.unwrap();
    assert!(listed
        .iter()
        .find(|k| k.id == key.id)
        .unwrap()
        .last_used_at
        .is_some());

    for public in ["/healthz", "/readyz"] {
        let r = app
            .client
            .get(format!("{}{public}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{public}");
    }
    app.stop().await;
}
