//! Tenants and the credentials that act in them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::access::{Role, Scope};
use faireplace_kernel::ids::{ApiKeyId, WorkerKeyId};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_parties::LesseeId;

use crate::RepoError;

/// A customer account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub name: Text,
    pub created_at: DateTime<Utc>,
}

/// A tenant's API key as stored: never the secret itself, only its argon2 hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: ApiKeyId,
    /// The public part of the token, used to find the key.
    pub key_id: String,
    pub name: Text,
    pub role: Role,
    pub scopes: Vec<Scope>,
    pub lessee_id: Option<LesseeId>,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A platform worker key: not in any tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerKeyRecord {
    pub id: WorkerKeyId,
    pub key_id: String,
    pub name: Text,
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    /// After this instant the key authenticates nothing.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whose credential a presented key id designates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialOwner {
    Tenant {
        tenant_id: TenantId,
        id: ApiKeyId,
        role: Role,
        scopes: Vec<Scope>,
        lessee_id: Option<LesseeId>,
        expires_at: Option<DateTime<Utc>>,
    },
    Worker {
        id: WorkerKeyId,
        expires_at: Option<DateTime<Utc>>,
    },
}

/// What authentication needs to know about a key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub owner: CredentialOwner,
    pub secret_hash: String,
    pub revoked: bool,
}

/// Storage of tenants and keys.
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Creates a tenant together with its first key, atomically.
    async fn create_tenant(
        &self,
        tenant: &Tenant,
        first_key: &ApiKeyRecord,
    ) -> Result<(), RepoError>;
    /// Adds a key unless the tenant already has `max_in_force` keys neither revoked nor
    /// expired (then `Conflict` `KEY_LIMIT_REACHED`), counted and inserted atomically.
    async fn insert_key(
        &self,
        tenant: TenantId,
        key: &ApiKeyRecord,
        max_in_force: u32,
    ) -> Result<(), RepoError>;
    async fn list_keys(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<ApiKeyRecord>, RepoError>;
    /// Marks the key revoked (keeping the first revocation time); `None` when it does not
    /// exist in this tenant.
    async fn revoke_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<Option<ApiKeyRecord>, RepoError>;
    async fn insert_worker_key(&self, key: &WorkerKeyRecord) -> Result<(), RepoError>;
    /// Every worker key, oldest first (there are a handful: one per deployed worker).
    async fn list_worker_keys(&self) -> Result<Vec<WorkerKeyRecord>, RepoError>;
    /// Marks a worker key revoked (keeping the first revocation time); `None` when no key
    /// has this id.
    async fn revoke_worker_key(
        &self,
        id: WorkerKeyId,
        at: DateTime<Utc>,
    ) -> Result<Option<WorkerKeyRecord>, RepoError>;
    /// Finds a credential by its public key id, across tenants: the one lookup that has no
    /// tenant yet, because finding the tenant is its purpose.
    async fn find_credential(&self, key_id: &str) -> Result<Option<Credential>, RepoError>;
}
