//! `/api/lessee/…`: the lessee portal, for LESSEE keys: the calling lessee's own leases, their
//! signature with one-time codes, and the signed document. Any other lease, even of the same
//! tenant, is 404.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use faireplace_leases::LeaseId;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::AppState;
use crate::common::{LesseeKey, ListParams, Paginated, origin, pdf};
use crate::leases::contracts::{DEFAULT_SORT, LeaseResponse, response};
use crate::problem::ApiError;
use crate::responses::{Conflict, Forbidden, NotFound, Pdf, TooManyRequests};
use crate::signatures::{CodeSentResponse, SignatureResponse, VerifyRequest, code_sent};

/// Paging of the lessee's leases.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LesseeListParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `start_date` (default `-start_date`), `end_date`, `status`, `created_at`…
    pub sort: Option<String>,
}

/// The leases on which the calling lessee is a party (LESSEE key with `lessee:leases:read`).
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_list_leases",
    params(LesseeListParams),
    responses(
        (status = 200, description = "A page", body = Paginated<LeaseResponse>),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/lessee/leases")]
pub async fn lessee_leases(
    state: web::Data<AppState>,
    caller: LesseeKey,
    params: web::Query<LesseeListParams>,
) -> Result<HttpResponse, ApiError> {
    let list = ListParams {
        page: params.page.clone(),
        limit: params.limit.clone(),
        search: None,
        sort: params.sort.clone(),
    };
    let (page, sort) = list.parse(DEFAULT_SORT)?;
    let page = state
        .lease_rules
        .lessee_leases(&caller.0, page, sort)
        .await?;
    Ok(Paginated::from_page(page, |l| response(&l)).respond())
}

/// One lease of the calling lessee's; any other lease, even of the same tenant, is 404.
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_get_lease",
    responses(
        (status = 200, description = "The lease", body = LeaseResponse),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/lessee/leases/{id}")]
pub async fn lessee_lease(
    state: web::Data<AppState>,
    caller: LesseeKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let lease = state
        .lease_rules
        .lessee_lease(&caller.0, LeaseId(path.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(response(&lease)))
}

/// Send the calling lessee a one-time code for the lease's signature (`lessee:leases:sign`).
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_send_otp",
    responses(
        (status = 200, description = "Sent", body = CodeSentResponse),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/lessee/leases/{id}/sign/otp")]
pub async fn lessee_otp(
    state: web::Data<AppState>,
    caller: LesseeKey,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let sent = state
        .signatures
        .lessee_send_code(&caller.0, LeaseId(*id))
        .await?;
    Ok(HttpResponse::Ok().json(code_sent(sent)))
}

/// Sign the lease with the code received (`lessee:leases:sign`).
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_sign",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Signed", body = SignatureResponse),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/lessee/leases/{id}/sign")]
pub async fn lessee_sign(
    state: web::Data<AppState>,
    caller: LesseeKey,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: crate::json::Json<VerifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let sig = state
        .signatures
        .lessee_sign(&caller.0, LeaseId(*id), body.otp.trim(), &origin(&req))
        .await?;
    Ok(HttpResponse::Ok().json(crate::signatures::response(&sig)))
}

/// The signed lease with its audit page (`lessee:leases:download`; 409 before completion).
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_download",
    responses(
        (status = 200, response = Pdf),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[get("/lessee/leases/{id}/download")]
pub async fn lessee_download(
    state: web::Data<AppState>,
    caller: LesseeKey,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let bytes = state
        .signatures
        .lessee_download(&caller.0, LeaseId(*id))
        .await?;
    Ok(pdf(bytes, &format!("bail-signe-{}.pdf", *id)))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(lessee_leases)
        .service(lessee_lease)
        .service(lessee_otp)
        .service(lessee_sign)
        .service(lessee_download);
}
