//! `/api/annexes/catalog`: what a residential lease must carry, and where each annex comes from.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_annexes::{AnnexSource, CATALOG};
use faireplace_app::UploadForm;
use faireplace_app::annexes::{AnnexFile, CustomAnnexInput};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::ids::MediaId;
use faireplace_leases::{AnnexCode, LeaseId};
use faireplace_ports::annexes::LeaseAnnex;
use faireplace_property::{DiagnosticId, EnergyDiagnosisId};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, created, pdf};
use crate::problem::ApiError;
use crate::responses::{Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType};

/// An annex of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntryResponse {
    pub code: AnnexCode,
    pub title: String,
    pub source: AnnexSource,
    pub legal_reference: String,
    /// When the annex applies, in words.
    pub applies_when: String,
}

/// The catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct Catalog {
    pub data: Vec<CatalogEntryResponse>,
}

/// The catalog of lease annexes (Art. 3, 3-2, 3-3 of the 1989 law): the platform's, read-only.
#[utoipa::path(
    tag = "Annexes", operation_id = "annex_catalog",
    responses(
        (status = 200, description = "The catalog", body = Catalog),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/annexes/catalog")]
pub async fn catalog(_caller: Manager) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Catalog {
        data: CATALOG
            .iter()
            .map(|e| CatalogEntryResponse {
                code: e.code,
                title: e.title.to_owned(),
                source: e.source,
                legal_reference: e.legal_reference.to_owned(),
                applies_when: e.applies_when.to_owned(),
            })
            .collect(),
    }))
}

/// An annex attached to a lease.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnexResponse {
    pub id: Uuid,
    #[schema(value_type = Uuid)]
    pub lease_id: LeaseId,
    /// The catalog's code; null for a custom annex.
    pub code: Option<AnnexCode>,
    pub title: String,
    pub source: AnnexSource,
    /// The uploaded file (USER_UPLOAD).
    #[schema(value_type = Option<Uuid>)]
    pub media_id: Option<MediaId>,
    /// The estate's diagnostic it comes from.
    #[schema(value_type = Option<Uuid>)]
    pub diagnostic_id: Option<DiagnosticId>,
    /// The estate's energy diagnosis (DPE) it comes from.
    #[schema(value_type = Option<Uuid>)]
    pub energy_diagnosis_id: Option<EnergyDiagnosisId>,
    /// Past this day the annex no longer counts (a diagnostic's validity).
    pub valid_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn annex(a: &LeaseAnnex) -> AnnexResponse {
    AnnexResponse {
        id: a.id,
        lease_id: a.lease_id,
        code: a.code,
        title: a.title.clone(),
        source: a.source,
        media_id: a.media_id,
        diagnostic_id: a.diagnostic_id,
        energy_diagnosis_id: a.energy_diagnosis_id,
        valid_until: a.valid_until,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// A lease's annexes.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnexList {
    pub data: Vec<AnnexResponse>,
}

/// The annexes attached to a lease, oldest first.
#[utoipa::path(
    tag = "Annexes", operation_id = "list_lease_annexes",
    responses(
        (status = 200, description = "The annexes", body = AnnexList),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/leases/{id}/annexes")]
pub async fn list_annexes(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let list = state.annexes.list(&caller.0, LeaseId(*id)).await?;
    Ok(HttpResponse::Ok().json(AnnexList {
        data: list.iter().map(annex).collect(),
    }))
}

/// A custom annex: a file already uploaded (`POST /api/media`), or sent here as multipart.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomAnnexRequest {
    /// Required unless `code` names a catalog annex (its title is then the default).
    pub title: Option<String>,
    #[schema(value_type = Option<Uuid>)]
    pub media_id: Option<MediaId>,
    /// A catalog annex the file stands for (USER_UPLOAD codes only: ENTRY_CONDITION_REPORT,
    /// INSURANCE_CERTIFICATE, a diagnostic's report…).
    #[schema(value_type = Option<AnnexCode>)]
    pub code: Option<String>,
    /// Past this day the annex no longer counts (a report's validity).
    pub valid_until: Option<NaiveDate>,
}

/// The parts of a multipart custom annex.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CustomAnnexUpload {
    /// The file (PDF, JPEG, PNG or WebP).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub title: Option<String>,
    #[schema(value_type = Option<AnnexCode>)]
    pub code: Option<String>,
}

/// Reads a multipart custom annex: the file is stored as a media of the lease's estate.
async fn read_upload(
    state: &AppState,
    caller: &faireplace_app::Principal,
    lease: LeaseId,
    mut payload: Multipart,
) -> Result<CustomAnnexInput, ApiError> {
    let estate = state.lease_rules.estate_of(caller, lease).await?;
    let mut input = CustomAnnexInput::default();
    let mut form = UploadForm {
        entity_type: Some(faireplace_ports::MediaEntityType::Estate.as_str().into()),
        entity_id: Some(estate.to_string()),
        category: Some("LEASE_ANNEX".into()),
        ..UploadForm::default()
    };
    let mut pending = None;
    let mut failure = None;
    while let Some(field) = payload.next().await {
        let mut field = match field {
            Ok(f) => f,
            Err(e) => {
                failure = Some(crate::media::multipart_error(e));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let step: Result<(), ApiError> = async {
            match name.as_str() {
                "file" if pending.is_none() => {
                    let cd = field.content_disposition();
                    form.filename = cd.and_then(|cd| cd.get_filename().map(str::to_owned));
                    if form.filename.is_none() {
                        return Err(ApiError::field("file", "must be sent with a file name"));
                    }
                    pending =
                        Some(crate::media::store_file(&state.media, caller, &mut field).await?);
                    Ok(())
                }
                "title" if input.title.is_none() => {
                    input.title = Some(crate::media::read_text(&mut field, "title").await?);
                    Ok(())
                }
                "code" if input.code.is_none() => {
                    input.code = Some(crate::media::read_text(&mut field, "code").await?);
                    Ok(())
                }
                other => Err(ApiError::field(
                    if other.is_empty() { "body" } else { other },
                    "is not expected (or sent twice): send file, title and code",
                )),
            }
        }
        .await;
        if let Err(e) = step {
            failure = Some(e);
            break;
        }
    }
    match (failure, pending) {
        (Some(e), Some(p)) => {
            state.media.discard(p).await;
            Err(e)
        }
        (Some(e), None) => Err(e),
        (None, None) => Err(ApiError::field("file", "is required")),
        (None, Some(p)) => {
            let media = state.media.record(caller, &form, p).await?;
            input.media_id = Some(media.id);
            Ok(input)
        }
    }
}

/// Attach a custom annex: JSON naming a file already uploaded, or `multipart/form-data` with
/// the file (stored as a media of the lease's estate), `title` and an optional catalog `code`.
#[utoipa::path(
    tag = "Annexes", operation_id = "create_lease_annex",
    request_body(content(
        (CustomAnnexRequest = "application/json"),
        (CustomAnnexUpload = "multipart/form-data")
    )),
    responses(
        (status = 201, description = "Attached", body = AnnexResponse,
            headers(("Location" = String, description = "URL of the annex"))),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ),
    security(("bearer" = []))
)]
#[post("/leases/{id}/annexes")]
pub async fn create_annex(
    state: web::Data<AppState>,
    caller: Manager,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    // The JSON extractor's own errors (problem+json already) pass through as they are.
    let lease = LeaseId(*id);
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut uploaded = None;
    let input = if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::new(req.headers(), payload);
        let input = read_upload(&state, &caller.0, lease, multipart).await?;
        uploaded = input.media_id;
        input
    } else if content_type.starts_with("application/json") {
        let body: crate::json::Json<CustomAnnexRequest> =
            <crate::json::Json<CustomAnnexRequest> as actix_web::FromRequest>::from_request(
                &req,
                &mut payload.into_inner(),
            )
            .await?;
        let body = body.into_inner();
        CustomAnnexInput {
            title: body.title,
            media_id: body.media_id,
            code: body.code,
            valid_until: body.valid_until,
        }
    } else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send application/json or multipart/form-data",
        )
        .into());
    };
    let stored = match state.annexes.attach_custom(&caller.0, lease, &input).await {
        Ok(stored) => stored,
        Err(e) => {
            // A file uploaded with a refused annex is not kept.
            if let Some(media) = uploaded
                && let Err(cleanup) = state.media.delete(&caller.0, media).await
            {
                tracing::warn!(error = %cleanup, "the file of a refused annex was not removed");
            }
            return Err(ApiError::from(e).into());
        }
    };
    Ok(created(
        format!("/api/leases/{}/annexes/{}", lease.0, stored.id),
        &annex(&stored),
    ))
}

/// A required annex that could not be attached.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingAnnex {
    pub code: AnnexCode,
    pub title: String,
    /// Why it applies, and why it is not attached.
    pub reason: String,
}

/// What `attach-mandatory` did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachMandatoryResponse {
    /// Attached by this call (none the second time).
    pub attached: Vec<AnnexResponse>,
    /// Every annex of the lease now.
    pub annexes: Vec<AnnexResponse>,
    /// Required and still missing: upload them.
    pub missing: Vec<MissingAnnex>,
    /// Required only in a case our data cannot tell (a gas installation over 15 years old).
    pub to_confirm: Vec<MissingAnnex>,
}

fn missing(list: &[(AnnexCode, String)]) -> Vec<MissingAnnex> {
    list.iter()
        .map(|(code, reason)| MissingAnnex {
            code: *code,
            title: faireplace_annexes::entry(*code).title.to_owned(),
            reason: reason.clone(),
        })
        .collect()
}

/// Attach every catalog annex that applies to this lease (its type, the building's age, a
/// co-ownership, furnished, charges on provision) and can be attached from what is on record:
/// the built-in notices, the generated furniture inventory, and the estate's active
/// diagnostics and current DPE with their files. What is still missing is listed, never
/// invented. Attaching twice attaches nothing twice.
#[utoipa::path(
    tag = "Annexes", operation_id = "attach_mandatory_annexes",
    responses(
        (status = 200, description = "Attached and missing", body = AttachMandatoryResponse),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[post("/leases/{id}/annexes/attach-mandatory")]
pub async fn attach_mandatory(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let out = state
        .annexes
        .attach_mandatory(&caller.0, LeaseId(*id))
        .await?;
    Ok(HttpResponse::Ok().json(AttachMandatoryResponse {
        attached: out.attached.iter().map(annex).collect(),
        annexes: out.annexes.iter().map(annex).collect(),
        missing: missing(&out.missing),
        to_confirm: missing(&out.to_confirm),
    }))
}

/// A lease's compliance.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceResponse {
    /// Every required annex attached, none expired.
    pub compliant: bool,
    pub present: Vec<AnnexCode>,
    pub missing: Vec<AnnexCode>,
    /// Attached but past validity (a diagnostic to redo).
    pub expired: Vec<AnnexCode>,
    /// Required only in a case our data cannot tell; not counted.
    pub to_confirm: Vec<AnnexCode>,
    /// For a furnished lease, the Décret 2015-981 items the estate's inventory lacks (any makes
    /// the lease not compliant).
    pub furniture_missing: Vec<String>,
}

crate::endpoint! {
    /// Whether the lease carries every annex that applies to it, valid today.
    get "/leases/{id}/annexes/compliance", tag = "Annexes", id = "lease_annex_compliance",
    ok = (200, "The compliance", ComplianceResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn compliance(state, caller: Manager, id: web::Path<Uuid>) {
        let c = state.annexes.compliance(&caller.0, LeaseId(*id)).await?;
        Ok(HttpResponse::Ok().json(ComplianceResponse {
            compliant: c.compliant(),
            present: c.present.clone(),
            missing: c.missing.clone(),
            expired: c.expired.clone(),
            to_confirm: c.to_confirm.clone(),
            furniture_missing: c.furniture_missing.clone(),
        }))
    }
}

crate::endpoint! {
    /// One annex of the lease.
    get "/leases/{id}/annexes/{annex_id}", tag = "Annexes", id = "get_lease_annex",
    ok = (200, "The annex", AnnexResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn get_annex(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
        let (id, annex_id) = path.into_inner();
        let a = state.annexes.get(&caller.0, LeaseId(id), annex_id).await?;
        Ok(HttpResponse::Ok().json(annex(&a)))
    }
}

/// The annex's file: built-in and generated annexes as PDF made now; uploads as stored.
#[utoipa::path(
    tag = "Annexes", operation_id = "download_lease_annex",
    responses(
        (status = 200, description = "The file",
            content(
                (crate::media::FileBytes = "application/pdf"),
                (crate::media::FileBytes = "image/jpeg"),
                (crate::media::FileBytes = "image/png"),
                (crate::media::FileBytes = "image/webp")
            )),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/leases/{id}/annexes/{annex_id}/download")]
pub async fn download_annex(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, annex_id) = path.into_inner();
    match state
        .annexes
        .download(&caller.0, LeaseId(id), annex_id)
        .await?
    {
        AnnexFile::Rendered { filename, bytes } => Ok(pdf(bytes, &filename)),
        AnnexFile::Stored(download) => Ok(crate::media::download_response(download)),
    }
}

crate::endpoint! {
    /// Detach an annex (an uploaded file stays in the media).
    delete "/leases/{id}/annexes/{annex_id}", tag = "Annexes", id = "delete_lease_annex",
    ok = (204, "Detached"),
    errors = [403 Forbidden, 404 NotFound],
    fn delete_annex(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
        let (id, annex_id) = path.into_inner();
        state
            .annexes
            .delete(&caller.0, LeaseId(id), annex_id)
            .await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

crate::endpoint! {
    /// The lease contract as a PDF generated from its data: parties, estate, duration, rent,
    /// charges, deposit, clauses and the list of annexes (those still to provide marked so).
    get "/leases/{id}/document", tag = "Leases", id = "lease_document",
    ok = Pdf,
    errors = [403 Forbidden, 404 NotFound],
    fn lease_document(state, caller: Manager, id: web::Path<Uuid>) {
        let bytes = state.documents.lease_pdf(&caller.0, LeaseId(*id)).await?;
        Ok(pdf(bytes, &format!("bail-{}.pdf", *id)))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(catalog)
        .service(list_annexes)
        .service(create_annex)
        .service(attach_mandatory)
        .service(compliance)
        .service(get_annex)
        .service(download_annex)
        .service(delete_annex)
        .service(lease_document);
}
