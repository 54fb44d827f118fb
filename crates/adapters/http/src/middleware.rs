//! The request middleware: request id, tracing span, access log, and problem+json for every
//! error response.

use faireplace_kernel::ErrorCode;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;

use crate::body_deadline::{BodyDeadline, BodyTimedOut, HoldPayload};
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
        let res = api.response_for(Some(path), Some(id.clone()));
        return Ok(finish(ServiceResponse::new(r, res), &id, started, &span));
    }
    let timed_out = BodyTimedOut::default();
    let mut held = None;
    if let Some(limits) = req
        .app_data::<actix_web::web::Data<BodyDeadline>>()
        .map(|d| *d.get_ref())
    {
        let payload = req.take_payload();
        let (wrapped, inner) = crate::body_deadline::wrap(payload, limits, timed_out.clone());
        req.set_payload(wrapped);
        held = Some(inner);
    }
    // The answer's body keeps the request's body stream until it is sent: a body left unread
    // closes the connection (see `body_deadline`).
    let hold = |body: BoxBody| match &held {
        Some(held) => BoxBody::new(HoldPayload::new(body, held.clone())),
        None => body,
    };
    let result = next.call(req).instrument(span.clone()).await;
    // However the route read (or failed to read) the body, a late body is a 408.
    let result = match result {
        Ok(res) if timed_out.happened() => {
            let (r, _) = res.into_parts();
            let late = ApiError::new(
                actix_web::http::StatusCode::REQUEST_TIMEOUT,
                ErrorCode::RequestTimeout,
                "the request body took too long to arrive",
            )
            .response_for(Some(path.clone()), Some(id.clone()));
            Ok(ServiceResponse::new(r, late).map_into_boxed_body())
        }
        Ok(res) => Ok(res.map_into_boxed_body()),
        Err(e) => Err(e),
    };
    let res = match result {
        Ok(res) => complete_problem(res, &id, &path).map_body(|_, body| hold(body)),
        // An error that escaped the handler chain still becomes a problem.
        Err(error) => {
            let status = error.as_response_error().status_code();
            let api = error
                .as_error::<ApiError>()
                .cloned()
                .unwrap_or_else(|| ApiError::from_status(status));
            let mut answer = with_request_id(api.response_for(Some(path), Some(id.clone())), &id)
                .map_body(|_, body| hold(body));
            no_store(answer.headers_mut());
            return Err(
                actix_web::error::InternalError::from_response(api.to_string(), answer).into(),
            );
        }
    };
    Ok(finish(res, &id, started, &span))
}

/// Answers carry keys shown once, personal data and signed documents: no cache, shared or
/// private, may keep them, unless the route chose otherwise (the documentation's assets).
fn no_store(headers: &mut header::HeaderMap) {
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The headers every answer carries (request id, no-store, the key's quota), and its log line.
fn finish(
    mut res: ServiceResponse<BoxBody>,
    id: &str,
    started: Instant,
    span: &tracing::Span,
) -> ServiceResponse<BoxBody> {
    if let Ok(v) = HeaderValue::from_str(id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    no_store(res.headers_mut());
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
    res
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
                ErrorCode::MethodNotAllowed,
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
            ErrorCode::NotFound,
            format!("no route for {} {}", req.method(), req.path()),
        )),
    }
}
