//! Freeze periods in PostgreSQL: a period is stored with its scope's kind and id (`scope`,
//! `scope_id`), whose row must exist in the tenant when it is written.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    FreezePeriod, FreezePeriodData, FreezePeriodId, FreezeScope, FreezeTarget,
};
use faireplace_kernel::TenantId;
use faireplace_kernel::values::Text;
use faireplace_ports::{ListQuery, RepoError};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{ListFilter, Write, push_eq, s, stored_enum, table_repository};
use crate::error::{map_error, missing};

const TABLE: &str = "freeze_periods";

/// Freeze periods in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgFreezePeriods(pub Db);

#[derive(sqlx::FromRow)]
struct FreezeRow {
    id: Uuid,
    scope: String,
    scope_id: Uuid,
    start_date: NaiveDate,
    end_date: NaiveDate,
    reason: String,
    legal_reference: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<FreezeRow> for FreezePeriod {
    type Error = RepoError;
    fn try_from(r: FreezeRow) -> Result<Self, RepoError> {
        let scope = stored_enum::<FreezeScope>(TABLE, r.id, "scope", &r.scope)?;
        Ok(FreezePeriod {
            id: FreezePeriodId(r.id),
            data: FreezePeriodData {
                target: FreezeTarget::new(scope, r.scope_id),
                start_date: r.start_date,
                end_date: r.end_date,
                reason: Text::from_trusted(r.reason),
                legal_reference: r.legal_reference.map(Text::from_trusted),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct FreezeFilters;

impl ListFilter<FreezePeriod> for FreezeFilters {
    fn push(query: &ListQuery<FreezePeriod>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        push_eq(qb, "scope", f.scope.map(|scope| scope.as_str()));
        push_eq(qb, "scope_id", f.scope_id);
        if let Some(day) = f.active_on {
            qb.push(" AND start_date <= ");
            qb.push_bind(day);
            qb.push(" AND end_date >= ");
            qb.push_bind(day);
        }
    }
}

/// The scope's row must exist in the tenant: a freeze of nothing would silently freeze nothing.
async fn check_scope(
    conn: &mut PgConnection,
    tenant: TenantId,
    d: &FreezePeriodData,
) -> Result<(), RepoError> {
    let table = match d.target {
        FreezeTarget::Place(_) => "places",
        FreezeTarget::Estate(_) => "estates",
        FreezeTarget::Lease(_) => "leases",
    };
    let exists: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = $1 AND id = $2)"
    )))
    .bind(tenant.as_uuid())
    .bind(d.target.id())
    .fetch_one(&mut *conn)
    .await
    .map_err(map_error)?;
    if exists {
        Ok(())
    } else {
        Err(missing("scope_id"))
    }
}

fn bind_freeze<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    f: &'q FreezePeriod,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &f.data;
    q.bind(d.target.scope().as_str())
        .bind(d.target.id())
        .bind(d.start_date)
        .bind(d.end_date)
        .bind(d.reason.as_str())
        .bind(s(&d.legal_reference))
        .bind(f.updated_at)
}

table_repository!(PgFreezePeriods: FreezePeriod, FreezeRow, FreezeFilters, TABLE);

async fn insert(w: Write<'_>, f: &FreezePeriod) -> Result<FreezePeriod, RepoError> {
    w.run(async |tx| {
        check_scope(tx, w.tenant, &f.data).await?;
        let q = sqlx::query(
            "INSERT INTO freeze_periods (tenant_id, id, scope, scope_id, start_date, end_date, \
             reason, legal_reference, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(w.tenant.as_uuid())
        .bind(f.id.0);
        bind_freeze(q, f)
            .bind(f.created_at)
            .execute(tx)
            .await
            .map_err(map_error)?;
        Ok(f.clone())
    })
    .await
}

async fn update(w: Write<'_>, f: &FreezePeriod) -> Result<Option<FreezePeriod>, RepoError> {
    w.changed(async |tx| {
        check_scope(tx, w.tenant, &f.data).await?;
        let q = sqlx::query(
            "UPDATE freeze_periods SET scope = $3, scope_id = $4, start_date = $5, \
             end_date = $6, reason = $7, legal_reference = $8, updated_at = $9 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(w.tenant.as_uuid())
        .bind(f.id.0);
        let done = bind_freeze(q, f).execute(tx).await.map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| f.clone()))
    })
    .await
}
