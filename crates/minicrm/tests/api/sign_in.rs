//! People signing in: the whole OpenID Connect redirect flow against a real issuer started here, every
//! way a sign-in must be refused, sessions (CSRF, idle expiry, sign-out, a new id at each sign-in),
//! roles, users and API keys over the API, rate limits, the local mode's one-time links, and an audit
//! of every route of the router.

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::issuer::{Issuer, Person, CLIENT_ID, CLIENT_SECRET};
use minicrm_api::auth::oidc::OidcSettings;
use reqwest::{header, Method, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// A browser as far as sign-in goes: follows nothing by itself, keeps cookies by name.
#[derive(Clone)]
pub(crate) struct Browser {
    pub(crate) client: reqwest::Client,
    pub(crate) cookies: HashMap<String, String>,
}

impl Browser {
    pub(crate) fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    pub(crate) async fn request(
        &mut self,
        method: Method,
        url: &str,
        csrf: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, url);
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// Sends `request` with this browser's cookies, and keeps the cookies the answer sets.
    pub(crate) async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Response {
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header(header::COOKIE, cookie);
        }
        let response = request.send().await.expect("request sent");
        for set in response.headers().get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") || value.is_empty() {
                self.cookies.remove(name.trim());
            } else {
                self.cookies.insert(name.trim().into(), value.trim().into());
            }
        }
        response
    }

    pub(crate) async fn get(&mut self, url: &str) -> Response {
        self.request(Method::GET, url, None, None).await
    }

    /// Presses the button of a one-time link's `page` (the answer to opening `link`): posts its form.
    pub(crate) async fn press_link_button(&mut self, link: &str, page: Response) -> Response {
        let page = page.text().await.unwrap();
        let field = |name: &str| {
            let start = format!(r#"name="{name}" value=""#);
            let at = page
                .find(&start)
                .unwrap_or_else(|| panic!("{name} in {page}"));
            page[at + start.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        let form = [("token", field("token")), ("nonce", field("nonce"))];
        let request = self
            .client
            .post(format!("{}/auth/link", origin(link)))
            .form(&form);
        self.send(request).await
    }

    /// Follows redirects from `url` until a page that is not one; returns it and the URLs passed.
    pub(crate) async fn follow(&mut self, url: &str) -> (Response, Vec<String>) {
        let mut url = url.to_owned();
        let mut passed = Vec::new();
        loop {
            let response = self.get(&url).await;
            if !response.status().is_redirection() {
                return (response, passed);
            }
            let next = response.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_owned();
            passed.push(url.clone());
            url = match next.starts_with('/') {
                true => format!("{}{next}", origin(&url)),
                false => next,
            };
            assert!(passed.len() < 10, "a redirect loop: {passed:?}");
        }
    }
}

fn origin(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    format!("{}://{}", u.scheme(), u.host_str().unwrap())
        + &u.port().map(|p| format!(":{p}")).unwrap_or_default()
}

pub(crate) async fn app_with_issuer(
    backend: &Backend,
    issuer: &Issuer,
    tweak: impl FnOnce(&mut minicrm::app::AppConfig),
) -> TestApp {
    let url = issuer.url.clone();
    spawn_app_with(backend, |c| {
        c.api.auth.oidc = Some(OidcSettings {
            issuer: url,
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
        });
        c.api.auth.allowed_domains = vec!["example.com".into()];
        c.api.auth.allowed_emails = vec!["guest@elsewhere.test".into()];
        tweak(c);
    })
    .await
}

/// Signs `person` in through the issuer; returns the final answer (a page of ours, or the redirect
/// back into the app) and the URLs passed.
pub(crate) async fn sign_in(
    app: &TestApp,
    issuer: &Issuer,
    browser: &mut Browser,
    person: Person,
) -> (StatusCode, String, Vec<String>) {
    issuer.sign_in_as(person);
    let start = format!("{}/auth/login?return_to=/campaigns", app.address);
    let mut url = start;
    let mut passed = Vec::new();
    // Follow until we land back in the app after the callback (a redirect to the return path) or on
    // a page.
    loop {
        let response = browser.get(&url).await;
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        passed.push(url.clone());
        match location {
            Some(next) if url.contains("/auth/callback") => return (status, next, passed),
            Some(next) => url = next,
            None => return (status, response.text().await.unwrap(), passed),
        }
    }
}

pub(crate) async fn me(app: &TestApp, browser: &mut Browser) -> Response {
    browser.get(&format!("{}/api/v1/me", app.address)).await
}

pub(crate) async fn me_json(app: &TestApp, browser: &mut Browser) -> Value {
    let response = me(app, browser).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

crate::on_every_backend!(
    people_sign_in_through_openid_connect,
    refused_sign_ins_say_why,
    local_links_sign_in_once
);

async fn people_sign_in_through_openid_connect(backend: Backend) {
    let issuer = Issuer::start().await;
    let app = app_with_issuer(&backend, &issuer, |_| {}).await;
    let api = |path: &str| format!("{}/api/v1{path}", app.address);

    // The first person through the issuer becomes an admin, and lands where they were going.
    let mut admin = Browser::new();
    let (status, location, passed) =
        sign_in(&app, &issuer, &mut admin, Person::new("Ana@Example.com")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert_eq!(location, "/campaigns");
    assert!(
        passed[1].starts_with(&format!("{}/authorize?", issuer.url)),
        "{passed:?}"
    );
    assert!(passed[1].contains("code_challenge_method=S256") && passed[1].contains("nonce="));
    assert!(
        !admin.cookies.contains_key("minicrm_sign_in"),
        "the sign-in cookie is spent"
    );
    let who = me_json(&app, &mut admin).await;
    assert_eq!(who["kind"], "user");
    assert_eq!(who["email"], "ana@example.com");
    assert_eq!(who["name"], "Ana");
    assert_eq!(who["role"], "admin");
    let csrf = who["csrf_token"].as_str().unwrap().to_owned();

    // Unsafe methods need the session's CSRF token.
    let rules = json!({"combinator": "and", "rules": [{"field": "total_spend", "operator": ">", "value": 100}]});
    let segment = json!({"name": "Spenders", "rules": rules});
    let forged = admin
        .request(Method::POST, &api("/segments"), None, Some(&segment))
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(forged.headers()["content-type"], "application/problem+json");
    let body: Value = forged.json().await.unwrap();
    assert!(body["type"].as_str().unwrap().ends_with("csrf"), "{body}");
    let wrong = admin
        .request(
            Method::POST,
            &api("/segments"),
            Some("not-the-token"),
            Some(&segment),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let made = admin
        .request(Method::POST, &api("/segments"), Some(&csrf), Some(&segment))
        .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["created_by"], "user:ana@example.com");

    // Everyone after is a viewer: they read, but change nothing and manage no one.
    let mut viewer = Browser::new();
    let (status, _, _) = sign_in(
        &app,
        &issuer,
        &mut viewer,
        Person::new("guest@elsewhere.test"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let who = me_json(&app, &mut viewer).await;
    assert_eq!(who["role"], "viewer");
    let viewer_csrf = who["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(
        viewer.get(&api("/customers")).await.status(),
        StatusCode::OK
    );
    let refused = viewer
        .request(
            Method::POST,
            &api("/segments"),
            Some(&viewer_csrf),
            Some(&segment),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("viewer"),
        "{body}"
    );
    let campaign = json!({"name": "x", "rules": rules, "channel": "sms", "message": "Hi"});
    assert_eq!(
        viewer
            .request(
                Method::POST,
                &api("/campaigns"),
                Some(&viewer_csrf),
                Some(&campaign)
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.get(&api("/users")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.get(&api("/api-keys")).await.status(),
        StatusCode::FORBIDDEN
    );

    // The admin sees both, and makes the viewer a marketer: it holds from the next request.
    let users: Value = admin.get(&api("/users")).await.json().await.unwrap();
    let items = users["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let viewer_id = items[1]["id"].as_str().unwrap().to_owned();
    let admin_id = items[0]["id"].as_str().unwrap().to_owned();
    let bad = admin
        .request(
            Method::PATCH,
            &api(&format!("/users/{viewer_id}")),
            Some(&csrf),
            Some(&json!({"role": "owner"})),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["field"], "role", "{bad}");
    let promoted = admin
        .request(
            Method::PATCH,
            &api(&format!("/users/{viewer_id}")),
            Some(&csrf),
            Some(&json!({"role": "marketer"})),
        )
        .await;
    assert_eq!(promoted.status(), StatusCode::OK);
    let theirs = json!({"name": "Marketer's own", "rules": rules});
    assert_eq!(
        viewer
            .request(
                Method::POST,
                &api("/segments"),
                Some(&viewer_csrf),
                Some(&theirs)
            )
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        viewer.get(&api("/api-keys")).await.status(),
        StatusCode::FORBIDDEN,
        "a marketer manages no keys"
    );
    // The last admin cannot step down.
    let last = admin
        .request(
            Method::PATCH,
            &api(&format!("/users/{admin_id}")),
            Some(&csrf),
            Some(&json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(last.status(), StatusCode::CONFLICT);

    // API keys over the API: the secret once, then list and revoke.
    let created = admin
        .request(
            Method::POST,
            &api("/api-keys"),
            Some(&csrf),
            Some(&json!({"name": "shop", "scopes": ["ingest", "read"]})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));
    assert_eq!(created["created_by"], "user:ana@example.com");
    assert_eq!(
        app.get("/api/v1/customers", &secret).await.status(),
        StatusCode::OK
    );
    let bad_scope = admin
        .request(
            Method::POST,
            &api("/api-keys"),
            Some(&csrf),
            Some(&json!({"name": "x", "scopes": ["read", "root"]})),
        )
        .await;
    assert_eq!(bad_scope.status(), StatusCode::BAD_REQUEST);
    let bad_scope: Value = bad_scope.json().await.unwrap();
    assert_eq!(bad_scope["field"], "scopes[1]", "{bad_scope}");
    let listed: Value = admin.get(&api("/api-keys")).await.json().await.unwrap();
    let listed_key = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == created["id"])
        .unwrap()
        .clone();
    assert!(
        listed_key.get("secret").is_none(),
        "a listed key never shows its secret"
    );
    let id = created["id"].as_str().unwrap();
    let revoked = admin
        .request(
            Method::DELETE,
            &api(&format!("/api-keys/{id}")),
            Some(&csrf),
            None,
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/customers", &secret).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let again = admin
        .request(
            Method::DELETE,
            &api(&format!("/api-keys/{id}")),
            Some(&csrf),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    // Disabling a person ends their sessions at once; they cannot sign in again.
    let disabled = admin
        .request(
            Method::PATCH,
            &api(&format!("/users/{viewer_id}")),
            Some(&csrf),
            Some(&json!({"disabled": true})),
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_eq!(
        me(&app, &mut viewer).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (status, page, _) = sign_in(
        &app,
        &issuer,
        &mut viewer,
        Person::new("guest@elsewhere.test"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("disabled"), "{page}");

    // A new session id at every sign-in: the old cookie stops working.
    let old = admin.clone();
    let (status, _, _) = sign_in(&app, &issuer, &mut admin, Person::new("ana@example.com")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut old = old;
    assert_ne!(
        old.cookies.get("minicrm_session"),
        admin.cookies.get("minicrm_session")
    );
    assert_eq!(me(&app, &mut old).await.status(), StatusCode::UNAUTHORIZED);

    // Sign-out ends the session on the server (and needs the CSRF token).
    let csrf = me_json(&app, &mut admin).await["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let kept = admin.clone();
    let url = format!("{}/auth/logout", app.address);
    assert_eq!(
        admin.request(Method::POST, &url, None, None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .request(Method::POST, &url, Some(&csrf), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert!(!admin.cookies.contains_key("minicrm_session"));
    let mut kept = kept;
    assert_eq!(
        me(&app, &mut kept).await.status(),
        StatusCode::UNAUTHORIZED,
        "the server forgot the session"
    );
    app.stop().await;
}

async fn refused_sign_ins_say_why(backend: Backend) {
    let issuer = Issuer::start().await;
    let app = app_with_issuer(&backend, &issuer, |_| {}).await;
    let refused = |mut person: Person, change: fn(&mut Person)| {
        change(&mut person);
        person
    };
    let cases: [(&str, Person, StatusCode, &str); 6] = [
        (
            "wrong nonce",
            refused(Person::new("a@example.com"), |p| p.wrong_nonce = true),
            StatusCode::BAD_REQUEST,
            "wrong nonce",
        ),
        (
            "expired",
            refused(Person::new("a@example.com"), |p| p.expired = true),
            StatusCode::BAD_REQUEST,
            "expired",
        ),
        (
            "wrong audience",
            refused(Person::new("a@example.com"), |p| p.wrong_audience = true),
            StatusCode::BAD_REQUEST,
            "wrong audience",
        ),
        (
            "wrong key",
            refused(Person::new("a@example.com"), |p| p.wrong_key = true),
            StatusCode::BAD_REQUEST,
            "signature",
        ),
        (
            "unverified",
            refused(Person::new("a@example.com"), |p| p.email_verified = false),
            StatusCode::FORBIDDEN,
            "not verified",
        ),
        (
            "disallowed",
            Person::new("someone@gmail.test"),
            StatusCode::FORBIDDEN,
            "someone@gmail.test is not allowed",
        ),
    ];
    for (what, person, status, says) in cases {
        let mut browser = Browser::new();
        let (got, page, _) = sign_in(&app, &issuer, &mut browser, person).await;
        assert_eq!(got, status, "{what}: {page}");
        assert!(page.contains(says), "{what}: {page}");
        assert!(page.contains("<h1>"), "{what}: a page, not a bare status");
        assert!(
            !browser.cookies.contains_key("minicrm_session"),
            "{what}: no session"
        );
    }

    // A state that is not this browser's.
    let mut browser = Browser::new();
    let response = browser
        .get(&format!(
            "{}/auth/callback?code=x&state=forged",
            app.address
        ))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("start again"));

    // A replayed callback: its state was taken once.
    issuer.sign_in_as(Person::new("b@example.com"));
    let mut browser = Browser::new();
    let to_issuer = browser.get(&format!("{}/auth/login", app.address)).await;
    let authorize = to_issuer.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let back = browser.get(&authorize).await;
    let callback = back.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let before = browser.clone();
    assert_eq!(browser.get(&callback).await.status(), StatusCode::SEE_OTHER);
    let mut replay = before.clone();
    let replayed = replay.get(&callback).await;
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
    assert!(!replay.cookies.contains_key("minicrm_session"));
    // … and the same code under a fresh sign-in of the attacker's own: the issuer refuses it.
    let mut attacker = Browser::new();
    let to_issuer = attacker.get(&format!("{}/auth/login", app.address)).await;
    let location = to_issuer.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let state = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let code = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let replayed = attacker
        .get(&format!(
            "{}/auth/callback?code={code}&state={state}",
            app.address
        ))
        .await;
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
    let page = replayed.text().await.unwrap();
    assert!(page.contains("refused the sign-in code"), "{page}");
    assert_eq!(issuer.replays(), 1);

    // The issuer's own refusal is shown too.
    let mut browser = Browser::new();
    let response = browser
        .get(&format!(
            "{}/auth/callback?error=access_denied&error_description=The+user+cancelled",
            app.address
        ))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("The user cancelled"));
    app.stop().await;
}

async fn local_links_sign_in_once(backend: Backend) {
    let app = spawn_app_with(&backend, |c| {
        c.api.auth.session_idle = Duration::from_secs(2)
    })
    .await;
    let link = minicrm::app::login_link(&app.db, &app.config_auth())
        .await
        .unwrap();
    assert!(
        link.starts_with(&format!("{}/auth/link?token=", app.address)),
        "{link}"
    );
    let config: Value = reqwest::get(format!("{}/auth/config", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["mode"], "local");

    let mut browser = Browser::new();
    let (signed, passed) = browser.follow(&link).await;
    assert!(passed.is_empty(), "opening the link is a page: {passed:?}");
    let signed = browser.press_link_button(&link, signed).await;
    assert_eq!(
        signed.status(),
        StatusCode::SEE_OTHER,
        "one redirect, into the app"
    );
    assert_eq!(signed.headers()[header::LOCATION], "/");
    let who = me_json(&app, &mut browser).await;
    assert_eq!(who["role"], "admin");
    assert_eq!(who["provider"], "local");

    // Once only.
    let mut other = Browser::new();
    let again = other.get(&link).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.text().await.unwrap().contains("minicrm login-link"));
    // Expired.
    let mut auth = app.config_auth();
    auth.link_ttl = Duration::from_millis(1);
    let stale = minicrm::app::login_link(&app.db, &auth).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(other.get(&stale).await.status(), StatusCode::BAD_REQUEST);

    // A session ends after its idle time; activity keeps it going.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(
            me(&app, &mut browser).await.status(),
            StatusCode::OK,
            "an active session lives on"
        );
    }
    tokio::time::sleep(Duration::from_millis(2600)).await;
    assert_eq!(
        me(&app, &mut browser).await.status(),
        StatusCode::UNAUTHORIZED,
        "an idle one ends"
    );
    app.stop().await;
}

/// Every route of the router, from its OpenAPI document, answers 401 without credentials, except the
/// public ones listed in `PUBLIC_ROUTES` — which must all exist (the docs pages outside the document).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_needs_a_session_or_a_key() {
    let app = crate::helpers::spawn_app(&Backend::Sqlite).await;
    let document = minicrm_api::openapi();
    let public = minicrm_api::auth::PUBLIC_ROUTES;
    let mut seen_public = 0;
    let mut guarded = 0;
    for (path, item) in &document.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            if operation.is_none() {
                continue;
            }
            if public.contains(&(method, path.as_str())) {
                seen_public += 1;
                continue;
            }
            let concrete = path.replace("{id}", "x").replace("{external_id}", "x");
            assert!(
                !concrete.contains('{'),
                "a path parameter to fill in: {path}"
            );
            let response = app
                .client
                .request(
                    method.parse().unwrap(),
                    format!("{}{concrete}", app.address),
                )
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} without credentials"
            );
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{method} {path}"
            );
            guarded += 1;
        }
    }
    // The rest are the docs page and its assets: pages, not operations, and public too.
    let pages: Vec<_> = public
        .iter()
        .filter(|(_, p)| p.starts_with("/api/docs"))
        .collect();
    assert_eq!(
        seen_public + pages.len(),
        public.len(),
        "every public route exists"
    );
    for (_, path) in pages {
        let concrete = path.replace("{*rest}", "swagger-ui.css");
        let page = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(format!("{}{concrete}", app.address))
            .send()
            .await
            .unwrap();
        assert!(
            page.status().is_success() || page.status().is_redirection(),
            "{path} without credentials: {}",
            page.status()
        );
    }
    assert!(
        guarded >= 25,
        "the document lists the guarded routes: {guarded}"
    );

    // Security headers on everything, and no caching of what the API answers.
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    let csp = health.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    assert_eq!(health.headers()["referrer-policy"], "same-origin");
    let api = app.get("/api/v1/customers", &app.read_key).await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    app.stop().await;
}

/// Sign-in attempts per client address, and requests per API key, are limited: 429 and Retry-After.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_api_keys_are_rate_limited() {
    let issuer = Issuer::start().await;
    let app = app_with_issuer(&Backend::Sqlite, &issuer, |c| {
        c.api.auth.signin_per_minute = 3;
        c.api.auth.api_key_per_second = 2;
    })
    .await;
    let mut browser = Browser::new();
    for _ in 0..3 {
        let r = browser.get(&format!("{}/auth/login", app.address)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let limited = browser.get(&format!("{}/auth/login", app.address)).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");

    let mut statuses = Vec::new();
    for _ in 0..8 {
        let r = app.get("/api/v1/customers", &app.read_key).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
        statuses.push(r.status());
    }
    assert_eq!(statuses[0], StatusCode::OK);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Another key has its own allowance.
    assert_eq!(
        app.get("/api/v1/customers", &app.admin_key).await.status(),
        StatusCode::OK
    );
    app.stop().await;
}

/// With no provider configured the API listens on loopback only, and links are its way in.
#[tokio::test]
async fn the_local_mode_stays_on_loopback() {
    let (mut config, _dir) = crate::helpers::test_config(&Backend::Sqlite).await;
    config.bind = "0.0.0.0:0".parse().unwrap();
    let error = minicrm::Application::build(config.clone())
        .await
        .err()
        .expect("refused");
    assert!(format!("{error:#}").contains("loopback"), "{error:#}");
    config.api.auth.oidc = Some(OidcSettings {
        issuer: "http://127.0.0.1:9".into(),
        client_id: "x".into(),
        client_secret: None,
    });
    assert!(
        minicrm::app::login_link(
            &minicrm::app::open_db(&config.db).await.unwrap(),
            &config.api.auth
        )
        .await
        .is_err(),
        "no links beside a provider"
    );
}
