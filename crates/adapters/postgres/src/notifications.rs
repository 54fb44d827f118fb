//! Charge notifications in PostgreSQL, written by the changes that raise them, and
//! regulations of reviews.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_charges::{
    NotificationKind, Regulation, RegulationData, RegulationId, RegulationKind,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::charges::{Notification, NotificationStore};
use faireplace_ports::{ListQuery, RepoError, Repository};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    HasTotal, ListFilter, ListSource, deleted_one, fetch_by_id, list_page, scoped,
};
use crate::error::map_error;

/// Writes a notification in the caller's transaction.
pub(crate) async fn notify(
    conn: &mut PgConnection,
    tenant: TenantId,
    kind: NotificationKind,
    entity_type: &str,
    entity_id: Uuid,
    message: String,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO charge_notifications (tenant_id, id, kind, entity_type, entity_id, message, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.as_uuid())
    .bind(Uuid::now_v7())
    .bind(kind.as_str())
    .bind(entity_type)
    .bind(entity_id)
    .bind(message)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

/// Notifications in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgNotifications(pub Db);

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: Uuid,
    kind: String,
    entity_type: String,
    entity_id: Uuid,
    message: String,
    read: bool,
    created_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        Notification {
            id: r.id,
            kind: NotificationKind::parse(&r.kind).unwrap_or(NotificationKind::ConsumptionAlert),
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            message: r.message,
            read: r.read,
            created_at: r.created_at,
        }
    }
}

#[async_trait]
impl NotificationStore for PgNotifications {
    async fn list(
        &self,
        tenant: TenantId,
        kind: Option<NotificationKind>,
        read: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Notification>, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let rows: Result<Vec<NotificationRow>, _> = sqlx::query_as(sqlx::AssertSqlSafe(scoped(
            "SELECT p.* FROM (SELECT n.*, count(*) OVER () AS total FROM charge_notifications n \
             WHERE n.tenant_id = scope.tenant AND ($2::text IS NULL OR n.kind = $2) \
               AND ($3::boolean IS NULL OR n.read = $3) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT $4 OFFSET $5) p",
        )))
        .bind(tenant.as_uuid().to_string())
        .bind(kind.map(|k| k.as_str()))
        .bind(read)
        .bind(i64::from(page.limit()))
        .bind(page.offset() as i64)
        .fetch_all(lent.conn())
        .await;
        let mut rows = lent.finish(rows)?;
        rows.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
        let total = rows.first().map(|r| r.total).unwrap_or(0);
        Ok(Page {
            items: rows.into_iter().map(Notification::from).collect(),
            request: page,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn mark(
        &self,
        tenant: TenantId,
        id: Uuid,
        read: bool,
    ) -> Result<Option<Notification>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<NotificationRow> = sqlx::query_as(
            "UPDATE charge_notifications SET read = $3 WHERE tenant_id = $1 AND id = $2 \
             RETURNING *, 0::bigint AS total",
        )
        .bind(tenant.as_uuid())
        .bind(id)
        .bind(read)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        Ok(row.map(Notification::from))
    }
}

/// Regulations in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgRegulations(pub Db);

#[derive(sqlx::FromRow)]
struct RegulationRow {
    id: Uuid,
    review_id: Uuid,
    lease_id: Uuid,
    kind: String,
    amount: Decimal,
    reason: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for RegulationRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<RegulationRow> for Regulation {
    fn from(r: RegulationRow) -> Self {
        Regulation {
            id: RegulationId(r.id),
            data: RegulationData {
                review_id: r.review_id,
                lease_id: r.lease_id,
                kind: RegulationKind::parse(&r.kind).unwrap_or(RegulationKind::Correction),
                amount: r.amount.normalize(),
                reason: Text::from_trusted(r.reason),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct RegulationFilters;

impl ListFilter<Regulation> for RegulationFilters {
    fn push(query: &ListQuery<Regulation>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(r) = query.filter.review_id {
            qb.push(" AND review_id = ");
            qb.push_bind(r);
        }
        if let Some(l) = query.filter.lease_id {
            qb.push(" AND lease_id = ");
            qb.push_bind(l);
        }
    }
}

/// A regulation adjusts a DRAFT review (a validated one no longer changes) for a lease that
/// has a statement in it. Checked under a lock of the review.
async fn check_review(
    conn: &mut PgConnection,
    tenant: TenantId,
    d: &RegulationData,
) -> Result<(), RepoError> {
    let row: Option<(String, bool)> = sqlx::query_as(
        "SELECT status, $3 = ANY (statement_lease_ids) \
         FROM charge_reviews WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(tenant.as_uuid())
    .bind(d.review_id)
    .bind(d.lease_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    match row {
        None => Err(RepoError::MissingReference {
            field: "review_id".into(),
        }),
        Some((status, _)) if status == "VALIDATED" => Err(RepoError::Conflict {
            code: ErrorCode::Conflict,
            message: "the review is validated: it no longer changes".into(),
        }),
        Some((_, false)) => Err(RepoError::Rule {
            field: "lease_id".into(),
            message: "has no statement in this review".into(),
        }),
        Some(_) => Ok(()),
    }
}

fn bind_regulation<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    r: &'q Regulation,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &r.data;
    q.bind(d.review_id)
        .bind(d.lease_id)
        .bind(d.kind.as_str())
        .bind(d.amount)
        .bind(d.reason.as_str())
        .bind(r.updated_at)
}

#[async_trait]
impl Repository<Regulation> for PgRegulations {
    async fn insert(
        &self,
        tenant: TenantId,
        r: &Regulation,
        journal: &Journal,
    ) -> Result<Regulation, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        check_review(&mut tx, tenant, &r.data).await?;
        let q = sqlx::query(
            "INSERT INTO charge_regulations (tenant_id, id, review_id, lease_id, kind, amount, \
             reason, updated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant.as_uuid())
        .bind(r.id.0);
        bind_regulation(q, r)
            .bind(r.created_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(r.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: RegulationId,
    ) -> Result<Option<Regulation>, RepoError> {
        let row: Option<RegulationRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM charge_regulations WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(Regulation::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Regulation>,
    ) -> Result<Page<Regulation>, RepoError> {
        list_page::<Regulation, RegulationRow, RegulationFilters>(
            &self.0,
            tenant,
            &ListSource::table("charge_regulations"),
            query,
            crate::common::infallible(Regulation::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        r: &Regulation,
        journal: &Journal,
    ) -> Result<Option<Regulation>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        check_review(&mut tx, tenant, &r.data).await?;
        let q = sqlx::query(
            "UPDATE charge_regulations SET review_id = $3, lease_id = $4, kind = $5, amount = $6, \
             reason = $7, updated_at = $8 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(r.id.0);
        let done = bind_regulation(q, r)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| r.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: RegulationId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM charge_regulations WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}
