//! The error answers the routes share: one reusable response per status, each an
//! `application/problem+json` body of the one `Problem` schema. Routes name the ones they can give, as
//! `(status = 404, response = NotFound)`; `security::guard` adds those of authentication itself.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::openapi::{ObjectBuilder, Type};

/// The media type of every error answer (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem response with `description`, and the headers it carries.
fn problem(description: &str, headers: &[(&str, Type, &str)]) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    let mut response = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, content);
    for (name, kind, about) in headers {
        let header = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(kind.clone()))
            .description(Some(*about))
            .build();
        response = response.header(*name, header);
    }
    response.build().into()
}

macro_rules! problem_response {
    ($name:ident, $description:literal $(, ($header:literal, $kind:expr, $about:literal))*) => {
        #[doc = $description]
        pub struct $name;

        impl<'r> utoipa::ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (
                    stringify!($name),
                    problem($description, &[$(($header, $kind, $about)),*]),
                )
            }
        }
    };
}

problem_response!(
    BadRequest,
    "The request is malformed: a query parameter, a header or the body is not what the route takes; `field` names it."
);
problem_response!(
    Unauthorized,
    "No valid API key or session: send `Authorization: Bearer <key>` or sign in. A key whose maker is disabled is suspended (`type` `urn:minicrm:problem:key-suspended`) until they are enabled again.",
    ("WWW-Authenticate", Type::String, "`Bearer`")
);
problem_response!(
    Forbidden,
    "The caller lacks the scope (or role) this needs, or a cookie-authenticated write lacks the session's `X-CSRF-Token`."
);
problem_response!(NotFound, "No such resource.");
problem_response!(Conflict, "The request conflicts with the resource's state.");
problem_response!(
    PayloadTooLarge,
    "The body is larger than the server takes, or a batch has more than 10,000 records."
);
problem_response!(
    UnsupportedMediaType,
    "The body is not of the media type the route takes."
);
problem_response!(
    UnprocessableEntity,
    "The body is well-formed but invalid; `errors` lists every bad field with its JSON pointer."
);
problem_response!(
    TooManyRequests,
    "Too many requests from this API key (or address): wait `Retry-After` seconds.",
    (
        "Retry-After",
        Type::Integer,
        "Seconds to wait before trying again."
    )
);
problem_response!(
    ServiceUnavailable,
    "The database or the message bus is unavailable: nothing was done, try again.",
    (
        "Retry-After",
        Type::Integer,
        "Seconds to wait before trying again."
    )
);
