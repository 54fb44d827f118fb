//! The hand-over history of estate keys. The keys themselves are declared once (`KeyData`)
//! and stored by `PgItems`; storage appends a hand-over (trigger `estate_keys_handover`) in the
//! transaction of each change of holder or of hand-over times.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::TenantId;
use faireplace_ports::RepoError;
use faireplace_ports::property::KeyHistory;
use faireplace_property::{KeyHandover, KeyId};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::{corrupt, stored_opt};
use crate::Db;
use crate::common::scoped;

/// The hand-overs of keys in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgKeyHandovers(pub Db);

#[derive(sqlx::FromRow)]
struct HandoverRow {
    id: Uuid,
    holder_kind: Option<String>,
    holder_id: Option<Uuid>,
    handed_over_at: Option<DateTime<Utc>>,
    returned_at: Option<DateTime<Utc>>,
    recorded_at: DateTime<Utc>,
}

impl TryFrom<HandoverRow> for KeyHandover {
    type Error = RepoError;

    fn try_from(r: HandoverRow) -> Result<Self, RepoError> {
        Ok(KeyHandover {
            holder_kind: stored_opt("holder_kind", r.holder_kind)
                .map_err(corrupt("key_handovers", r.id))?,
            holder_id: r.holder_id,
            handed_over_at: r.handed_over_at,
            returned_at: r.returned_at,
            recorded_at: r.recorded_at,
        })
    }
}

#[async_trait]
impl KeyHistory for PgKeyHandovers {
    async fn history(&self, tenant: TenantId, key: KeyId) -> Result<Vec<KeyHandover>, RepoError> {
        let sql = scoped(
            "SELECT id, holder_kind, holder_id, handed_over_at, returned_at, recorded_at \
             FROM key_handovers WHERE tenant_id = scope.tenant AND key_id = $2",
        ) + " ORDER BY q.recorded_at, q.id";
        let mut lent = self.0.reads().acquire().await?;
        let rows: Result<Vec<HandoverRow>, _> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(tenant.as_uuid().to_string())
            .bind(key.0)
            .fetch_all(lent.conn())
            .await;
        lent.finish(rows)?
            .into_iter()
            .map(KeyHandover::try_from)
            .collect()
    }
}
