//! Tenant-scoped database sessions.

use async_trait::async_trait;
use faireplace_kernel::TenantId;
use faireplace_ports::{HealthCheck, RepoError};
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};

use crate::error::map_error;

/// The application's pool, handing out tenant-scoped transactions.
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
}

impl Db {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A transaction in which row-level security sees `tenant` only.
    ///
    /// `BEGIN` and the tenant setting travel in one simple-protocol message, so this costs one
    /// round trip. The setting is transaction-local: COMMIT or ROLLBACK clears it.
    ///
    /// Reads need not commit: dropping the transaction makes sqlx queue a ROLLBACK that is
    /// flushed with the pool's own check of the connection on release, off the request's path,
    /// before the connection can be handed to anyone else. A read is thus two round trips.
    pub async fn tenant_tx(
        &self,
        tenant: TenantId,
    ) -> Result<Transaction<'static, Postgres>, RepoError> {
        // A UUID's text form is hex digits and dashes only: nothing to escape.
        let begin = format!(
            "BEGIN; SELECT set_config('app.tenant_id', '{}', true)",
            tenant.as_uuid()
        );
        self.pool
            .begin_with(AssertSqlSafe(begin))
            .await
            .map_err(map_error)
    }

    /// A transaction with no tenant: only platform tables (and nothing under row-level
    /// security) are visible.
    pub async fn platform_tx(&self) -> Result<Transaction<'static, Postgres>, RepoError> {
        self.pool.begin().await.map_err(map_error)
    }
}

#[async_trait]
impl HealthCheck for Db {
    async fn ping(&self) -> Result<(), RepoError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(map_error)
    }
}
