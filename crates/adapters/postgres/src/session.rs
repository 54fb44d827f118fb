//! Tenant-scoped database sessions.

use std::sync::Arc;

use async_trait::async_trait;
use faireplace_kernel::TenantId;
use faireplace_ports::{HealthCheck, RepoError};
use sqlx::{AssertSqlSafe, PgPool, Postgres, Transaction};

use crate::error::map_error;
use crate::reads::ReadPool;

/// The application's pools: sqlx's for transactions, and one for single-statement reads
/// (see [`crate::reads`]).
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
    reads: Arc<ReadPool>,
}

impl Db {
    pub(crate) fn new(pool: PgPool, reads: ReadPool) -> Self {
        Self {
            pool,
            reads: Arc::new(reads),
        }
    }

    pub(crate) fn reads(&self) -> &ReadPool {
        &self.reads
    }

    /// What a read connection's session holds between reads: its backend, its tenant setting
    /// (empty when none) and how many owners row-level security lets it see. For tests and
    /// diagnostics: with one connection per pool, this is the session the last read used.
    pub async fn probe_read_session(&self) -> Result<(i32, String, i64), RepoError> {
        let mut lent = self.reads.acquire().await?;
        let result = sqlx::query_as(
            "SELECT pg_backend_pid(), coalesce(current_setting('app.tenant_id', true), ''), \
             (SELECT count(*) FROM owners)",
        )
        .fetch_one(lent.conn())
        .await;
        lent.finish(result)
    }

    /// The same, on a connection of the kind list pages take (generic plans), with its
    /// `plan_cache_mode`.
    pub async fn probe_list_session(&self) -> Result<(i32, String, i64, String), RepoError> {
        let mut lent = self.reads.acquire_generic().await?;
        let result = sqlx::query_as(
            "SELECT pg_backend_pid(), coalesce(current_setting('app.tenant_id', true), ''), \
             (SELECT count(*) FROM owners), current_setting('plan_cache_mode')",
        )
        .fetch_one(lent.conn())
        .await;
        lent.finish(result)
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
        // Pooled connections are not tested on the way out (a round trip per request): after
        // the database came back, the idle ones are dead sockets. Nothing ran on them yet, so
        // a failed BEGIN is retried on the next one (sqlx drops the broken one), up to a fresh
        // connection: the first request after an outage succeeds.
        let attempts = self.pool.options().get_max_connections() + 1;
        let mut last = None;
        for _ in 0..attempts {
            match self.pool.begin_with(AssertSqlSafe(begin.clone())).await {
                Ok(tx) => return Ok(tx),
                Err(e @ (sqlx::Error::Io(_) | sqlx::Error::Protocol(_))) => last = Some(e),
                Err(e) => return Err(map_error(e)),
            }
        }
        Err(map_error(last.unwrap_or(sqlx::Error::PoolTimedOut)))
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
