//! Media: files (photos, scans, PDFs) attached to an entity of the tenant, their records and
//! the store of their bytes.
//!
//! Bytes are content-addressed by their SHA-256 within a tenant: two records of the same bytes
//! share one blob, which is removed only when the last record that names it goes.

use std::pin::Pin;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId, text_enum};
use futures_util::Stream;
use uuid::Uuid;

use crate::RepoError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub use faireplace_kernel::ids::MediaId;

text_enum!(
    /// The kind of entity a file is attached to.
    pub MediaEntityType {
        Place => "PLACE",
        Estate => "ESTATE",
        Room => "ROOM",
        Equipment => "EQUIPMENT",
        InventoryItem => "INVENTORY_ITEM",
        Key => "KEY",
        EnergyDiagnosis => "ENERGY_DIAGNOSIS",
        Diagnostic => "DIAGNOSTIC",
        Owner => "OWNER",
        Contact => "CONTACT",
        Lessee => "LESSEE",
    }
);

text_enum!(
    /// The file types accepted, as recognised from their first bytes (never from what the
    /// client claims).
    pub MediaContentType {
        Jpeg => "image/jpeg",
        Png => "image/png",
        Webp => "image/webp",
        Pdf => "application/pdf",
    }
);

impl MediaContentType {
    /// The fewest leading bytes that [`Self::sniff`] needs to tell every type apart.
    pub const SNIFF_LEN: usize = 12;

    /// Recognises a type by its signature ("magic number").
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if head.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }
}

/// A stored file attached to an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: MediaId,
    pub entity_type: MediaEntityType,
    pub entity_id: Uuid,
    pub category: Option<Text>,
    /// The client's file name, without any directory.
    pub filename: Text,
    pub content_type: MediaContentType,
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes: also the blob's address.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// Storage of media records, always within one tenant.
#[async_trait]
pub trait MediaRepository: Send + Sync {
    async fn insert(&self, tenant: TenantId, media: &Media) -> Result<(), RepoError>;
    async fn get(&self, tenant: TenantId, id: MediaId) -> Result<Option<Media>, RepoError>;
    /// The records of one entity, oldest first.
    async fn list(
        &self,
        tenant: TenantId,
        entity_type: MediaEntityType,
        entity_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Media>, RepoError>;
    /// Deletes a record and answers it; `None` when it does not exist (in this tenant).
    async fn delete(&self, tenant: TenantId, id: MediaId) -> Result<Option<Media>, RepoError>;
    /// How many records of the tenant name these bytes.
    async fn count_by_sha256(&self, tenant: TenantId, sha256: &str) -> Result<u64, RepoError>;
    /// Whether the entity exists in the tenant.
    async fn entity_exists(
        &self,
        tenant: TenantId,
        entity_type: MediaEntityType,
        entity_id: Uuid,
    ) -> Result<bool, RepoError>;
}

/// Bytes arriving or leaving in chunks; an error ends the stream.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Vec<u8>, BoxError>> + Send>>;

/// What the store answers for bytes it has kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    pub size: u64,
}

/// What can go wrong while storing or reading bytes.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The bytes exceed the limit; nothing was kept.
    #[error("the file exceeds the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// No blob at that address (in this tenant).
    #[error("blob not found")]
    NotFound,
    /// The incoming stream failed (the client went away, or its body is malformed).
    #[error("the incoming bytes could not be read")]
    Source(#[source] BoxError),
    /// The store itself failed.
    #[error("blob storage failed")]
    Io(#[source] BoxError),
}

/// Bytes kept per tenant, addressed by their SHA-256.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Keeps `bytes` for the tenant, refusing (and keeping nothing) past `max_bytes`; a stored
    /// blob is always complete. Storing bytes already kept is harmless.
    async fn put(
        &self,
        tenant: TenantId,
        bytes: ByteStream,
        max_bytes: u64,
    ) -> Result<StoredBlob, BlobError>;
    /// The bytes, as a stream of chunks.
    async fn open(&self, tenant: TenantId, sha256: &str) -> Result<ByteStream, BlobError>;
    /// The bytes, whole.
    async fn read(&self, tenant: TenantId, sha256: &str) -> Result<Vec<u8>, BlobError> {
        use futures_util::TryStreamExt;
        let stream = self.open(tenant, sha256).await?;
        stream.try_concat().await.map_err(BlobError::Io)
    }
    /// Whether a blob is kept at that address.
    async fn exists(&self, tenant: TenantId, sha256: &str) -> Result<bool, BlobError>;
    /// Removes a blob; removing one that is absent is not an error.
    async fn delete(&self, tenant: TenantId, sha256: &str) -> Result<(), BlobError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_recognised_by_their_bytes() {
        assert_eq!(
            MediaContentType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaContentType::Jpeg)
        );
        assert_eq!(
            MediaContentType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaContentType::Png)
        );
        assert_eq!(
            MediaContentType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(MediaContentType::Webp)
        );
        assert_eq!(
            MediaContentType::sniff(b"%PDF-1.7\n"),
            Some(MediaContentType::Pdf)
        );
        for other in [
            &b""[..],
            b"hello, world",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"RIFF",
            b"\x89PNG",
            b"GIF89a",
        ] {
            assert_eq!(MediaContentType::sniff(other), None, "{other:?}");
        }
    }
}
