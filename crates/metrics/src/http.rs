//! The HTTP API: requests by route template and answer, and their latency.

use metrics::{counter, describe_counter, describe_histogram, histogram, Unit};
use std::time::Duration;

pub const REQUESTS: &str = "minicrm_http_requests_total";
pub const DURATION: &str = "minicrm_http_request_duration_seconds";

/// The `route` of a request no route matched (the web UI, a 404): raw paths would make a series each.
pub const UNMATCHED: &str = "unmatched";

/// The `status` of a request that ended before it was answered (the client went away, or the
/// server's time limit cut it short).
pub const ABORTED: &str = "aborted";

pub(crate) fn describe() {
    describe_counter!(
        REQUESTS,
        "HTTP requests answered, by method, route template and status (`aborted`: never answered)"
    );
    describe_histogram!(
        DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by method and route template"
    );
}

/// `method` as a label: the standard ones, anything else as `other`.
pub fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

/// One request: `route` is the route template (`/api/v1/customers/{external_id}`), `status` the
/// answer's code or `ABORTED`.
pub fn request(method: &'static str, route: &str, status: &str, elapsed: Duration) {
    let route = route.to_owned();
    counter!(REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_owned())
        .increment(1);
    histogram!(DURATION, "method" => method, "route" => route).record(elapsed.as_secs_f64());
}
