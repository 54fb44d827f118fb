//! The audit log in PostgreSQL (`charge_audit_logs`): the entries each change writes in its own
//! transaction (see `journal.rs`), read latest first.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::RepoError;
use faireplace_ports::audit::{AuditAction, AuditEntry, AuditLog};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{Counted, counted_page, stored_enum};

/// The audit log in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgAuditLog(pub Db);

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    action: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    key_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = RepoError;
    fn try_from(r: AuditRow) -> Result<Self, RepoError> {
        Ok(AuditEntry {
            id: r.id,
            action: stored_enum::<AuditAction>("charge_audit_logs", r.id, "action", &r.action)?,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: r.before,
            after: r.after,
            key_id: r.key_id,
            created_at: r.created_at,
        })
    }
}

#[async_trait]
impl AuditLog for PgAuditLog {
    async fn list(
        &self,
        tenant: TenantId,
        entity_types: &[&str],
        entity_id: Option<Uuid>,
        page: faireplace_kernel::PageRequest,
    ) -> Result<Page<AuditEntry>, RepoError> {
        // Only the filters given are in the SQL: a plan made for `($2 IS NULL OR …)` (a
        // generic one, which PostgreSQL may settle on) could not use the entity index.
        let mut qb =
            QueryBuilder::<Postgres>::new("SELECT q.* FROM (SELECT set_config('app.tenant_id', ");
        qb.push_bind(tenant.as_uuid().to_string());
        qb.push(
            "::text, true)::uuid AS tenant) AS scope CROSS JOIN LATERAL (\
             SELECT p.* FROM (SELECT a.*, count(*) OVER () AS total FROM charge_audit_logs a \
             WHERE a.tenant_id = scope.tenant",
        );
        if !entity_types.is_empty() {
            qb.push(" AND a.entity_type = ANY(");
            qb.push_bind(
                entity_types
                    .iter()
                    .map(|t| (*t).to_owned())
                    .collect::<Vec<_>>(),
            );
            qb.push(")");
        }
        if let Some(id) = entity_id {
            qb.push(" AND a.entity_id = ");
            qb.push_bind(id);
        }
        qb.push(" ORDER BY a.created_at DESC, a.id DESC LIMIT ");
        qb.push_bind(i64::from(page.limit()));
        qb.push(" OFFSET ");
        qb.push_bind(page.offset() as i64);
        qb.push(") p OFFSET 0) AS q");
        let mut lent = self.0.reads().acquire().await?;
        let rows: Result<Vec<Counted<AuditRow>>, _> =
            qb.build_query_as().fetch_all(lent.conn()).await;
        let mut rows = lent.finish(rows)?;
        rows.sort_by_key(|r| std::cmp::Reverse((r.row.created_at, r.row.id)));
        counted_page(rows, page, AuditEntry::try_from)
    }
}
