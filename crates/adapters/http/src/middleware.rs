//! The request middleware: request id, tracing span, access log, and problem+json for every
//! error response.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::body_deadline::{BodyDeadline, BodyTimedOut};
use crate::problem::{ApiError, PROBLEM_JSON};
use crate::routes::RouteTable;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, in request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client's id is kept when it is short, visible ASCII; otherwise a new one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

pub async fn around_request(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let path = req.path().to_owned();
    let method = req.method().clone();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        path = %path,
        tenant_id = tracing::field::Empty,
    );
    let started = Instant::now();
    // Text that no route can store or print: refused before any route reads it.
    if let Some(field) = control_character_in_target(&req) {
        let api = ApiError::field(
            &field,
            "must not contain control characters (U+0000 to U+001F other than tab, line feed \
             and carriage return, or U+007F to U+009F)",
        );
        let (r, _) = req.into_parts();
        let mut res = api.response_for(Some(path), Some(id.clone()));
        if let Ok(v) = HeaderValue::from_str(&id) {
            res.headers_mut().insert(REQUEST_ID, v);
        }
        return Ok(ServiceResponse::new(r, res));
    }
    let timed_out = BodyTimedOut::default();
    if let Some(deadline) = req
        .app_data::<actix_web::web::Data<BodyDeadline>>()
        .map(|d| d.0)
    {
        let payload = req.take_payload();
        req.set_payload(crate::body_deadline::wrap(
            payload,
            deadline,
            timed_out.clone(),
        ));
    }
    let result = next.call(req).instrument(span.clone()).await;
    // However the route read (or failed to read) the body, a late body is a 408, and the
    // connection, whose remaining bytes nobody will read, is closed.
    let result = match result {
        Ok(res) if timed_out.happened() => {
            let (r, _) = res.into_parts();
            let mut late = ApiError::new(
                actix_web::http::StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                "the request body took too long to arrive",
            )
            .response_for(Some(path.clone()), Some(id.clone()));
            late.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
            Ok(ServiceResponse::new(r, late).map_into_boxed_body())
        }
        Ok(res) => Ok(res.map_into_boxed_body()),
        Err(e) => Err(e),
    };
    let mut res = match result {
        Ok(res) => complete_problem(res, &id, &path),
        // An error that escaped the handler chain still becomes a problem.
        Err(error) => {
            let status = error.as_response_error().status_code();
            let api = error
                .as_error::<ApiError>()
                .cloned()
                .unwrap_or_else(|| ApiError::from_status(status));
            return Err(actix_web::error::InternalError::from_response(
                api.to_string(),
                with_request_id(api.response_for(Some(path), Some(id.clone())), &id),
            )
            .into());
        }
    };
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    // Answers carry keys shown once, personal data and signed documents: no cache, shared or
    // private, may keep them, unless the route chose otherwise (the documentation's assets).
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let quota = res
        .request()
        .extensions()
        .get::<crate::rate_limit::RateState>()
        .copied();
    if let Some(quota) = quota {
        crate::rate_limit::write_headers(&quota, res.headers_mut());
    }
    let status = res.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, latency_ms, "request failed");
        } else {
            tracing::info!(status, latency_ms, "request served");
        }
    });
    Ok(res)
}

/// The query parameter whose decoded text holds a control character. (Path segments are ids
/// and codes, whose own parsing refuses them.)
fn control_character_in_target(req: &ServiceRequest) -> Option<String> {
    use crate::json::is_forbidden;
    let query = req.query_string();
    if query.is_empty() || !query.contains('%') && !query.chars().any(is_forbidden) {
        return None;
    }
    // An undecodable query is left to the route's own extractor, which names its problem.
    let pairs = actix_web::web::Query::<Vec<(String, String)>>::from_query(query)
        .ok()?
        .into_inner();
    pairs
        .into_iter()
        .find(|(k, v)| k.chars().any(is_forbidden) || v.chars().any(is_forbidden))
        .map(|(k, _)| k.chars().filter(|c| !is_forbidden(*c)).collect())
}

fn with_request_id(mut res: actix_web::HttpResponse, id: &str) -> actix_web::HttpResponse {
    if let Ok(v) = HeaderValue::from_str(id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Rebuilds any error response as a complete problem: ours gain `instance` and `request_id`,
/// the framework's (empty or plain-text bodies) become problems of their status.
fn complete_problem(
    res: ServiceResponse<BoxBody>,
    id: &str,
    path: &str,
) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let api = match res.response().error() {
        Some(e) => e
            .as_error::<ApiError>()
            .cloned()
            .unwrap_or_else(|| ApiError::from_status(status)),
        None => {
            let is_problem = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
            if is_problem {
                return res;
            }
            ApiError::from_status(status)
        }
    };
    let (req, _) = res.into_parts();
    ServiceResponse::new(
        req,
        api.response_for(Some(path.to_owned()), Some(id.to_owned())),
    )
}

/// Unknown route (404) or known route with another method (405 with `Allow`).
pub async fn fallback(
    req: actix_web::HttpRequest,
    routes: actix_web::web::Data<RouteTable>,
) -> Result<actix_web::HttpResponse, ApiError> {
    use actix_web::http::StatusCode;
    match routes.allowed_methods(req.path()) {
        Some(methods) => {
            let allow = methods.join(", ");
            let mut e = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                format!(
                    "{} is not allowed on this route; allowed: {allow}",
                    req.method()
                ),
            );
            e.allow = Some(allow);
            Err(e)
        }
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("no route for {} {}", req.method(), req.path()),
        )),
    }
}
