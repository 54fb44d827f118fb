//! [`BlobStore`] on the local file system.
//!
//! Content-addressed per tenant: the bytes whose SHA-256 is `sha` live at
//! `<root>/<tenant_id>/<sha[0..2]>/<sha>`. Incoming bytes go to a temporary file under
//! `<root>/tmp/`, hashed as they arrive, flushed to disk and then renamed into place, so a blob
//! is never seen half-written; when the same bytes are already there, the temporary file is
//! dropped. The temporary folder sits on the same file system as the blobs, which keeps the
//! rename atomic.

use std::io;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use faireplace_ports::{BlobError, BlobStore, ByteStream, StoredBlob, TenantId};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Size of the chunks a blob is read back in.
const READ_CHUNK: usize = 64 * 1024;

/// Blobs in a folder of the local file system.
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    /// A store rooted at `root` (created when first written to).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob lives; `None` for anything but 64 lower-case hex digits, so that an
    /// address can never name a path outside the store.
    fn path(&self, tenant: TenantId, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| {
            self.root
                .join(tenant.as_uuid().to_string())
                .join(&sha256[..2])
                .join(sha256)
        })
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }
}

fn io_error(e: io::Error) -> BlobError {
    BlobError::Io(Box::new(e))
}

/// Hex of a digest, lower case.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A temporary file that is removed when dropped unless it was moved into place.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            // Best effort, and synchronous because Drop cannot await: one unlink.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl LocalBlobStore {
    /// Streams `bytes` into `file`, hashing them; stops at the limit.
    async fn write_all(
        file: &mut fs::File,
        mut bytes: ByteStream,
        max_bytes: u64,
    ) -> Result<StoredBlob, BlobError> {
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        while let Some(chunk) = bytes.next().await {
            let chunk = chunk.map_err(BlobError::Source)?;
            size = size.saturating_add(chunk.len() as u64);
            if size > max_bytes {
                return Err(BlobError::TooLarge { limit: max_bytes });
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        file.sync_all().await.map_err(io_error)?;
        Ok(StoredBlob {
            sha256: hex(&hasher.finalize()),
            size,
        })
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    #[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
    async fn put(
        &self,
        tenant: TenantId,
        bytes: ByteStream,
        max_bytes: u64,
    ) -> Result<StoredBlob, BlobError> {
        let tmp_dir = self.tmp_dir();
        fs::create_dir_all(&tmp_dir).await.map_err(io_error)?;
        let mut temp = TempFile {
            path: tmp_dir.join(format!("{}.part", uuid::Uuid::now_v7().simple())),
            armed: true,
        };
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp.path)
            .await
            .map_err(io_error)?;
        let stored = Self::write_all(&mut file, bytes, max_bytes).await?;
        drop(file);

        let target = self
            .path(tenant, &stored.sha256)
            .ok_or_else(|| BlobError::Io("a digest is not hex".into()))?;
        if fs::try_exists(&target).await.map_err(io_error)? {
            // The same bytes are already kept: the temporary file goes (on drop).
            return Ok(stored);
        }
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).await.map_err(io_error)?;
        }
        // Atomic on one file system; a concurrent upload of the same bytes renames identical
        // content over it, which is just as complete.
        fs::rename(&temp.path, &target).await.map_err(io_error)?;
        temp.disarm();
        // Make the new directory entry durable too.
        if let Some(dir) = target.parent()
            && let Ok(d) = fs::File::open(dir).await
        {
            let _ = d.sync_all().await;
        }
        Ok(stored)
    }

    async fn open(&self, tenant: TenantId, sha256: &str) -> Result<ByteStream, BlobError> {
        let path = self.path(tenant, sha256).ok_or(BlobError::NotFound)?;
        let file = match fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(BlobError::NotFound),
            Err(e) => return Err(io_error(e)),
        };
        let stream = futures_util::stream::try_unfold(file, |mut file| async move {
            let mut buf = vec![0u8; READ_CHUNK];
            let n = file.read(&mut buf).await?;
            if n == 0 {
                Ok(None)
            } else {
                buf.truncate(n);
                Ok(Some((buf, file)))
            }
        })
        .map(|r: Result<Vec<u8>, io::Error>| r.map_err(Into::into));
        Ok(Box::pin(stream))
    }

    async fn exists(&self, tenant: TenantId, sha256: &str) -> Result<bool, BlobError> {
        match self.path(tenant, sha256) {
            None => Ok(false),
            Some(path) => fs::try_exists(&path).await.map_err(io_error),
        }
    }

    #[tracing::instrument(skip_all, fields(tenant_id = %tenant))]
    async fn delete(&self, tenant: TenantId, sha256: &str) -> Result<(), BlobError> {
        let Some(path) = self.path(tenant, sha256) else {
            return Ok(());
        };
        match fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type BoxError = Box<dyn std::error::Error + Send + Sync>;

    /// A fresh folder under the system's temporary directory, removed on drop.
    struct TempRoot(PathBuf);

    impl TempRoot {
        fn new() -> Self {
            let path = std::env::temp_dir().join(format!(
                "faireplace-storage-test-{}",
                uuid::Uuid::now_v7().simple()
            ));
            Self(path)
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn stream(chunks: Vec<&'static [u8]>) -> ByteStream {
        Box::pin(futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, BoxError>(c.to_vec()))
                .collect::<Vec<_>>(),
        ))
    }

    fn sha256_hex(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    fn files_in(dir: &Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    #[tokio::test]
    async fn blobs_are_content_addressed_per_tenant() {
        let root = TempRoot::new();
        let store = LocalBlobStore::new(&root.0);
        let tenant = TenantId::generate();
        let stored = store
            .put(tenant, stream(vec![b"hello, ", b"world"]), 1024)
            .await
            .expect("stored");
        let sha = sha256_hex(b"hello, world");
        assert_eq!(
            stored,
            StoredBlob {
                sha256: sha.clone(),
                size: 12
            }
        );
        let path = root
            .0
            .join(tenant.as_uuid().to_string())
            .join(&sha[..2])
            .join(&sha);
        assert_eq!(std::fs::read(&path).expect("on disk"), b"hello, world");
        assert_eq!(
            store.read(tenant, &sha).await.expect("read"),
            b"hello, world"
        );
        assert!(store.exists(tenant, &sha).await.expect("exists"));
        // Nothing is left behind in the temporary folder.
        assert_eq!(files_in(&root.0.join("tmp")), 0);

        // Another tenant does not see it.
        let other = TenantId::generate();
        assert!(matches!(
            store.read(other, &sha).await,
            Err(BlobError::NotFound)
        ));
        assert!(!store.exists(other, &sha).await.expect("exists"));
    }

    #[tokio::test]
    async fn the_same_bytes_are_kept_once() {
        let root = TempRoot::new();
        let store = LocalBlobStore::new(&root.0);
        let tenant = TenantId::generate();
        let a = store
            .put(tenant, stream(vec![b"same bytes"]), 1024)
            .await
            .expect("first");
        let b = store
            .put(tenant, stream(vec![b"same ", b"bytes"]), 1024)
            .await
            .expect("second");
        assert_eq!(a, b);
        let dir = root
            .0
            .join(tenant.as_uuid().to_string())
            .join(&a.sha256[..2]);
        assert_eq!(files_in(&dir), 1);
        assert_eq!(files_in(&root.0.join("tmp")), 0);

        store.delete(tenant, &a.sha256).await.expect("deleted");
        assert!(!store.exists(tenant, &a.sha256).await.expect("exists"));
        // Deleting what is gone is fine.
        store.delete(tenant, &a.sha256).await.expect("idempotent");
    }

    #[tokio::test]
    async fn the_limit_is_enforced_while_streaming() {
        let root = TempRoot::new();
        let store = LocalBlobStore::new(&root.0);
        let tenant = TenantId::generate();
        let res = store
            .put(tenant, stream(vec![b"0123456789", b"0123456789"]), 15)
            .await;
        assert!(matches!(res, Err(BlobError::TooLarge { limit: 15 })));
        assert_eq!(files_in(&root.0.join("tmp")), 0);
        assert_eq!(files_in(&root.0.join(tenant.as_uuid().to_string())), 0);

        // Exactly at the limit is fine.
        let ok = store
            .put(tenant, stream(vec![b"0123456789", b"01234"]), 15)
            .await
            .expect("at the limit");
        assert_eq!(ok.size, 15);
    }

    #[tokio::test]
    async fn a_failing_source_keeps_nothing() {
        let root = TempRoot::new();
        let store = LocalBlobStore::new(&root.0);
        let tenant = TenantId::generate();
        let failing: ByteStream = Box::pin(futures_util::stream::iter(vec![
            Ok(b"partial".to_vec()),
            Err::<Vec<u8>, BoxError>("client went away".into()),
        ]));
        let res = store.put(tenant, failing, 1024).await;
        assert!(matches!(res, Err(BlobError::Source(_))));
        assert_eq!(files_in(&root.0.join("tmp")), 0);
        assert_eq!(files_in(&root.0.join(tenant.as_uuid().to_string())), 0);
    }

    #[tokio::test]
    async fn large_blobs_are_read_back_in_chunks() {
        let root = TempRoot::new();
        let store = LocalBlobStore::new(&root.0);
        let tenant = TenantId::generate();
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let chunks: Vec<Result<Vec<u8>, BoxError>> =
            big.chunks(7000).map(|c| Ok(c.to_vec())).collect();
        let stored = store
            .put(
                tenant,
                Box::pin(futures_util::stream::iter(chunks)),
                1 << 20,
            )
            .await
            .expect("stored");
        assert_eq!(stored.sha256, sha256_hex(&big));
        let mut stream = store.open(tenant, &stored.sha256).await.expect("open");
        let mut back = Vec::new();
        let mut count = 0;
        while let Some(chunk) = stream.next().await {
            back.extend(chunk.expect("chunk"));
            count += 1;
        }
        assert_eq!(back, big);
        assert!(count > 1);
    }

    #[tokio::test]
    async fn addresses_cannot_escape_the_store() {
        let root = TempRoot::new();
        let store = LocalBlobStore::new(&root.0);
        let tenant = TenantId::generate();
        for bad in [
            "../../etc/passwd",
            "",
            "ABCDEF",
            &"g".repeat(64),
            &"A".repeat(64),
        ] {
            assert!(matches!(
                store.read(tenant, bad).await,
                Err(BlobError::NotFound)
            ));
            assert!(!store.exists(tenant, bad).await.expect("exists"));
            store.delete(tenant, bad).await.expect("nothing to delete");
        }
    }
}
