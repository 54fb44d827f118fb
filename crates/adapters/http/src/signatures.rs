//! `/api/signatures` and `/api/leases/{id}/signatures`: electronic signature of a lease with
//! one-time codes; `/api/lessee/leases/{id}/sign…`: the lessee's side; `/api/workers/signatures`:
//! the signature providers' workers (`X-API-Key`).

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use faireplace_app::signatures::{CodeSent, StatusReport};
use faireplace_kernel::ValidationErrors;
use faireplace_leases::LeaseId;
use faireplace_ports::signatures::SignatureFilter;
use faireplace_signatures::{Signature, SignatureId, SignatureStatus, SignerId, SignerInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{LesseeKey, Manager, Paginated, Worker, created, origin, page_request, pdf};
use crate::problem::ApiError;
use crate::responses::{
    BadRequest, Conflict, Forbidden, NotFound, PaymentRequired, Pdf, TooManyRequests, Unauthorized,
};

/// LESSEE, OWNER, GUARANTOR or AGENT.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum SignerRoleDto {
    LESSEE,
    OWNER,
    GUARANTOR,
    AGENT,
}

/// PENDING (nobody signed), IN_PROGRESS, COMPLETED (the lease is ACTIVE), CANCELLED, EXPIRED
/// (30 days without completion).
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum SignatureStatusDto {
    PENDING,
    IN_PROGRESS,
    COMPLETED,
    CANCELLED,
    EXPIRED,
}

/// PENDING, SIGNED or DECLINED.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum SignerStatusDto {
    PENDING,
    SIGNED,
    DECLINED,
}

/// A signer as requested.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerRequest {
    #[schema(value_type = SignerRoleDto)]
    pub role: Option<String>,
    /// The lessee, owner or contact (guarantor, agent) who signs.
    pub party_id: Option<Uuid>,
    /// Optional check: the one-time codes always go to the party's own e-mail on record
    /// (the lessee's, the owner's or the contact's). When given, it must be that e-mail (400
    /// otherwise); to reach the person elsewhere, change the party (an audited change).
    #[schema(example = "claire.martin@example.org")]
    pub email: Option<String>,
    /// Optional check, like `email`: the party's own phone on record.
    pub phone: Option<String>,
    /// From 1 (default); lower orders sign first, equal orders in any order.
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub order: Option<i64>,
}

/// Signers of a new process.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiateRequest {
    /// 1 to 20 signers; every co-lessee of the lease must be one.
    pub signers: Vec<SignerRequest>,
}

/// The evidence of a signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceResponse {
    pub signed_at: DateTime<Utc>,
    /// OTP or PROVIDER.
    pub method: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub provider_reference: Option<String>,
}

/// A signer and where they stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignerResponse {
    pub id: Uuid,
    #[schema(value_type = SignerRoleDto)]
    pub role: String,
    pub party_id: Uuid,
    pub email: String,
    pub phone: Option<String>,
    pub order: u32,
    #[schema(value_type = SignerStatusDto)]
    pub status: String,
    pub status_at: Option<DateTime<Utc>>,
    pub evidence: Option<EvidenceResponse>,
}

/// A signature process.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureResponse {
    pub id: Uuid,
    pub lease_id: Uuid,
    #[schema(value_type = SignatureStatusDto)]
    pub status: String,
    /// SHA-256 (hex) of the document fixed when the process started.
    pub document_sha256: String,
    pub expires_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub signers: Vec<SignerResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn response(s: &Signature) -> SignatureResponse {
    SignatureResponse {
        id: s.id.0,
        lease_id: s.lease_id,
        status: s.status.as_str().to_owned(),
        document_sha256: s.document_sha256.clone(),
        expires_at: s.expires_at,
        completed_at: s.completed_at,
        cancelled_at: s.cancelled_at,
        signers: s
            .signers
            .iter()
            .map(|x| SignerResponse {
                id: x.id.0,
                role: x.data.role.as_str().to_owned(),
                party_id: x.data.party_id,
                email: x.data.email.as_str().to_owned(),
                phone: x.data.phone.as_ref().map(|p| p.as_str().to_owned()),
                order: x.data.order,
                status: x.status.as_str().to_owned(),
                status_at: x.status_at,
                evidence: x.evidence.as_ref().map(|e| EvidenceResponse {
                    signed_at: e.at,
                    method: e.method.clone(),
                    ip: e.ip.clone(),
                    user_agent: e.user_agent.clone(),
                    provider_reference: e.provider_reference.clone(),
                }),
            })
            .collect(),
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// A code was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSentResponse {
    pub signer_id: Uuid,
    /// The code is valid until then (10 minutes).
    pub expires_at: DateTime<Utc>,
}

fn code_sent(c: CodeSent) -> CodeSentResponse {
    CodeSentResponse {
        signer_id: c.signer_id.0,
        expires_at: c.expires_at,
    }
}

/// A one-time code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The 6 digits received.
    #[schema(example = "042817")]
    pub otp: String,
}

/// Send a lease for electronic signature: the contract is generated and fixed (its SHA-256),
/// one credit is spent (402 INSUFFICIENT_CREDITS without), the lease becomes PENDING_SIGNATURE.
/// 409 LEASE_NOT_SIGNABLE unless the lease is DRAFT or PENDING_SIGNATURE, 409
/// SIGNATURE_IN_PROGRESS when a process is open. While it is open the lease and its annexes
/// cannot be changed. With `Idempotency-Key`, a retry of the same request within 24 hours
/// replays the first answer (header `Idempotent-Replayed: true`) without spending another
/// credit; the same key with another body is 409 `IDEMPOTENCY_KEY_REUSED`.
#[utoipa::path(
    tag = "Signatures", operation_id = "initiate_signature",
    request_body = InitiateRequest,
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "1 to 200 visible ASCII characters naming this request for retries")
    ),
    responses(
        (status = 201, description = "Started", body = SignatureResponse,
            headers(("Location" = String, description = "URL of the process"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 402, response = PaymentRequired),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/leases/{id}/signatures")]
pub async fn initiate(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: crate::json::Json<InitiateRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = crate::payments::idempotency_key(&req)?;
    let mut replay_of = None;
    if let Some(key) = &key {
        let canonical =
            serde_json::to_vec(&body).map_err(|e| faireplace_app::AppError::Unknown(e.into()))?;
        let hash = faireplace_app::idempotency::request_hash("POST", req.path(), &canonical);
        if let Some(replay) = state.idempotency.replay(&caller.0, key, &hash).await? {
            let location = replay.body["id"]
                .as_str()
                .map(|i| format!("/api/signatures/{i}"));
            let mut answer = HttpResponse::Created();
            answer.insert_header(("Idempotent-Replayed", "true"));
            if let Some(location) = location {
                answer.insert_header((actix_web::http::header::LOCATION, location));
            }
            return Ok(answer.json(replay.body));
        }
        replay_of = Some((key.clone(), hash));
    }
    let signers: Vec<SignerInput> = body
        .signers
        .into_iter()
        .map(|s| SignerInput {
            role: s.role,
            party_id: s.party_id,
            email: s.email,
            phone: s.phone,
            order: s.order,
        })
        .collect();
    let sig = state
        .signatures
        .initiate(&caller.0, LeaseId(*id), &signers)
        .await?;
    let answer = response(&sig);
    if let Some((key, hash)) = replay_of {
        let kept = serde_json::to_value(&answer)
            .map_err(|e| faireplace_app::AppError::Unknown(e.into()))?;
        // Started and paid for: answer it even if it could not be kept (a retry then meets
        // 409 SIGNATURE_IN_PROGRESS, never a second spending).
        if let Err(e) = state
            .idempotency
            .remember(&caller.0, &key, &hash, 201, kept)
            .await
        {
            tracing::error!(error = %e, "an idempotent answer could not be kept");
        }
    }
    Ok(created(format!("/api/signatures/{}", sig.id.0), &answer))
}

/// Filters of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignatureListParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The status as of now (an open process past its expiry is EXPIRED).
    #[param(value_type = Option<SignatureStatusDto>)]
    pub status: Option<String>,
    pub lease_id: Option<Uuid>,
}

/// The signature processes, newest first (`status=PENDING` for those nobody has signed yet).
#[utoipa::path(
    tag = "Signatures", operation_id = "list_signatures",
    params(SignatureListParams),
    responses(
        (status = 200, description = "A page", body = Paginated<SignatureResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/signatures")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<SignatureListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(&params.page, &params.limit)?;
    let status = match params.status.as_deref() {
        None => None,
        Some(s) => Some(
            SignatureStatus::parse(s)
                .map_err(|e| ApiError::from(ValidationErrors::single("status", e.to_string())))?,
        ),
    };
    let filter = SignatureFilter {
        status,
        lease_id: params.lease_id.map(LeaseId),
    };
    let page = state.signatures.list(&caller.0, &filter, page).await?;
    Ok(Paginated::from_page(page, |s| response(&s)).respond())
}

/// One process with each signer's status and evidence.
#[utoipa::path(
    tag = "Signatures", operation_id = "get_signature",
    responses(
        (status = 200, description = "The process", body = SignatureResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/signatures/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let sig = state.signatures.get(&caller.0, SignatureId(*id)).await?;
    Ok(HttpResponse::Ok().json(response(&sig)))
}

/// Send the signer a one-time code by e-mail: 6 digits, valid 10 minutes, replacing any earlier
/// code; at most 3 per signer per 15 minutes (429 with Retry-After). 409 when the signer may not
/// sign now (SIGNER_OUT_OF_ORDER, ALREADY_SIGNED, SIGNATURE_CLOSED, SIGNATURE_EXPIRED).
#[utoipa::path(
    tag = "Signatures", operation_id = "send_signature_otp",
    responses(
        (status = 200, description = "Sent", body = CodeSentResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/signatures/{id}/signers/{signer_id}/otp")]
pub async fn send_otp(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, signer) = path.into_inner();
    let sent = state
        .signatures
        .send_code(&caller.0, SignatureId(id), SignerId(signer))
        .await?;
    Ok(HttpResponse::Ok().json(code_sent(sent)))
}

/// Sign with the code received: the time, IP address, browser and the document's SHA-256 are
/// kept as evidence; the last signer completes the process and the lease becomes ACTIVE. A
/// wrong or expired code is a 400 naming `otp`; after 5 tries the code is locked (409
/// OTP_LOCKED): request a new one.
#[utoipa::path(
    tag = "Signatures", operation_id = "verify_signature_otp",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Signed", body = SignatureResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/signatures/{id}/signers/{signer_id}/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
    path: web::Path<(Uuid, Uuid)>,
    body: crate::json::Json<VerifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, signer) = path.into_inner();
    let sig = state
        .signatures
        .verify(
            &caller.0,
            SignatureId(id),
            SignerId(signer),
            body.otp.trim(),
            &origin(&req),
        )
        .await?;
    Ok(HttpResponse::Ok().json(response(&sig)))
}

/// Cancel an open process; the lease goes back to DRAFT. The credit spent is not refunded.
#[utoipa::path(
    tag = "Signatures", operation_id = "cancel_signature",
    responses(
        (status = 200, description = "Cancelled", body = SignatureResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/signatures/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let sig = state.signatures.cancel(&caller.0, SignatureId(*id)).await?;
    Ok(HttpResponse::Ok().json(response(&sig)))
}

/// The signed document (after completion; 409 SIGNATURE_NOT_COMPLETED before): the contract as
/// fixed, then an audit page with the signers, times, IP addresses and the SHA-256.
#[utoipa::path(
    tag = "Signatures", operation_id = "signed_document",
    responses(
        (status = 200, response = Pdf),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[get("/signatures/{id}/document")]
pub async fn document(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let bytes = state
        .signatures
        .signed_document(&caller.0, SignatureId(*id))
        .await?;
    Ok(pdf(bytes, &format!("bail-signe-{}.pdf", *id)))
}

/// The document exactly as fixed when the process started (any status): hash it to check the
/// SHA-256 the signers signed and the audit page names.
#[utoipa::path(
    tag = "Signatures", operation_id = "original_document",
    responses(
        (status = 200, response = Pdf),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/signatures/{id}/original")]
pub async fn original(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let bytes = state
        .signatures
        .original_document(&caller.0, SignatureId(*id))
        .await?;
    Ok(pdf(bytes, &format!("bail-{}.pdf", *id)))
}

/// Send the calling lessee a one-time code for the lease's signature (`lessee:leases:sign`).
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_send_otp",
    responses(
        (status = 200, description = "Sent", body = CodeSentResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
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
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
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
    Ok(HttpResponse::Ok().json(response(&sig)))
}

/// The signed lease with its audit page (`lessee:leases:download`; 409 before completion).
#[utoipa::path(
    tag = "Lessee portal", operation_id = "lessee_download",
    responses(
        (status = 200, response = Pdf),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
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
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
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
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
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
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
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
    cfg.service(initiate)
        .service(list)
        .service(get_one)
        .service(send_otp)
        .service(verify)
        .service(cancel)
        .service(document)
        .service(original)
        .service(lessee_otp)
        .service(lessee_sign)
        .service(lessee_download)
        .service(worker_status)
        .service(worker_finalize)
        .service(worker_sync);
}
