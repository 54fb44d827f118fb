//! Reusable problem responses of the OpenAPI document: each refers to the one `Problem`
//! schema (a generator makes one error type of it, not one per operation) and shows an
//! example of its own status.

use faireplace_kernel::ErrorCode;
use serde_json::json;
use utoipa::ToResponse;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

/// A problem response: `description`, the `Problem` schema by reference, and an example.
fn problem(description: &str, status: u16, code: ErrorCode, detail: &str) -> RefOr<Response> {
    let mut example = json!({
        "type": format!("/problems/{}", code.as_str().to_lowercase().replace('_', "-")),
        "title": actix_web::http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error"),
        "status": status,
        "detail": detail,
        "instance": "/api/owners",
        "code": code.as_str(),
        "request_id": "01a1ff3a-e695-72fc-9a58-26ec8410f677",
    });
    match code {
        ErrorCode::ValidationError => {
            example["type"] = json!("/problems/validation");
            example["title"] = json!("Validation failed");
            example["errors"] =
                json!([{"field": "email", "message": "must be a valid e-mail address"}]);
        }
        ErrorCode::Unauthenticated => example["reason"] = json!("UNKNOWN"),
        _ => {}
    }
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::problem::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
                    .example(Some(example))
                    .build(),
            )
            .build(),
    )
}

macro_rules! problem_responses {
    ($($(#[doc = $doc:literal])+ $name:ident = $status:literal, $code:ident, $detail:literal;)+) => {
        $(
            $(#[doc = $doc])+
            pub struct $name;

            impl<'r> ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    let description = concat!($($doc),+).trim();
                    (
                        stringify!($name),
                        problem(description, $status, ErrorCode::$code, $detail),
                    )
                }
            }
        )+
    };
}

problem_responses! {
    /// Invalid input: malformed JSON, a bad field or a broken business rule.
    BadRequest = 400, ValidationError, "email must be a valid e-mail address";
    /// No key, or a key that does not authenticate (`reason` says which).
    Unauthorized = 401, Unauthenticated, "unknown key, or a wrong secret for this key id";
    /// A valid key without the role or scope this needs.
    Forbidden = 403, Forbidden, "a LESSEE key cannot use the management API";
    /// Absent, or owned by another tenant.
    NotFound = 404, NotFound, "owner not found";
    /// A state conflict, e.g. deleting what is still referenced.
    Conflict = 409, Conflict, "this owner is still referenced by estates and cannot be deleted";
    /// The database does not answer, or every slot for long work is taken (`Retry-After`).
    Unavailable = 503, ServiceUnavailable, "the service is temporarily unavailable; retry shortly";
    /// The body, or a file in it, exceeds the size limit.
    PayloadTooLarge = 413, PayloadTooLarge, "the body exceeds the limit of 262144 bytes";
    /// The body did not arrive within the time allowed; the connection is closed.
    RequestTimeout = 408, RequestTimeout, "the request body took too long to arrive";
    /// The body, or a file in it, is of a type this route does not accept.
    UnsupportedMediaType = 415, UnsupportedMediaType, "send the body as application/json";
    /// A paid action without the credits to pay for it.
    PaymentRequired = 402, InsufficientCredits, "not enough credits: buy a package (GET /api/credits/packages)";
}

/// Too many requests of a kind; `Retry-After` says when to come back (RATE_LIMITED).
pub struct TooManyRequests;

impl<'r> ToResponse<'r> for TooManyRequests {
    fn response() -> (&'r str, RefOr<Response>) {
        let mut response = problem(
            "Too many requests of a kind; `Retry-After` says when to come back.",
            429,
            ErrorCode::RateLimited,
            "this key sent too many requests: retry in 3 s",
        );
        if let RefOr::T(r) = &mut response {
            r.headers.insert(
                "Retry-After".to_owned(),
                RefOr::T(
                    utoipa::openapi::HeaderBuilder::new()
                        .schema(Some(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::Type::Integer)
                                .minimum(Some(0)),
                        ))
                        .description(Some("Seconds to wait"))
                        .build(),
                ),
            );
        }
        ("TooManyRequests", response)
    }
}

/// A PDF document.
pub struct Pdf;

impl<'r> ToResponse<'r> for Pdf {
    fn response() -> (&'r str, RefOr<Response>) {
        (
            "Pdf",
            RefOr::T(
                ResponseBuilder::new()
                    .description("A PDF document.")
                    .content(
                        "application/pdf",
                        ContentBuilder::new()
                            .schema(Some(crate::schema::binary()))
                            .build(),
                    )
                    .build(),
            ),
        )
    }
}
