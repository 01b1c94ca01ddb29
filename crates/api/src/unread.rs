//! A request whose body the answer left unread — refused for its size, or by a handler that never
//! needed it — is answered with `Connection: close`. The server cannot read the next request on that
//! connection without first wading through the rest of this body, so it closes it after answering;
//! saying so stops a keep-alive client from sending its next request down a connection that is about
//! to go (which it would see as an incomplete answer).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use http_body::Body as _;
use http_body::{Frame, SizeHint};

pub async fn close_when_unread(request: Request, next: Next) -> Response {
    let finished = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        if body.is_end_stream() {
            finished.store(true, Ordering::Relaxed);
            body
        } else {
            Body::new(Watched {
                inner: body,
                finished: finished.clone(),
            })
        }
    });
    let mut response = next.run(request).await;
    if !finished.load(Ordering::Relaxed) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A request body that says when it has been read to its end.
struct Watched {
    inner: Body,
    finished: Arc<AtomicBool>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let frame = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.finished.store(true, Ordering::Relaxed);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests;
