//! Regulations of charge reviews in PostgreSQL: an adjustment of a lease's balance in a DRAFT
//! review, checked under a lock of the review (so that none lands on a review being
//! validated).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_charges::{
    ChargeReviewId, Regulation, RegulationData, RegulationId, RegulationKind, ReviewStatus,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, TenantId};
use faireplace_leases::LeaseId;
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Repository};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{ListFilter, ListSource, deleted_one, fetch_by_id, list_page, stored_enum};
use crate::error::map_error;

const TABLE: &str = "charge_regulations";

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
}

impl TryFrom<RegulationRow> for Regulation {
    type Error = RepoError;
    fn try_from(r: RegulationRow) -> Result<Self, RepoError> {
        Ok(Regulation {
            id: RegulationId(r.id),
            data: RegulationData {
                review_id: ChargeReviewId(r.review_id),
                lease_id: LeaseId(r.lease_id),
                kind: stored_enum::<RegulationKind>(TABLE, r.id, "kind", &r.kind)?,
                amount: r.amount.normalize(),
                reason: Text::from_trusted(r.reason),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct RegulationFilters;

impl ListFilter<Regulation> for RegulationFilters {
    fn push(query: &ListQuery<Regulation>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(r) = query.filter.review_id {
            qb.push(" AND review_id = ");
            qb.push_bind(r.0);
        }
        if let Some(l) = query.filter.lease_id {
            qb.push(" AND lease_id = ");
            qb.push_bind(l.0);
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
    .bind(d.review_id.0)
    .bind(d.lease_id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    let Some((status, has_statement)) = row else {
        return Err(RepoError::MissingReference {
            field: "review_id".into(),
        });
    };
    let status = stored_enum::<ReviewStatus>("charge_reviews", d.review_id.0, "status", &status)?;
    match (status, has_statement) {
        (ReviewStatus::Validated, _) => Err(RepoError::Conflict {
            code: ErrorCode::Conflict,
            message: "the review is validated: it no longer changes".into(),
        }),
        (ReviewStatus::Draft, false) => Err(RepoError::Rule {
            field: "lease_id".into(),
            message: "has no statement in this review".into(),
        }),
        (ReviewStatus::Draft, true) => Ok(()),
    }
}

fn bind_regulation<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    r: &'q Regulation,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &r.data;
    q.bind(d.review_id.0)
        .bind(d.lease_id.0)
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
        row.map(Regulation::try_from).transpose()
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Regulation>,
    ) -> Result<Page<Regulation>, RepoError> {
        list_page::<Regulation, RegulationRow, RegulationFilters>(
            &self.0,
            tenant,
            &ListSource::table(TABLE),
            query,
            Regulation::try_from,
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
