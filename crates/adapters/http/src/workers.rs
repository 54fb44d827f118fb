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

use crate::common::Worker;
use crate::problem::ApiError;
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

crate::endpoint! {
    /// Report a signer's status from a signature provider (WORKER key). Idempotent: the same report
    /// again answers the same process and changes nothing.
    put "/workers/signatures/{id}/signers/{signer_id}/status", tag = "Workers", id = "worker_signer_status",
    security = "worker_key",
    ok = (200, "The process", SignatureResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    json body: StatusRequest,
    fn worker_status(state, caller: Worker, path: web::Path<(Uuid, Uuid)>) {
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
}

crate::endpoint! {
    /// Complete a process whose signers have all signed (WORKER key): the lease becomes ACTIVE.
    /// Idempotent: a completed process is answered as it is. 409 SIGNERS_PENDING otherwise.
    post "/workers/signatures/{id}/finalize", tag = "Workers", id = "worker_finalize_signature",
    security = "worker_key",
    ok = (200, "The process", SignatureResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    fn worker_finalize(state, caller: Worker, id: web::Path<Uuid>) {
        let sig = state
            .signatures
            .finalize(&caller.0, SignatureId(*id))
            .await?;
        Ok(HttpResponse::Ok().json(response(&sig)))
    }
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

crate::endpoint! {
    /// The processes of every tenant changed after `updated_since`, oldest change first (WORKER key).
    get "/workers/signatures", tag = "Workers", id = "worker_sync_signatures",
    security = "worker_key",
    ok = (200, "Changed processes", Vec<WorkerSignatureResponse>),
    errors = [403 Forbidden],
    query params: SyncParams;
    fn worker_sync(state, caller: Worker) {
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
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(worker_status)
        .service(worker_finalize)
        .service(worker_sync);
}
