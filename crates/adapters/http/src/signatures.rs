//! `/api/signatures` and `/api/leases/{id}/signatures`: electronic signature of a lease with
//! one-time codes (the lessee's side is in `lessee_portal`, the signature providers' workers in
//! `workers`).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use faireplace_app::signatures::CodeSent;
use faireplace_kernel::ValidationErrors;
use faireplace_leases::LeaseId;
use faireplace_ports::signatures::SignatureFilter;
use faireplace_signatures::{
    SignMethod, Signature, SignatureId, SignatureStatus, SignerId, SignerInput, SignerRole,
    SignerStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::PageParams;
use crate::common::{Manager, Paginated, created, origin, pdf};
use crate::problem::ApiError;
use crate::responses::{Conflict, Forbidden, NotFound, PaymentRequired};

/// A signer as requested.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerRequest {
    #[schema(value_type = SignerRole)]
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
    pub method: SignMethod,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub provider_reference: Option<String>,
}

/// A signer and where they stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignerResponse {
    #[schema(value_type = Uuid)]
    pub id: SignerId,
    pub role: SignerRole,
    pub party_id: Uuid,
    pub email: String,
    pub phone: Option<String>,
    pub order: u32,
    pub status: SignerStatus,
    pub status_at: Option<DateTime<Utc>>,
    pub evidence: Option<EvidenceResponse>,
}

/// A signature process.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureResponse {
    #[schema(value_type = Uuid)]
    pub id: SignatureId,
    #[schema(value_type = Uuid)]
    pub lease_id: LeaseId,
    pub status: SignatureStatus,
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
        id: s.id,
        lease_id: s.lease_id,
        status: s.status,
        document_sha256: s.document_sha256.clone(),
        expires_at: s.expires_at,
        completed_at: s.completed_at,
        cancelled_at: s.cancelled_at,
        signers: s
            .signers
            .iter()
            .map(|x| SignerResponse {
                id: x.id,
                role: x.data.role,
                party_id: x.data.party_id,
                email: x.data.email.as_str().to_owned(),
                phone: x.data.phone.as_ref().map(|p| p.as_str().to_owned()),
                order: x.data.order,
                status: x.status,
                status_at: x.status_at,
                evidence: x.evidence.as_ref().map(|e| EvidenceResponse {
                    signed_at: e.at,
                    method: e.method,
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
    #[schema(value_type = Uuid)]
    pub signer_id: SignerId,
    /// The code is valid until then (10 minutes).
    pub expires_at: DateTime<Utc>,
}

pub(crate) fn code_sent(c: CodeSent) -> CodeSentResponse {
    CodeSentResponse {
        signer_id: c.signer_id,
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
    /// The status as of now (an open process past its expiry is EXPIRED).
    #[param(value_type = Option<SignatureStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub lease_id: Option<LeaseId>,
}

crate::endpoint! {
    /// The signature processes, newest first (`status=PENDING` for those nobody has signed yet).
    get "/signatures", tag = "Signatures", id = "list_signatures",
    ok = (200, "A page", Paginated<SignatureResponse>),
    errors = [403 Forbidden],
    query page: PageParams, params: SignatureListParams;
    fn list(state, caller: Manager) {
        let page = page.request()?;
        let status = match params.status.as_deref() {
            None => None,
            Some(s) => Some(
                SignatureStatus::parse(s)
                    .map_err(|e| ApiError::from(ValidationErrors::single("status", e.to_string())))?,
            ),
        };
        let filter = SignatureFilter {
            status,
            lease_id: params.lease_id,
        };
        let page = state.signatures.list(&caller.0, &filter, page).await?;
        Ok(Paginated::from_page(page, |s| response(&s)).respond())
    }
}

crate::endpoint! {
    /// One process with each signer's status and evidence.
    get "/signatures/{id}", tag = "Signatures", id = "get_signature",
    ok = (200, "The process", SignatureResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn get_one(state, caller: Manager, id: web::Path<Uuid>) {
        let sig = state.signatures.get(&caller.0, SignatureId(*id)).await?;
        Ok(HttpResponse::Ok().json(response(&sig)))
    }
}

crate::endpoint! {
    /// Send the signer a one-time code by e-mail: 6 digits, valid 10 minutes, replacing any earlier
    /// code; at most 3 per signer per 15 minutes (429 with Retry-After). 409 when the signer may not
    /// sign now (SIGNER_OUT_OF_ORDER, ALREADY_SIGNED, SIGNATURE_CLOSED, SIGNATURE_EXPIRED).
    post "/signatures/{id}/signers/{signer_id}/otp", tag = "Signatures", id = "send_signature_otp",
    ok = (200, "Sent", CodeSentResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict, 429 TooManyRequests],
    fn send_otp(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
        let (id, signer) = path.into_inner();
        let sent = state
            .signatures
            .send_code(&caller.0, SignatureId(id), SignerId(signer))
            .await?;
        Ok(HttpResponse::Ok().json(code_sent(sent)))
    }
}

crate::endpoint! {
    /// Sign with the code received: the time, IP address, browser and the document's SHA-256 are
    /// kept as evidence; the last signer completes the process and the lease becomes ACTIVE. A
    /// wrong or expired code is a 400 naming `otp`; after 5 tries the code is locked (409
    /// OTP_LOCKED): request a new one.
    post "/signatures/{id}/signers/{signer_id}/verify", tag = "Signatures", id = "verify_signature_otp",
    ok = (200, "Signed", SignatureResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    json body: VerifyRequest,
    fn verify(state, caller: Manager, req: HttpRequest, path: web::Path<(Uuid, Uuid)>) {
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
}

crate::endpoint! {
    /// Cancel an open process; the lease goes back to DRAFT. The credit spent is not refunded.
    post "/signatures/{id}/cancel", tag = "Signatures", id = "cancel_signature",
    ok = (200, "Cancelled", SignatureResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    fn cancel(state, caller: Manager, id: web::Path<Uuid>) {
        let sig = state.signatures.cancel(&caller.0, SignatureId(*id)).await?;
        Ok(HttpResponse::Ok().json(response(&sig)))
    }
}

crate::endpoint! {
    /// The signed document (after completion; 409 SIGNATURE_NOT_COMPLETED before): the contract as
    /// fixed, then an audit page with the signers, times, IP addresses and the SHA-256.
    get "/signatures/{id}/document", tag = "Signatures", id = "signed_document",
    ok = Pdf,
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    fn document(state, caller: Manager, id: web::Path<Uuid>) {
        let bytes = state
            .signatures
            .signed_document(&caller.0, SignatureId(*id))
            .await?;
        Ok(pdf(bytes, &format!("bail-signe-{}.pdf", *id)))
    }
}

crate::endpoint! {
    /// The document exactly as fixed when the process started (any status): hash it to check the
    /// SHA-256 the signers signed and the audit page names.
    get "/signatures/{id}/original", tag = "Signatures", id = "original_document",
    ok = Pdf,
    errors = [403 Forbidden, 404 NotFound],
    fn original(state, caller: Manager, id: web::Path<Uuid>) {
        let bytes = state
            .signatures
            .original_document(&caller.0, SignatureId(*id))
            .await?;
        Ok(pdf(bytes, &format!("bail-{}.pdf", *id)))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(initiate)
        .service(list)
        .service(get_one)
        .service(send_otp)
        .service(verify)
        .service(cancel)
        .service(document)
        .service(original);
}
