//! The first answers to requests sent with an `Idempotency-Key`, kept so that a retry gets the
//! same answer instead of doing the work twice (a second checkout, a second charge).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::TenantId;

use crate::RepoError;

/// An answer kept for a key.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAnswer {
    /// SHA-256 (hex) of the request the key was first used for: another request under the
    /// same key is refused, never answered with this.
    pub request_hash: String,
    pub status: u16,
    pub body: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// The tenant's idempotency keys and their answers.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// The answer kept for `key`, unless it was kept before `since` (then it is forgotten).
    async fn recall(
        &self,
        tenant: TenantId,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<StoredAnswer>, RepoError>;

    /// Keeps `answer` for `key`, replacing one kept before `since`. `false` when a live answer
    /// was there already (a concurrent request with the same key kept its own first).
    async fn remember(
        &self,
        tenant: TenantId,
        key: &str,
        answer: &StoredAnswer,
        since: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
}
