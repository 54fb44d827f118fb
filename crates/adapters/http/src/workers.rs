//! `/api/workers/…`: the serverless workers of the platform (WORKER keys, through `X-API-Key`):
//! the signature providers' reports, the completion of a process, and the sync of the processes
//! of every tenant.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use faireplace_app::signatures::StatusReport;
use faireplace_signatures::{SignatureId, SignerId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::Worker;
use crate::problem::ApiError;
use crate::responses::{Conflict, Forbidden, NotFound};
use crate::signatures::{SignatureResponse, response};

/// A provider's report on one signer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// SIGNED or DECLINED (a decline cancels the process).
    #[schema(example = "SIGNED")]
    pub status: Option<String>,
    /// When it happened at the provider (default now).
    pub event_at: Option<DateTime<Utc>>,
    pub provider_reference: Option<String>,
}

/// A process with its tenant, for workers.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerSignatureResponse {
    pub tenant_id: Uuid,
    #[serde(flatten)]
    pub signature: SignatureResponse,
}

/// Report a signer's status from a signature provider (WORKER key). Idempotent: the same report
/// again answers the same process and changes nothing.
#[utoipa::path(
    tag = "Workers", operation_id = "worker_signer_status",
    request_body = StatusRequest,
    responses(
        (status = 200, description = "The process", body = SignatureResponse),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("worker_key" = []))
)]
#[put("/workers/signatures/{id}/signers/{signer_id}/status")]
pub async fn worker_status(
    state: web::Data<AppState>,
    caller: Worker,
    path: web::Path<(Uuid, Uuid)>,
    body: crate::json::Json<StatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, signer) = path.into_inner();
    let body = body.into_inner();
    let sig = state
        .signatures
        .report(
            &caller.0,
            SignatureId(id),
            SignerId(signer),
            &StatusReport {
                status: body.status,
                event_at: body.event_at,
                provider_reference: body.provider_reference,
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(response(&sig)))
}

/// Complete a process whose signers have all signed (WORKER key): the lease becomes ACTIVE.
/// Idempotent: a completed process is answered as it is. 409 SIGNERS_PENDING otherwise.
#[utoipa::path(
    tag = "Workers", operation_id = "worker_finalize_signature",
    responses(
        (status = 200, description = "The process", body = SignatureResponse),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("worker_key" = []))
)]
#[post("/workers/signatures/{id}/finalize")]
pub async fn worker_finalize(
    state: web::Data<AppState>,
    caller: Worker,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let sig = state
        .signatures
        .finalize(&caller.0, SignatureId(*id))
        .await?;
    Ok(HttpResponse::Ok().json(response(&sig)))
}

/// Sync parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// Processes changed after this instant (default: the beginning).
    pub updated_since: Option<DateTime<Utc>>,
    /// At most this many, 1 to 100 (default 100); page on with the last `updated_at`.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// The processes of every tenant changed after `updated_since`, oldest change first (WORKER key).
#[utoipa::path(
    tag = "Workers", operation_id = "worker_sync_signatures",
    params(SyncParams),
    responses(
        (status = 200, description = "Changed processes", body = Vec<WorkerSignatureResponse>),
        (status = 403, response = Forbidden),
    ),
    security(("worker_key" = []))
)]
#[get("/workers/signatures")]
pub async fn worker_sync(
    state: web::Data<AppState>,
    caller: Worker,
    params: web::Query<SyncParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = match params.limit.as_deref() {
        None => 100,
        Some(raw) => match raw.trim().parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => return Err(ApiError::field("limit", "must be between 1 and 100")),
        },
    };
    let since = params.updated_since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let changed = state
        .signatures
        .changed_since(&caller.0, since, limit)
        .await?;
    let body: Vec<WorkerSignatureResponse> = changed
        .iter()
        .map(|(tenant, s)| WorkerSignatureResponse {
            tenant_id: tenant.as_uuid(),
            signature: response(s),
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(worker_status)
        .service(worker_finalize)
        .service(worker_sync);
}
