//! `/api/media`: files (photos, scans, PDFs) attached to an entity of the tenant.
//!
//! Uploads are `multipart/form-data`, streamed to the blob store chunk by chunk: a file is
//! never held whole in memory. Its type is recognised from its bytes, whatever the client
//! claims.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use faireplace_app::media::{MediaService, PendingUpload, parse_entity};
use faireplace_app::{Principal, UploadForm};
use faireplace_kernel::ErrorCode;
use faireplace_ports::{ByteStream, Media, MediaContentType, MediaEntityType, MediaId};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, Paginated, created, page_request};
use crate::problem::ApiError;
use crate::responses::{Forbidden, NotFound, PayloadTooLarge, UnsupportedMediaType};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Largest text part (entity_type, entity_id, category) read, in bytes.
const TEXT_PART_LIMIT: usize = 1024;
/// Chunks in flight between the request and the blob store.
const CHANNEL_DEPTH: usize = 4;
/// Longest file name sent back in `Content-Disposition`, in characters.
const DISPOSITION_NAME_MAX: usize = 200;

/// The bytes of a file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// An upload, as `multipart/form-data`. Send the text parts before `file` so that a bad
/// entity is refused before any byte is stored (any order is accepted).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MediaUpload {
    /// The file, with a file name: JPEG, PNG, WebP or PDF, recognised by its bytes (415
    /// otherwise); at most `MEDIA_MAX_BYTES` (413 beyond).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    #[schema(value_type = MediaEntityType)]
    entity_type: String,
    /// The id of the entity, in the caller's account.
    entity_id: Uuid,
    /// Free text, e.g. `photo`, `invoice`, `plan`.
    #[schema(example = "photo")]
    category: Option<String>,
}

/// A stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaResponse {
    #[schema(value_type = Uuid)]
    pub id: MediaId,
    pub entity_type: MediaEntityType,
    pub entity_id: Uuid,
    #[schema(example = "photo")]
    pub category: Option<String>,
    /// The client's file name, without directories.
    #[schema(example = "kitchen.jpg")]
    pub filename: String,
    /// Recognised from the bytes.
    pub content_type: MediaContentType,
    /// In bytes.
    #[schema(example = 48213)]
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

fn response(m: &Media) -> MediaResponse {
    MediaResponse {
        id: m.id,
        entity_type: m.entity_type,
        entity_id: m.entity_id,
        category: m.category.as_ref().map(ToString::to_string),
        filename: m.filename.to_string(),
        content_type: m.content_type,
        size: m.size,
        sha256: m.sha256.clone(),
        created_at: m.created_at,
    }
}

/// The entity whose files to list, and paging (oldest first).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaListParams {
    #[param(value_type = MediaEntityType, required = true)]
    pub entity_type: Option<String>,
    #[param(value_type = Uuid, required = true)]
    pub entity_id: Option<String>,
    /// Page number, from 1.
    #[param(value_type = Option<u32>, minimum = 1, example = 1)]
    pub page: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<String>,
}

pub(crate) fn multipart_error(e: MultipartError) -> ApiError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the body as multipart/form-data",
        ),
        other => ApiError::field(
            "body",
            &format!("is not a well-formed multipart/form-data body ({other})"),
        ),
    }
}

/// A short text part, whole.
pub(crate) async fn read_text(field: &mut Field, name: &str) -> Result<String, ApiError> {
    let bytes = match field.bytes(TEXT_PART_LIMIT).await {
        Err(_) => {
            return Err(ApiError::field(
                name,
                &format!("must be at most {TEXT_PART_LIMIT} bytes"),
            ));
        }
        Ok(read) => read.map_err(multipart_error)?,
    };
    String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::field(name, "must be UTF-8 text"))
}

/// Streams a file part into the store. The part is tied to the request's thread (it is not
/// `Send`), so its chunks go through a small bounded channel to the store, which reads them
/// as they come: memory holds a few chunks at most, never the file.
pub(crate) async fn store_file(
    service: &MediaService,
    caller: &Principal,
    field: &mut Field,
) -> Result<PendingUpload, ApiError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, BoxError>>(CHANNEL_DEPTH);
    let bytes: ByteStream = Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let pump = async move {
        while let Some(chunk) = field.next().await {
            let item = chunk
                .map(|b| b.to_vec())
                .map_err(|e| BoxError::from(e.to_string()));
            let failed = item.is_err();
            // A closed channel means the store has stopped reading (type refused, too large).
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    };
    let ((), stored) = futures_util::future::join(pump, service.store(caller, bytes)).await;
    Ok(stored?)
}

/// Reads the parts: text parts into `form`, the file into the store (`pending`).
async fn read_parts(
    service: &MediaService,
    caller: &Principal,
    payload: &mut Multipart,
    form: &mut UploadForm,
    pending: &mut Option<PendingUpload>,
) -> Result<(), ApiError> {
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if pending.is_some() {
                    return Err(ApiError::field("file", "must be sent once"));
                }
                let cd = field.content_disposition();
                form.filename = cd
                    .and_then(|cd| cd.get_filename().map(str::to_owned))
                    .or_else(|| {
                        cd.and_then(|cd| cd.get_filename_ext())
                            .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
                    });
                if form.filename.is_none() {
                    return Err(ApiError::field("file", "must be sent with a file name"));
                }
                if form.entity_type.is_some() && form.entity_id.is_some() {
                    // Refuse a bad target before storing a byte.
                    service.check(caller, form).await?;
                }
                *pending = Some(store_file(service, caller, &mut field).await?);
            }
            "entity_type" | "entity_id" | "category" => {
                let value = read_text(&mut field, &name).await?;
                let slot = match name.as_str() {
                    "entity_type" => &mut form.entity_type,
                    "entity_id" => &mut form.entity_id,
                    _ => &mut form.category,
                };
                if slot.is_some() {
                    return Err(ApiError::field(&name, "must be sent once"));
                }
                *slot = Some(value);
            }
            other => {
                return Err(ApiError::field(
                    if other.is_empty() { "body" } else { other },
                    "is not a part of an upload: send file, entity_type, entity_id and category",
                ));
            }
        }
    }
    Ok(())
}

/// Upload a file and attach it to an entity (`multipart/form-data`).
#[utoipa::path(
    tag = "Media",
    request_body(content = MediaUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = MediaResponse,
            headers(("Location" = String, description = "URL of the new media"))),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    ),
    security(("bearer" = []))
)]
#[post("/media")]
pub async fn upload_media(
    state: web::Data<AppState>,
    caller: Manager,
    mut payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let service = &state.media;
    let mut form = UploadForm::default();
    let mut pending = None;
    let read = read_parts(service, &caller.0, &mut payload, &mut form, &mut pending).await;
    let media = match (read, pending) {
        (Ok(()), Some(p)) => service.record(&caller.0, &form, p).await?,
        (Ok(()), None) => return Err(ApiError::field("file", "is required")),
        (Err(e), Some(p)) => {
            service.discard(p).await;
            return Err(e);
        }
        (Err(e), None) => return Err(e),
    };
    Ok(created(
        format!("/api/media/{}", media.id),
        &response(&media),
    ))
}

crate::endpoint! {
    /// List the files of one entity (`entity_type` and `entity_id` required), oldest first.
    get "/media", tag = "Media", id = "list_media",
    ok = (200, "A page of files", Paginated<MediaResponse>),
    errors = [403 Forbidden],
    query params: MediaListParams;
    fn list_media(state, caller: Manager) {
        let entity = parse_entity(params.entity_type.as_deref(), params.entity_id.as_deref());
        let page = page_request(&params.page, &params.limit);
        let ((entity_type, entity_id), page) = match (entity, page) {
            (Ok(e), Ok(p)) => (e, p),
            (Err(e), _) => return Err(e.into()),
            (_, Err(e)) => return Err(e),
        };
        let page = state
            .media
            .list(&caller.0, entity_type, entity_id, page)
            .await?;
        Ok(Paginated::from_page(page, |m| response(&m)).respond())
    }
}

crate::endpoint! {
    /// Read a file's record.
    get "/media/{id}", tag = "Media", id = "get_media",
    ok = (200, "The file's record", MediaResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn get_media(state, caller: Manager, id: web::Path<Uuid>) {
        let media = state.media.get(&caller.0, MediaId(*id)).await?;
        Ok(HttpResponse::Ok().json(response(&media)))
    }
}

/// `attachment; filename="…"` with the name stripped of path separators, quotes and control
/// characters and cut to 200 characters; a name beyond ASCII also travels as `filename*`
/// (RFC 6266), its ASCII fallback having `_` for those characters.
pub(crate) fn content_disposition(filename: &str) -> String {
    let clean: String = filename
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | '"') && !c.is_control())
        .take(DISPOSITION_NAME_MAX)
        .collect();
    let clean = clean.trim();
    let clean = if clean.is_empty() { "file" } else { clean };
    let ascii: String = clean
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    if ascii == clean {
        return format!("attachment; filename=\"{ascii}\"");
    }
    let mut encoded = String::new();
    for b in clean.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Download a file: its bytes with their content type, as an attachment.
#[utoipa::path(
    tag = "Media",
    responses(
        (status = 200, description = "The bytes",
            content(
                (FileBytes = "image/jpeg"),
                (FileBytes = "image/png"),
                (FileBytes = "image/webp"),
                (FileBytes = "application/pdf")
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"…\""))),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/media/{id}/download")]
pub async fn download_media(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let download = state.media.download(&caller.0, MediaId(*id)).await?;
    Ok(download_response(download))
}

/// A stored file as an attachment, streamed.
pub(crate) fn download_response(download: faireplace_app::media::Download) -> HttpResponse {
    let media = &download.media;
    let disposition = HeaderValue::from_str(&content_disposition(media.filename.as_str()))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let body = download
        .bytes
        .map(|chunk| chunk.map(web::Bytes::from).map_err(std::io::Error::other));
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, media.content_type.as_str()))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .no_chunking(media.size)
        .streaming(body)
}

crate::endpoint! {
    /// Delete a file; its bytes go with the last record that names them.
    delete "/media/{id}", tag = "Media", id = "delete_media",
    ok = (204, "Deleted"),
    errors = [403 Forbidden, 404 NotFound],
    fn delete_media(state, caller: Manager, id: web::Path<Uuid>) {
        state.media.delete(&caller.0, MediaId(*id)).await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(upload_media)
        .service(list_media)
        .service(get_media)
        .service(download_media)
        .service(delete_media);
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn download_names_are_sanitised() {
        assert_eq!(
            content_disposition("plan.pdf"),
            "attachment; filename=\"plan.pdf\""
        );
        assert_eq!(
            content_disposition("a/b\\c\"d\r\n.png"),
            "attachment; filename=\"abcd.png\""
        );
        assert_eq!(
            content_disposition("\"\"/"),
            "attachment; filename=\"file\""
        );
        let long = format!("{}.jpg", "x".repeat(300));
        let header = content_disposition(&long);
        assert_eq!(header.len(), "attachment; filename=\"\"".len() + 200);
        assert_eq!(
            content_disposition("reçu été.pdf"),
            "attachment; filename=\"re_u _t_.pdf\"; filename*=UTF-8''re%C3%A7u%20%C3%A9t%C3%A9.pdf"
        );
    }
}
