//! The web UI as the binary serves it: the UI built into it by default, or the one in a folder
//! (`MINICRM_WEB_DIR`); the app's routes falling back to index.html, hashed assets cached for good and
//! nothing else, /api and /auth never answered by the app, and a page that says how to build the UI
//! when there is none.

use crate::helpers::{spawn_app_with, Backend};
use crate::sign_in_link::free_port;
use reqwest::{header, StatusCode};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    // The app standing in for an asset that is not there is not cached for good.
    let gone = get("/assets/app-0000.js").await.unwrap();
    assert_eq!(gone.headers()["cache-control"], "no-cache");
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

    let empty = tempfile::tempdir().unwrap();
    let dir = empty.path().to_owned();
    let bare = spawn_app_with(&Backend::Sqlite, move |c| c.api.web_dir = Some(dir)).await;
    let page = bare
        .client
        .get(format!("{}/", bare.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = page.text().await.unwrap();
    assert!(text.contains("npm run build"));
    assert!(text.contains("MINICRM_WEB_DIR"), "it names the setting");
    bare.stop().await;
}

/// `minicrm serve` alone, started in a folder with no web/dist in it and without MINICRM_WEB_DIR, serves
/// the UI built into it. Before the UI is built (scripts/test runs this suite first) the binary holds
/// none, and its page says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_the_ui_built_into_it() {
    let server = Serve::start();
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", server.base)).send();
    server.ready(&client).await;

    let index = get("/").await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    let page = index.text().await.unwrap();
    if !minicrm_api::web::embedded() {
        assert!(page.contains("built without its web UI"), "{page}");
        assert!(page.contains("npm run build"), "{page}");
        return;
    }
    assert!(page.contains(r#"<div id="root">"#), "{page}");
    let route = get("/campaigns/0190-abc").await.unwrap();
    assert_eq!(route.headers()["cache-control"], "no-cache");
    assert_eq!(
        route.text().await.unwrap(),
        page,
        "the app's routes get the app"
    );

    let script = asset_in(&page, ".js");
    let asset = get(&script).await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK, "{script}");
    assert!(asset.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert_eq!(
        asset.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let etag = asset.headers()[header::ETAG].clone();
    assert!(!asset.bytes().await.unwrap().is_empty());
    let again = client
        .get(format!("{}{script}", server.base))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let gone = get("/assets/nothing-0000.js").await.unwrap();
    assert_eq!(gone.headers()[header::CACHE_CONTROL], "no-cache");
    let hidden = get("/.source-hash").await.unwrap();
    assert_eq!(
        hidden.text().await.unwrap(),
        page,
        "web-build's stamp is not served"
    );
}

/// The first `/assets/…` path with `suffix` that `page` refers to.
fn asset_in(page: &str, suffix: &str) -> String {
    page.match_indices("\"/assets/")
        .map(|(at, _)| page[at + 1..].split('"').next().unwrap())
        .find(|path| path.ends_with(suffix))
        .unwrap_or_else(|| panic!("an asset {suffix} in {page}"))
        .to_owned()
}

/// `minicrm serve` as a child process in a folder of its own, stopped when dropped.
struct Serve {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Serve {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_minicrm"))
            .arg("serve")
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", "sqlite://minicrm.db")
            .env("MINICRM_BIND", format!("127.0.0.1:{port}"))
            .env("MINICRM_VENDOR_BIND", format!("127.0.0.1:{}", free_port()))
            .env("MINICRM_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("minicrm starts");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    async fn ready(&self, client: &reqwest::Client) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            let health = client.get(format!("{}/healthz", self.base)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("minicrm serve did not answer within 60 s");
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
