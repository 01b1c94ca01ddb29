//! The web UI as the binary serves it: the built app with its routes falling back to index.html,
//! hashed assets cached for good, /api and /auth never answered by the app, and a page that says how
//! to build the UI when it is not built.

use crate::helpers::{spawn_app_with, Backend};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_the_single_page_app() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><div id=root></div>",
    )
    .unwrap();
    std::fs::write(dist.path().join("assets/app-1234.js"), "console.log(1)").unwrap();
    let dir = dist.path().to_owned();
    let app = spawn_app_with(&Backend::Sqlite, move |c| c.api.web_dir = Some(dir)).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();

    for route in ["/", "/campaigns/0190-abc", "/segments/new"] {
        let r = get(route).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{route}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{route}");
        assert!(r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'"));
        assert!(r.text().await.unwrap().contains("id=root"), "{route}");
    }
    let asset = get("/assets/app-1234.js").await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(asset.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    for api in ["/api/v1/nothing-here", "/auth/nothing-here", "/api"] {
        let r = get(api).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{api}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{api}"
        );
    }
    app.stop().await;

    let bare = spawn_app_with(&Backend::Sqlite, |c| c.api.web_dir = None).await;
    let page = bare
        .client
        .get(format!("{}/", bare.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("npm run build"));
    bare.stop().await;
}
