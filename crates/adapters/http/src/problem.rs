//! Every error as `application/problem+json` (RFC 9457) with a stable `code`.
//!
//! Handlers return [`ApiError`]; the request middleware then completes the body with the
//! request's path (`instance`) and id (`request_id`), and turns any other error response
//! (a framework error, an unknown route) into a problem too, so no error leaves without one.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use faireplace_app::AppError;
use faireplace_app::error::AuthProblem;
use faireplace_kernel::{ErrorCode, FieldError, ValidationErrors};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem, e.g. `/problems/validation`.
    #[serde(rename = "type")]
    #[schema(example = "/problems/validation")]
    pub kind: String,
    #[schema(example = "Validation failed")]
    pub title: String,
    #[schema(example = 400)]
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The path of the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Stable machine-readable reason.
    pub code: ErrorCode,
    /// Every invalid field, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For a 401: what is wrong with the key (a key's state is told only to whoever holds
    /// its secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<AuthProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One invalid field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    #[schema(example = "email")]
    pub field: String,
    #[schema(example = "must be a valid e-mail address")]
    pub message: String,
}

impl From<&FieldError> for ProblemField {
    fn from(e: &FieldError) -> Self {
        Self {
            field: e.field.clone(),
            message: e.message.clone(),
        }
    }
}

/// An error answered over HTTP.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: Option<String>,
    pub errors: Vec<ProblemField>,
    /// Seconds, for 503 and 429.
    pub retry_after: Option<u32>,
    /// The methods a route allows, for 405.
    pub allow: Option<String>,
    /// Why a key does not authenticate, for 401.
    pub reason: Option<AuthProblem>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: Some(detail.into()),
            errors: vec![],
            retry_after: None,
            allow: None,
            reason: None,
        }
    }

    pub fn validation(errors: &ValidationErrors) -> Self {
        let detail = errors
            .errors()
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::ValidationError,
            detail: Some(detail),
            errors: errors.errors().iter().map(ProblemField::from).collect(),
            retry_after: None,
            allow: None,
            reason: None,
        }
    }

    pub fn field(field: &str, message: &str) -> Self {
        Self::validation(&ValidationErrors::single(field, message))
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("{what} not found"),
        )
    }

    pub fn unauthenticated(problem: AuthProblem) -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            problem.explain(),
        );
        e.reason = Some(problem);
        e
    }

    /// The generic answer for an error status that carries no detail of ours.
    pub fn from_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => ErrorCode::ValidationError,
            401 => ErrorCode::Unauthenticated,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            406 => ErrorCode::NotAcceptable,
            408 => ErrorCode::RequestTimeout,
            409 => ErrorCode::Conflict,
            413 => ErrorCode::PayloadTooLarge,
            414 => ErrorCode::UriTooLong,
            415 => ErrorCode::UnsupportedMediaType,
            429 => ErrorCode::RateLimited,
            431 => ErrorCode::HeadersTooLarge,
            503 => ErrorCode::ServiceUnavailable,
            s if s >= 500 => ErrorCode::Internal,
            _ => ErrorCode::BadRequest,
        };
        Self {
            status,
            code,
            detail: None,
            errors: vec![],
            retry_after: None,
            allow: None,
            reason: None,
        }
    }

    /// The full problem document for a request.
    pub fn to_problem(&self, instance: Option<String>, request_id: Option<String>) -> Problem {
        let (slug, title) = match self.code {
            ErrorCode::ValidationError => ("validation".to_owned(), "Validation failed"),
            ErrorCode::MalformedJson => ("malformed-json".to_owned(), "Malformed JSON"),
            code => (
                code.as_str().to_lowercase().replace('_', "-"),
                self.status.canonical_reason().unwrap_or("Error"),
            ),
        };
        Problem {
            kind: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            instance,
            code: self.code,
            errors: self.errors.clone(),
            reason: self.reason,
            request_id,
        }
    }

    /// The response for a request, with its path and id.
    pub fn response_for(
        &self,
        instance: Option<String>,
        request_id: Option<String>,
    ) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if let Some(seconds) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(allow) = &self.allow {
            builder.insert_header((header::ALLOW, allow.as_str()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let body = serde_json::to_vec(&self.to_problem(instance, request_id))
            .unwrap_or_else(|_| b"{}".to_vec());
        builder.body(body)
    }
}

impl ApiError {
    /// The response of an error met while building a body (completed by the middleware).
    pub fn error_response_for_body(&self) -> HttpResponse {
        self.response_for(None, None)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        // Completed with instance and request id by the request middleware.
        self.response_for(None, None)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        ApiError::validation(&e)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(v) => ApiError::validation(&v),
            AppError::Unauthenticated(problem) => ApiError::unauthenticated(problem),
            AppError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, m),
            AppError::NotFound(what) => ApiError::not_found(what),
            AppError::Conflict { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            AppError::InsufficientCredits => ApiError::new(
                StatusCode::PAYMENT_REQUIRED,
                ErrorCode::InsufficientCredits,
                "not enough credits: buy a package (GET /api/credits/packages)",
            ),
            AppError::RateLimited {
                message,
                retry_after,
            } => {
                let mut e = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::RateLimited,
                    message,
                );
                e.retry_after = Some(retry_after);
                e
            }
            AppError::UnsupportedMediaType(m) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                m,
            ),
            AppError::PayloadTooLarge(m) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge, m)
            }
            AppError::BadRequest { code, message } => {
                ApiError::new(StatusCode::BAD_REQUEST, code, message)
            }
            AppError::ServiceUnavailable {
                code,
                message,
                retry_after,
            } => {
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message);
                e.retry_after = retry_after;
                e
            }
            AppError::Unavailable(cause) => {
                tracing::error!(error = %error_chain(cause.as_ref()), "storage unavailable");
                let mut e = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::ServiceUnavailable,
                    "the service is temporarily unavailable; retry shortly",
                );
                e.retry_after = Some(5);
                e
            }
            AppError::Unknown(cause) => {
                // The whole cause goes to the log; the client learns nothing internal.
                tracing::error!(error = %error_chain(cause.as_ref()), "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "an internal error occurred; quote the request_id when reporting it",
                )
            }
        }
    }
}

/// `outer: inner: root` for a log line.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problems_list_every_field() {
        let mut v = ValidationErrors::new();
        v.push("email", "must be a valid e-mail address");
        v.push("siret", "must be exactly 14 digits");
        let p = ApiError::validation(&v).to_problem(Some("/api/owners".into()), Some("r1".into()));
        let json = serde_json::to_value(&p).expect("json");
        assert_eq!(json["type"], "/problems/validation");
        assert_eq!(json["title"], "Validation failed");
        assert_eq!(json["status"], 400);
        assert_eq!(json["code"], "VALIDATION_ERROR");
        assert_eq!(json["errors"][1]["field"], "siret");
        assert_eq!(json["instance"], "/api/owners");
        assert_eq!(json["request_id"], "r1");
    }

    #[test]
    fn internal_errors_say_nothing_internal() {
        let e: ApiError = AppError::Unknown("password=hunter2 at db:5432".into()).into();
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.detail.unwrap_or_default().contains("hunter2"));
    }
}
