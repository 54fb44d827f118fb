//! Tenants, API keys and worker keys in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::access::Scope;
use faireplace_kernel::ids::{ApiKeyId, WorkerKeyId};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_parties::LesseeId;
use faireplace_ports::{
    ApiKeyRecord, ApiKeyStore, Credential, CredentialOwner, RepoError, Tenant, WorkerKeyRecord,
};
use uuid::Uuid;

use crate::Db;
use crate::common::{Counted, page_of};
use crate::error::map_error;
use crate::stored::Stored;

/// Tenants and keys in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgApiKeyStore(pub Db);

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: Uuid,
    key_id: String,
    name: String,
    role: String,
    scopes: Vec<String>,
    lessee_id: Option<Uuid>,
    secret_hash: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<KeyRow> for ApiKeyRecord {
    type Error = RepoError;
    fn try_from(r: KeyRow) -> Result<Self, RepoError> {
        let stored = Stored::row("api_keys", r.id);
        Ok(ApiKeyRecord {
            id: ApiKeyId(r.id),
            key_id: r.key_id,
            name: Text::from_trusted(r.name),
            role: stored.name("role", &r.role)?,
            scopes: stored.names("scopes", &r.scopes)?,
            lessee_id: r.lessee_id.map(LesseeId),
            secret_hash: r.secret_hash,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct WorkerKeyRow {
    id: Uuid,
    key_id: String,
    name: String,
    secret_hash: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<WorkerKeyRow> for WorkerKeyRecord {
    type Error = RepoError;
    fn try_from(r: WorkerKeyRow) -> Result<Self, RepoError> {
        Ok(WorkerKeyRecord {
            id: WorkerKeyId(r.id),
            key_id: r.key_id,
            name: Text::from_trusted(r.name),
            secret_hash: r.secret_hash,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        })
    }
}

async fn insert_key(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    key: &ApiKeyRecord,
) -> Result<(), RepoError> {
    let scopes: Vec<&str> = key.scopes.iter().map(Scope::as_str).collect();
    sqlx::query(
        "INSERT INTO api_keys (tenant_id, id, key_id, name, role, scopes, lessee_id, secret_hash, \
         created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(tenant.as_uuid())
    .bind(key.id.0)
    .bind(&key.key_id)
    .bind(key.name.as_str())
    .bind(key.role.as_str())
    .bind(scopes)
    .bind(key.lessee_id.map(|l| l.0))
    .bind(&key.secret_hash)
    .bind(key.created_at)
    .bind(key.expires_at)
    .bind(key.revoked_at)
    .execute(conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

#[async_trait]
impl ApiKeyStore for PgApiKeyStore {
    async fn create_tenant(
        &self,
        tenant: &Tenant,
        first_key: &ApiKeyRecord,
    ) -> Result<(), RepoError> {
        let mut tx = self.0.tenant_tx(tenant.id).await?;
        sqlx::query(
            "INSERT INTO tenants (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(tenant.id.as_uuid())
        .bind(tenant.name.as_str())
        .bind(tenant.created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        sqlx::query("SELECT seed_property_types($1), seed_lease_types($1)")
            .bind(tenant.id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        insert_key(&mut tx, tenant.id, first_key).await?;
        tx.commit().await.map_err(map_error)
    }

    async fn insert_key(
        &self,
        tenant: TenantId,
        key: &ApiKeyRecord,
        max_in_force: u32,
    ) -> Result<(), RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        // Concurrent creations in one tenant take turns, so that none slips past the count.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('api_keys'), hashtext($1::text))")
            .bind(tenant.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        let in_force: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $2)",
        )
        .bind(tenant.as_uuid())
        .bind(key.created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        if in_force >= i64::from(max_in_force) {
            return Err(RepoError::Conflict {
                code: ErrorCode::KeyLimitReached,
                message: format!(
                    "this account already has {in_force} keys in force (at most {max_in_force}): \
                     revoke unused keys first"
                ),
            });
        }
        insert_key(&mut tx, tenant, key).await?;
        tx.commit().await.map_err(map_error)
    }

    async fn list_keys(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<ApiKeyRecord>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let rows: Vec<Counted<KeyRow>> = sqlx::query_as(
            "SELECT *, count(*) OVER () AS total FROM api_keys WHERE tenant_id = $1 \
             ORDER BY created_at, id LIMIT $2 OFFSET $3",
        )
        .bind(tenant.as_uuid())
        .bind(i64::from(page.limit()))
        .bind(page.offset() as i64)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let total = match rows.first() {
            Some(r) => r.total,
            None if page.offset() > 0 => {
                sqlx::query_scalar("SELECT count(*) FROM api_keys WHERE tenant_id = $1")
                    .bind(tenant.as_uuid())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_error)?
            }
            None => 0,
        };
        page_of(
            rows.into_iter().map(|r| r.row),
            page,
            total,
            ApiKeyRecord::try_from,
        )
    }

    async fn revoke_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<Option<ApiKeyRecord>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<KeyRow> = sqlx::query_as(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) \
             WHERE tenant_id = $1 AND id = $2 RETURNING *",
        )
        .bind(tenant.as_uuid())
        .bind(id.0)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        row.map(ApiKeyRecord::try_from).transpose()
    }

    async fn insert_worker_key(&self, key: &WorkerKeyRecord) -> Result<(), RepoError> {
        let mut tx = self.0.platform_tx().await?;
        sqlx::query(
            "INSERT INTO worker_keys (id, key_id, name, secret_hash, created_at, expires_at, \
             revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(key.id.0)
        .bind(&key.key_id)
        .bind(key.name.as_str())
        .bind(&key.secret_hash)
        .bind(key.created_at)
        .bind(key.expires_at)
        .bind(key.revoked_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)
    }

    async fn list_worker_keys(&self) -> Result<Vec<WorkerKeyRecord>, RepoError> {
        let mut tx = self.0.platform_tx().await?;
        let rows: Vec<WorkerKeyRow> =
            sqlx::query_as("SELECT * FROM worker_keys ORDER BY created_at, id")
                .fetch_all(&mut *tx)
                .await
                .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        rows.into_iter().map(WorkerKeyRecord::try_from).collect()
    }

    async fn revoke_worker_key(
        &self,
        id: WorkerKeyId,
        at: DateTime<Utc>,
    ) -> Result<Option<WorkerKeyRecord>, RepoError> {
        let mut tx = self.0.platform_tx().await?;
        let row: Option<WorkerKeyRow> = sqlx::query_as(
            "UPDATE worker_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 \
             RETURNING *",
        )
        .bind(id.0)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        row.map(WorkerKeyRecord::try_from).transpose()
    }

    async fn find_credential(&self, key_id: &str) -> Result<Option<Credential>, RepoError> {
        #[derive(sqlx::FromRow)]
        struct Found {
            kind: String,
            tenant_id: Option<Uuid>,
            id: Uuid,
            role: String,
            scopes: Vec<String>,
            lessee_id: Option<Uuid>,
            expires_at: Option<DateTime<Utc>>,
            revoked_at: Option<DateTime<Utc>>,
            secret_hash: String,
        }
        let found: Option<Found> = sqlx::query_as("SELECT * FROM auth_find_credential($1)")
            .bind(key_id)
            .fetch_optional(self.0.pool())
            .await
            .map_err(map_error)?;
        let Some(f) = found else { return Ok(None) };
        let owner = match (f.kind.as_str(), f.tenant_id) {
            ("TENANT", Some(tenant_id)) => CredentialOwner::Tenant {
                tenant_id: TenantId::from_uuid(tenant_id),
                id: ApiKeyId(f.id),
                role: Stored::row("api_keys", f.id).name("role", &f.role)?,
                scopes: Stored::row("api_keys", f.id).names("scopes", &f.scopes)?,
                lessee_id: f.lessee_id.map(LesseeId),
                expires_at: f.expires_at,
            },
            ("WORKER", None) => CredentialOwner::Worker {
                id: WorkerKeyId(f.id),
                expires_at: f.expires_at,
            },
            (kind, tenant) => {
                return Err(Stored::row("auth_find_credential", f.id).corrupt(
                    "kind",
                    format!("{kind} (tenant {tenant:?})"),
                    "a TENANT key with its tenant, or a WORKER key without one",
                ));
            }
        };
        Ok(Some(Credential {
            owner,
            secret_hash: f.secret_hash,
            revoked: f.revoked_at.is_some(),
        }))
    }
}
