//! What every resource module shares: callers by role, list parameters, the page envelope.

use faireplace_kernel::ErrorCode;
use std::future::Future;
use std::pin::Pin;

use actix_web::HttpMessage;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use faireplace_app::Principal;
use faireplace_app::error::AuthProblem;
use faireplace_kernel::paging::SortField;
use faireplace_kernel::{Page, PageRequest, Sort, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::problem::ApiError;

/// The key of `Authorization: Bearer <key>`, or why there is none.
fn bearer(req: &HttpRequest) -> Result<String, AuthProblem> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(AuthProblem::Missing);
    };
    let value = value.to_str().map_err(|_| AuthProblem::Malformed)?;
    match value.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(token.trim().to_owned())
        }
        _ => Err(AuthProblem::NotBearer),
    }
}

async fn authenticate(
    req: HttpRequest,
    state: Option<web::Data<AppState>>,
    token: Result<String, AuthProblem>,
) -> Result<Principal, ApiError> {
    let state = state
        .ok_or_else(|| ApiError::from_status(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR))?;
    let token = token.map_err(ApiError::unauthenticated)?;
    // The peer's address: behind a reverse proxy every client shares the proxy's, so its
    // failure limit (AUTH_FAILURES_PER_ADDRESS) must be sized for that (see the README).
    let client = req.peer_addr().map(|a| a.ip());
    let principal = state.auth.authenticate(&token, client).await?;
    if let Some(tenant) = principal.tenant_id() {
        tracing::Span::current().record("tenant_id", tracing::field::display(tenant));
    }
    // The key's quota, spent once the key is known to be genuine; the middleware writes the
    // headers from what is left in the request's extensions.
    if let (Some(limits), Some(key)) = (&state.rate_limits, principal.key_id()) {
        match limits.check(key) {
            Ok(left) => {
                req.extensions_mut().insert(left);
            }
            Err((left, wait)) => {
                req.extensions_mut().insert(left);
                let mut e = ApiError::new(
                    actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::RateLimited,
                    format!("this key sent too many requests: retry in {wait} s"),
                );
                e.retry_after = Some(wait);
                return Err(e);
            }
        }
    }
    Ok(principal)
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

macro_rules! bearer_caller {
    ($(#[$meta:meta])* $name:ident, $check:expr) => {
        $(#[$meta])*
        pub struct $name(pub Principal);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Extracted<Self>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let state = req.app_data::<web::Data<AppState>>().cloned();
                let token = bearer(req);
                let req = req.clone();
                Box::pin(async move {
                    let principal = authenticate(req, state, token).await?;
                    if let Principal::Worker { .. } = principal {
                        return Err(ApiError::unauthenticated(AuthProblem::WorkerKeyAsBearer));
                    }
                    let check: fn(&Principal) -> Result<(), faireplace_app::AppError> = $check;
                    check(&principal)?;
                    Ok($name(principal))
                })
            }
        }
    };
}

bearer_caller!(
    /// A Bearer key of role OWNER or MANAGER (403 for any other role).
    Manager,
    |p| p.manage().map(|_| ())
);

bearer_caller!(
    /// A Bearer key of role OWNER (403 for any other role).
    OwnerOnly,
    |p| p.own().map(|_| ())
);

bearer_caller!(
    /// A Bearer key of role LESSEE (403 for any other role; scopes are checked per route).
    LesseeKey,
    |p| {
        if p.role() == faireplace_kernel::access::Role::Lessee {
            Ok(())
        } else {
            Err(faireplace_app::AppError::Forbidden(format!(
                "the lessee portal takes LESSEE keys; this is a {} key",
                p.role()
            )))
        }
    }
);

/// A worker key presented in `X-API-Key` (accepted only under `/api/workers`).
pub struct Worker(pub Principal);

impl FromRequest for Worker {
    type Error = ApiError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = match req.headers().get("x-api-key") {
            None => Err(AuthProblem::Missing),
            Some(v) => v
                .to_str()
                .map(|v| v.trim().to_owned())
                .map_err(|_| AuthProblem::Malformed),
        };
        let req = req.clone();
        Box::pin(async move {
            let principal = authenticate(req, state, token).await?;
            match principal {
                Principal::Worker { .. } => Ok(Worker(principal)),
                _ => Err(ApiError::new(
                    actix_web::http::StatusCode::FORBIDDEN,
                    ErrorCode::Forbidden,
                    "the workers API takes WORKER keys only",
                )),
            }
        })
    }
}

/// Paging, search and sort of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1.
    #[param(value_type = Option<u32>, minimum = 1, example = 1)]
    pub page: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
    /// Case-insensitive text searched in names.
    pub search: Option<String>,
    /// `field` ascending or `-field` descending.
    #[param(example = "-created_at")]
    pub sort: Option<String>,
}

impl ListParams {
    /// The validated page request and sort.
    pub fn parse<F: SortField>(
        &self,
        default_sort: Sort<F>,
    ) -> Result<(PageRequest, Sort<F>), ApiError> {
        let mut errors = ValidationErrors::new();
        let page = errors.merge(parse_page(&self.page, &self.limit));
        let sort = errors.merge(Sort::parse(self.sort.as_deref(), default_sort));
        if self
            .search
            .as_ref()
            .is_some_and(|s| s.chars().count() > 200)
        {
            errors.push("search", "must be at most 200 characters");
        }
        errors.into_result()?;
        match (page, sort) {
            (Some(p), Some(s)) => Ok((p, s)),
            _ => Err(ApiError::field("page", "is invalid")),
        }
    }

    pub fn search(&self) -> Option<String> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
}

fn parse_page(
    page: &Option<String>,
    limit: &Option<String>,
) -> Result<PageRequest, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut number = |field: &str, v: &Option<String>| -> Option<i64> {
        let v = v.as_deref()?;
        match v.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(field, "must be a whole number");
                None
            }
        }
    };
    let page = number("page", page);
    let limit = number("limit", limit);
    let request = errors.merge(PageRequest::new(page, limit));
    errors.into_result()?;
    request.ok_or_else(|| ValidationErrors::single("page", "is invalid"))
}

/// The values of a body's required fields, or 400 naming every one that is missing:
/// `let (place, total) = crate::required!(body: place_id, total_amount);`
#[macro_export]
macro_rules! required {
    ($body:ident: $($field:ident),+ $(,)?) => {{
        let mut errors = faireplace_kernel::ValidationErrors::new();
        $(
            let $field = $body.$field.or_else(|| {
                errors.push(stringify!($field), "is required");
                None
            });
        )+
        match ($($field,)+) {
            ($(Some($field),)+) => ($($field),+),
            _ => return Err($crate::problem::ApiError::validation(&errors)),
        }
    }};
}

/// The page of a list that is neither searched nor sorted.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

impl PageParams {
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        page_request(&self.page, &self.limit)
    }
}

/// A page request from raw `page` and `limit` query values (400 naming the bad one).
pub fn page_request(
    page: &Option<String>,
    limit: &Option<String>,
) -> Result<PageRequest, ApiError> {
    parse_page(page, limit).map_err(ApiError::from)
}

/// Where a list stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    #[schema(example = 1)]
    pub page: u32,
    #[schema(example = 20)]
    pub limit: u32,
    #[schema(example = 57)]
    pub total: u64,
    #[schema(example = 3)]
    pub total_pages: u64,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T: ToSchema> {
    pub data: Vec<T>,
    pub pagination: Pagination,
}

impl<T: ToSchema> Paginated<T> {
    pub fn from_page<D>(page: Page<D>, f: impl FnMut(D) -> T) -> Self {
        let pagination = Pagination {
            page: page.request.page(),
            limit: page.request.limit(),
            total: page.total,
            total_pages: page.total_pages(),
        };
        Self {
            data: page.items.into_iter().map(f).collect(),
            pagination,
        }
    }
}

impl<T: ToSchema + Serialize> Paginated<T> {
    /// `200 OK` with the page, serialized into a buffer sized for it up front: a growing buffer
    /// would be copied several times for a page of a hundred items.
    pub fn respond(&self) -> HttpResponse {
        json_response(HttpResponse::Ok(), self, 256 + self.data.len() * 768)
    }
}

/// A JSON answer serialized into a buffer of `capacity` bytes to start with.
pub fn json_response<T: Serialize>(
    mut builder: actix_web::HttpResponseBuilder,
    body: &T,
    capacity: usize,
) -> HttpResponse {
    let mut buffer = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut buffer, body) {
        Ok(()) => builder
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .body(buffer),
        Err(e) => {
            ApiError::from(faireplace_app::AppError::Unknown(Box::new(e))).error_response_for_body()
        }
    }
}

/// `201 Created` with `Location`.
/// An optional nested object of a request: `null` or absent is `None`, an object is read, and
/// anything else is refused (serde would otherwise read a struct from an array of its fields).
pub fn object_only<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value @ serde_json::Value::Object(_)) => serde_json::from_value(value)
            .map(Some)
            .map_err(D::Error::custom),
        Some(_) => Err(D::Error::custom("must be an object")),
    }
}

/// A PDF, as an attachment named `filename`.
pub fn pdf(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/pdf"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            crate::media::content_disposition(filename),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes)
}

/// The caller's address and browser, kept as evidence of a signature.
pub fn origin(req: &HttpRequest) -> faireplace_app::signatures::RequestOrigin {
    faireplace_app::signatures::RequestOrigin {
        ip: req.peer_addr().map(|a| a.ip().to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(500).collect()),
    }
}

pub fn created<T: Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// Applies a JSON merge patch (RFC 7396) to a resource's request form: absent fields stay,
/// `null` clears, objects merge.
pub fn merge_patch<T>(current: &T, patch: serde_json::Value) -> Result<T, ApiError>
where
    T: Serialize + serde::de::DeserializeOwned,
{
    if !patch.is_object() {
        return Err(ApiError::field(
            "body",
            "a PATCH body must be a JSON object",
        ));
    }
    let mut doc = serde_json::to_value(current)
        .map_err(|e| faireplace_app::AppError::Unknown(Box::new(e)))?;
    merge(&mut doc, patch);
    serde_json::from_value(doc).map_err(|e| ApiError::field("body", &e.to_string()))
}

fn merge(target: &mut serde_json::Value, patch: serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.insert(k, serde_json::Value::Null);
                } else {
                    merge(t.entry(k).or_insert(serde_json::Value::Null), v);
                }
            }
        }
        (t, p) => *t = p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": "x"});
        merge(&mut doc, json!({"a": null, "b": {"c": 5}, "f": [1]}));
        assert_eq!(
            doc,
            json!({"a": null, "b": {"c": 5, "d": 3}, "e": "x", "f": [1]})
        );
    }
}
