use super::*;
use axum::routing::post;
use axum::Router;
use tower::ServiceExt;

async fn answer(router: Router, body: &'static str) -> Option<HeaderValue> {
    let request = Request::post("/").body(Body::from(body)).unwrap();
    let response = router
        .layer(axum::middleware::from_fn(close_when_unread))
        .oneshot(request)
        .await
        .unwrap();
    response.headers().get(header::CONNECTION).cloned()
}

#[tokio::test]
async fn only_an_unread_body_closes_the_connection() {
    let reads = Router::new().route("/", post(|body: String| async move { body }));
    let ignores = Router::new().route("/", post(|| async { "not read" }));
    assert_eq!(answer(reads.clone(), "some body").await, None);
    assert_eq!(answer(reads, "").await, None, "an empty body is read");
    assert_eq!(answer(ignores.clone(), "").await, None);
    assert_eq!(
        answer(ignores, "some body").await,
        Some(HeaderValue::from_static("close"))
    );
}
