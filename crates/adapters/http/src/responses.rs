//! Reusable problem responses of the OpenAPI document.
#![allow(dead_code)] // the tuple fields exist for the schema only

use utoipa::ToResponse;

use crate::problem::Problem;

/// Invalid input: malformed JSON, a bad field or a broken business rule.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(#[to_schema] Problem);

/// No key, or an unknown, revoked or expired one.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unauthorized(#[to_schema] Problem);

/// A valid key without the role or scope this needs.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(#[to_schema] Problem);

/// Absent, or owned by another tenant.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(#[to_schema] Problem);

/// A state conflict, e.g. deleting what is still referenced.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(#[to_schema] Problem);

/// The database does not answer.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unavailable(#[to_schema] Problem);

/// The body, or a file in it, exceeds the size limit.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(#[to_schema] Problem);

/// The body did not arrive within the time allowed (REQUEST_TIMEOUT); the connection is
/// closed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct RequestTimeout(#[to_schema] Problem);

/// The body, or a file in it, is of a type this route does not accept.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(#[to_schema] Problem);

/// A paid action without the credits to pay for it (INSUFFICIENT_CREDITS).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PaymentRequired(#[to_schema] Problem);

/// Too many requests of a kind; `Retry-After` says when to come back (RATE_LIMITED).
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds to wait"))
)]
pub struct TooManyRequests(#[to_schema] Problem);

/// A PDF document.
#[derive(ToResponse)]
#[response(content_type = "application/pdf")]
pub struct Pdf(#[to_schema] Vec<u8>);
