//! Media: upload (type recognised from the bytes, size limited while streaming), read, list,
//! download and delete of the files attached to an entity, for management keys.
//!
//! A record names its bytes by SHA-256; records of the same bytes in a tenant share one blob,
//! which is removed with the last record that names it.

use std::sync::Arc;

use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId, ValidationErrors};
use faireplace_ports::{
    BlobError, BlobStore, ByteStream, Clock, Media, MediaContentType, MediaEntityType, MediaId,
    MediaRepository, RepoError, StoredBlob,
};
use futures_util::StreamExt;
use tokio::sync::{Mutex, MutexGuard};
use uuid::Uuid;

use crate::error::Found;
use crate::{AppError, Principal};

/// The singular noun of messages.
const NAME: &str = "media";
/// Longest file name kept, in characters.
const FILENAME_MAX: usize = 255;
/// Longest category, in characters.
const CATEGORY_MAX: usize = 100;
/// Locks that order "bytes in place, record inserted" against "last record gone, bytes
/// removed" for the same bytes (striped by digest).
const LOCK_STRIPES: usize = 64;

/// The fields of an upload, as sent.
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub category: Option<String>,
    /// The client's file name (only its last path component is kept).
    pub filename: Option<String>,
}

/// Validated upload fields.
#[derive(Debug)]
struct Target {
    entity_type: MediaEntityType,
    entity_id: Uuid,
    category: Option<Text>,
    filename: Text,
}

/// Bytes kept by [`MediaService::store`] and not yet recorded: hand them to
/// [`MediaService::record`], or to [`MediaService::discard`] when the upload fails.
#[derive(Debug)]
#[must_use = "a pending upload must be recorded or discarded"]
pub struct PendingUpload {
    tenant: TenantId,
    content_type: MediaContentType,
    blob: StoredBlob,
}

impl PendingUpload {
    pub fn content_type(&self) -> MediaContentType {
        self.content_type
    }

    pub fn size(&self) -> u64 {
        self.blob.size
    }
}

/// A file to send back: its record and its bytes.
pub struct Download {
    pub media: Media,
    pub bytes: ByteStream,
}

/// The media use cases.
#[derive(Clone)]
pub struct MediaService {
    repo: Arc<dyn MediaRepository>,
    blobs: Arc<dyn BlobStore>,
    clock: Arc<dyn Clock>,
    max_bytes: u64,
    locks: Arc<Vec<Mutex<()>>>,
}

/// The last path component, without control characters, trimmed: the client's directories
/// (`C:\Users\…`, `../`) are none of our business.
fn base_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    last.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Parses a list's entity filter: both are required.
pub fn parse_entity(
    entity_type: Option<&str>,
    entity_id: Option<&str>,
) -> Result<(MediaEntityType, Uuid), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let entity_type = match entity_type.map(str::trim).filter(|v| !v.is_empty()) {
        None => {
            errors.push("entity_type", "is required");
            None
        }
        Some(v) => errors.take("entity_type", MediaEntityType::parse(v)),
    };
    let entity_id = match entity_id.map(str::trim).filter(|v| !v.is_empty()) {
        None => {
            errors.push("entity_id", "is required");
            None
        }
        Some(v) => errors.take(
            "entity_id",
            Uuid::parse_str(v).map_err(|_| "must be a UUID"),
        ),
    };
    errors.into_result()?;
    match (entity_type, entity_id) {
        (Some(t), Some(i)) => Ok((t, i)),
        _ => Err(ValidationErrors::single("entity_id", "is invalid")),
    }
}

impl Target {
    fn parse(form: &UploadForm) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let entity = errors.merge(parse_entity(
            form.entity_type.as_deref(),
            form.entity_id.as_deref(),
        ));
        let category = form
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .and_then(|c| errors.take("category", Text::parse(c, CATEGORY_MAX)));
        let filename = match form.filename.as_deref().map(base_name) {
            None => {
                errors.push("file", "must be sent with a file name");
                None
            }
            Some(name) if name.is_empty() || name == "." || name == ".." => {
                errors.push("file", "must be sent with a file name");
                None
            }
            Some(name) => errors.take("file", Text::parse(&name, FILENAME_MAX)),
        };
        errors.into_result()?;
        match (entity, filename) {
            (Some((entity_type, entity_id)), Some(filename)) => Ok(Self {
                entity_type,
                entity_id,
                category,
                filename,
            }),
            _ => Err(ValidationErrors::single("file", "is invalid")),
        }
    }
}

fn repo_err(e: RepoError) -> AppError {
    AppError::from_repo(NAME, e)
}

fn blob_err(e: BlobError) -> AppError {
    match e {
        BlobError::TooLarge { limit } => {
            AppError::PayloadTooLarge(format!("the file exceeds the limit of {limit} bytes"))
        }
        BlobError::Source(cause) => {
            tracing::info!(error = %cause, "upload stream failed");
            AppError::validation("file", "could not be read to its end")
        }
        BlobError::NotFound => AppError::Unknown("the bytes of a media record are missing".into()),
        BlobError::Io(cause) => AppError::Unknown(cause),
    }
}

impl MediaService {
    /// `max_bytes`: the largest file accepted.
    pub fn new(
        repo: Arc<dyn MediaRepository>,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        max_bytes: u64,
    ) -> Self {
        Self {
            repo,
            blobs,
            clock,
            max_bytes,
            locks: Arc::new((0..LOCK_STRIPES).map(|_| Mutex::new(())).collect()),
        }
    }

    /// The largest file accepted, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    async fn lock(&self, sha256: &str) -> MutexGuard<'_, ()> {
        let stripe = u8::from_str_radix(sha256.get(..2).unwrap_or("00"), 16).unwrap_or(0);
        self.locks[usize::from(stripe) % self.locks.len()]
            .lock()
            .await
    }

    /// Validates the fields and checks that the entity exists in the caller's tenant, so that
    /// bytes are not stored for nothing when the fields come before the file.
    pub async fn check(&self, principal: &Principal, form: &UploadForm) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        self.target(tenant, form).await.map(|_| ())
    }

    async fn target(&self, tenant: TenantId, form: &UploadForm) -> Result<Target, AppError> {
        let target = Target::parse(form)?;
        let exists = self
            .repo
            .entity_exists(tenant, target.entity_type, target.entity_id)
            .await
            .map_err(repo_err)?;
        if exists {
            Ok(target)
        } else {
            Err(AppError::validation(
                "entity_id",
                format!(
                    "refers to no {} of this account",
                    target.entity_type.as_str()
                ),
            ))
        }
    }

    /// Recognises the type from the first bytes (whatever the client claims) and keeps the
    /// bytes, refusing them past the size limit.
    pub async fn store(
        &self,
        principal: &Principal,
        mut bytes: ByteStream,
    ) -> Result<PendingUpload, AppError> {
        let tenant = principal.manage()?;
        let mut head: Vec<u8> = Vec::new();
        while head.len() < MediaContentType::SNIFF_LEN {
            match bytes.next().await {
                None => break,
                Some(chunk) => head.extend(chunk.map_err(|e| blob_err(BlobError::Source(e)))?),
            }
        }
        if head.is_empty() {
            return Err(AppError::validation("file", "is empty"));
        }
        let Some(content_type) = MediaContentType::sniff(&head) else {
            return Err(AppError::UnsupportedMediaType(
                "the file is not a JPEG, PNG, WebP or PDF (recognised by its content, not its \
                 name or declared type)"
                    .to_owned(),
            ));
        };
        let whole: ByteStream =
            Box::pin(futures_util::stream::once(async { Ok(head) }).chain(bytes));
        let blob = self
            .blobs
            .put(tenant, whole, self.max_bytes)
            .await
            .map_err(blob_err)?;
        Ok(PendingUpload {
            tenant,
            content_type,
            blob,
        })
    }

    /// Records stored bytes for the entity the form names; on failure the bytes are released.
    pub async fn record(
        &self,
        principal: &Principal,
        form: &UploadForm,
        pending: PendingUpload,
    ) -> Result<Media, AppError> {
        let result = self.try_record(principal, form, &pending).await;
        if result.is_err() {
            self.discard(pending).await;
        }
        result
    }

    async fn try_record(
        &self,
        principal: &Principal,
        form: &UploadForm,
        pending: &PendingUpload,
    ) -> Result<Media, AppError> {
        let tenant = principal.manage()?;
        if tenant != pending.tenant {
            return Err(AppError::Forbidden(
                "these bytes were stored for another account".to_owned(),
            ));
        }
        let target = self.target(tenant, form).await?;
        let media = Media {
            id: MediaId::generate(),
            entity_type: target.entity_type,
            entity_id: target.entity_id,
            category: target.category,
            filename: target.filename,
            content_type: pending.content_type,
            size: pending.blob.size,
            sha256: pending.blob.sha256.clone(),
            created_at: self.clock.now(),
        };
        let _guard = self.lock(&media.sha256).await;
        // A delete of the last record of the same bytes may have removed them after they were
        // stored and before this lock: never record what cannot be downloaded.
        if !self
            .blobs
            .exists(tenant, &media.sha256)
            .await
            .map_err(blob_err)?
        {
            return Err(AppError::Unavailable(
                "the stored bytes were removed concurrently; retry the upload".into(),
            ));
        }
        self.repo.insert(tenant, &media).await.map_err(repo_err)?;
        Ok(media)
    }

    /// Releases bytes that will not be recorded (kept when a record names them).
    pub async fn discard(&self, pending: PendingUpload) {
        self.release(pending.tenant, &pending.blob.sha256).await;
    }

    /// Removes the blob when no record of the tenant names it any more. Failures are logged
    /// only: an orphan blob costs disk space, never correctness.
    async fn release(&self, tenant: TenantId, sha256: &str) {
        let _guard = self.lock(sha256).await;
        match self.repo.count_by_sha256(tenant, sha256).await {
            Ok(0) => {
                if let Err(e) = self.blobs.delete(tenant, sha256).await {
                    tracing::warn!(error = %e, sha256, "could not remove an unreferenced blob");
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, sha256, "could not count the records of a blob");
            }
        }
    }

    /// Upload in one call, when the fields are known before the bytes.
    pub async fn upload(
        &self,
        principal: &Principal,
        form: &UploadForm,
        bytes: ByteStream,
    ) -> Result<Media, AppError> {
        self.check(principal, form).await?;
        let pending = self.store(principal, bytes).await?;
        self.record(principal, form, pending).await
    }

    pub async fn get(&self, principal: &Principal, id: MediaId) -> Result<Media, AppError> {
        let tenant = principal.manage()?;
        self.repo.get(tenant, id).await.found(repo_err, NAME)
    }

    /// The files of one entity, oldest first.
    pub async fn list(
        &self,
        principal: &Principal,
        entity_type: MediaEntityType,
        entity_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Media>, AppError> {
        let tenant = principal.manage()?;
        self.repo
            .list(tenant, entity_type, entity_id, page)
            .await
            .map_err(repo_err)
    }

    /// The record and its bytes, streamed.
    pub async fn download(&self, principal: &Principal, id: MediaId) -> Result<Download, AppError> {
        let tenant = principal.manage()?;
        let media = self.get(principal, id).await?;
        let bytes = self
            .blobs
            .open(tenant, &media.sha256)
            .await
            .map_err(blob_err)?;
        Ok(Download { media, bytes })
    }

    /// Deletes the record, and its bytes when no other record of the tenant names them.
    pub async fn delete(&self, principal: &Principal, id: MediaId) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        let media = self.repo.delete(tenant, id).await.found(repo_err, NAME)?;
        self.release(tenant, &media.sha256).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(entity_type: &str, entity_id: &str, filename: Option<&str>) -> UploadForm {
        UploadForm {
            entity_type: Some(entity_type.to_owned()),
            entity_id: Some(entity_id.to_owned()),
            category: None,
            filename: filename.map(str::to_owned),
        }
    }

    #[test]
    fn file_names_lose_their_directories() {
        assert_eq!(base_name("C:\\Users\\jm\\scan.pdf"), "scan.pdf");
        assert_eq!(base_name("../../etc/passwd"), "passwd");
        assert_eq!(base_name(" photo\u{0}\n1.jpg "), "photo1.jpg");
        assert_eq!(base_name("dir/"), "");
    }

    #[test]
    fn upload_fields_are_validated_together() {
        let id = Uuid::now_v7().to_string();
        let t = Target::parse(&form("OWNER", &id, Some("a/b.png"))).expect("valid");
        assert_eq!(t.entity_type, MediaEntityType::Owner);
        assert_eq!(t.filename.as_str(), "b.png");

        let e = Target::parse(&form("ROBOT", "nope", None)).expect_err("invalid");
        let fields: Vec<_> = e.errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["entity_type", "entity_id", "file"]);

        let e = Target::parse(&UploadForm::default()).expect_err("invalid");
        assert_eq!(e.errors().len(), 3);

        let mut long = form("PLACE", &id, Some("x.pdf"));
        long.category = Some("c".repeat(101));
        let e = Target::parse(&long).expect_err("invalid");
        assert_eq!(e.errors()[0].field, "category");
    }
}
