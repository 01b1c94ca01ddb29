//! The local mode's one-time sign-in link. Opening it (GET or HEAD: a link preview, a mail scanner,
//! `curl -I`) only shows a page with a button; the page's own POST, carrying the page's nonce, spends
//! the link and signs in, once. The link's token never reaches the logs, even at `trace`.

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::sign_in::{me_json, Browser};
use reqwest::{header, StatusCode};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

crate::on_every_backend!(opening_a_link_spends_nothing);

/// The link's token, out of its URL.
fn token_of(link: &str) -> String {
    let url = url::Url::parse(link).unwrap();
    let token = url.query_pairs().find(|(k, _)| k == "token");
    token.expect("a token").1.into_owned()
}

/// The value of the page's hidden field `name`.
fn field(page: &str, name: &str) -> String {
    let start = format!(r#"name="{name}" value=""#);
    let at = page
        .find(&start)
        .unwrap_or_else(|| panic!("{name} in {page}"))
        + start.len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// Posts the sign-in form from `browser` (with whatever cookies it holds).
async fn post(app: &TestApp, browser: &mut Browser, form: &[(&str, &str)]) -> reqwest::Response {
    let url = format!("{}/auth/link", app.address);
    let request = browser.client.post(url).form(form);
    browser.send(request).await
}

async fn opening_a_link_spends_nothing(backend: Backend) {
    let app = spawn_app(&backend).await;
    let link = minicrm::app::login_link(&app.db, &app.config_auth())
        .await
        .unwrap();
    let token = token_of(&link);

    // A previewer opens it, any number of times and either way: a page, no session.
    let mut browser = Browser::new();
    let head = browser.send(browser.client.head(&link)).await;
    assert_eq!(head.status(), StatusCode::OK, "HEAD");
    assert!(!browser.cookies.contains_key("minicrm_session"));
    for _ in 0..2 {
        let page = browser.get(&link).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(!browser.cookies.contains_key("minicrm_session"));
    }
    // A form larger than a sign-in's is refused unread (the route is public: its limit is its use).
    let padding = "x".repeat(64 * 1024);
    let big = post(
        &app,
        &mut browser,
        &[("token", &token), ("nonce", &padding)],
    )
    .await;
    assert_eq!(big.status(), StatusCode::BAD_REQUEST);
    // Unread, so the connection closes: the answer says so, and the client does not send its next
    // request down it (it did, and met a closed socket).
    assert_eq!(big.headers()[header::CONNECTION], "close");
    let page = browser.get(&link).await.text().await.unwrap();
    assert!(
        page.contains(r#"<form method="post" action="/auth/link">"#),
        "{page}"
    );
    assert!(page.contains("<button"), "{page}");
    assert!(
        !page.contains("<script"),
        "no script: the CSP allows none inline"
    );
    assert_eq!(field(&page, "token"), token);
    let nonce = field(&page, "nonce");

    // A form from anywhere else cannot sign this browser in: without the page's nonce, or its cookie.
    let mut stranger = Browser::new();
    let refusals = [
        (&mut stranger.clone(), vec![("token", token.as_str())]),
        (
            &mut stranger,
            vec![("token", token.as_str()), ("nonce", nonce.as_str())],
        ),
        (
            &mut browser.clone(),
            vec![("token", token.as_str()), ("nonce", "not-the-nonce")],
        ),
        (&mut browser.clone(), vec![("token", token.as_str())]),
    ];
    for (who, form) in refusals {
        let refused = post(&app, who, &form).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{form:?}");
        assert!(!who.cookies.contains_key("minicrm_session"), "{form:?}");
        assert!(refused.text().await.unwrap().contains("<h1>"));
    }

    // The page's own POST signs in, once.
    let replay = browser.clone();
    let form = [("token", token.as_str()), ("nonce", nonce.as_str())];
    let signed = post(&app, &mut browser, &form).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed.headers()[header::LOCATION], "/");
    let who = me_json(&app, &mut browser).await;
    assert_eq!(
        (who["role"].as_str(), who["provider"].as_str()),
        (Some("admin"), Some("local"))
    );
    let again = post(&app, &mut replay.clone(), &form).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "a second POST");
    assert!(again.text().await.unwrap().contains("already used"));

    // A spent link, an expired one and a made-up one say so when opened, before any button.
    let mut other = Browser::new();
    let spent = other.get(&link).await;
    assert_eq!(spent.status(), StatusCode::BAD_REQUEST);
    assert!(spent.text().await.unwrap().contains("minicrm login-link"));
    let mut auth = app.config_auth();
    auth.link_ttl = Duration::from_millis(1);
    let stale = minicrm::app::login_link(&app.db, &auth).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(other.get(&stale).await.status(), StatusCode::BAD_REQUEST);
    let made_up = format!("{}/auth/link?token=nothing", app.address);
    assert_eq!(other.get(&made_up).await.status(), StatusCode::BAD_REQUEST);
    let bare = format!("{}/auth/link", app.address);
    assert_eq!(other.get(&bare).await.status(), StatusCode::BAD_REQUEST);
    assert!(!other.cookies.contains_key("minicrm_session"));
    app.stop().await;
}

pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `minicrm serve` as an operator runs it, logging everything at `trace` (span closes too): the link
/// it prints is opened with GET and HEAD and used with POST, and its token appears nowhere in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_link_token_never_reaches_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("minicrm.log");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_minicrm"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("minicrm.db").display()),
        )
        .env("MINICRM_BIND", format!("127.0.0.1:{port}"))
        .env("MINICRM_VENDOR_BIND", format!("127.0.0.1:{}", free_port()))
        .env("MINICRM_WEB_DIR", "")
        .env("MINICRM_LOG", "trace")
        .env("MINICRM_LOG_SPANS", "1")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .expect("minicrm starts");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let link = tokio::task::spawn_blocking(move || {
        stdout
            .lines()
            .map_while(Result::ok)
            .find_map(|l| Some(l.split_once(": http")?.1.to_owned()))
            .map(|rest| format!("http{rest}"))
    })
    .await
    .unwrap()
    .expect("the sign-in link is printed");
    let token = token_of(&link);

    let mut browser = Browser::new();
    let head = browser.send(browser.client.head(&link)).await.status();
    let page = browser.get(&link).await.text().await.unwrap();
    // Before the fix there was no page to take a nonce from; the POST still goes out.
    let nonce = match page.contains(r#"name="nonce""#) {
        true => field(&page, "nonce"),
        false => String::new(),
    };
    let form = [("token", token.as_str()), ("nonce", nonce.as_str())];
    let request = browser
        .client
        .post(format!("http://127.0.0.1:{port}/auth/link"))
        .form(&form);
    let signed = browser.send(request).await.status();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = tokio::task::spawn_blocking(move || child.wait()).await;

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("TRACE") && log.contains("/auth/link"),
        "the log is at trace and names the requests: {}",
        &log[..log.len().min(2000)]
    );
    let leaks: Vec<&str> = log.lines().filter(|l| l.contains(&token)).collect();
    assert!(
        leaks.is_empty(),
        "the token is in {} lines of the log, such as: {:#?}",
        leaks.len(),
        &leaks[..leaks.len().min(3)]
    );
    assert_eq!(head, StatusCode::OK);
    assert_eq!(signed, StatusCode::SEE_OTHER);
}
