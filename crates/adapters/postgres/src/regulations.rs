//! Regulations of charge reviews in PostgreSQL: an adjustment of a lease's balance in a DRAFT
//! review, checked under a lock of the review (so that none lands on a review being
//! validated).

use chrono::{DateTime, Utc};
use faireplace_charges::{
    ChargeReviewId, Regulation, RegulationData, RegulationId, RegulationKind, ReviewStatus,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::TenantId;
use faireplace_kernel::values::Text;
use faireplace_leases::LeaseId;
use faireplace_ports::{ListQuery, RepoError};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{ListFilter, Write, push_eq, stored_enum, table_repository};
use crate::error::{conflict, map_error, missing, rule};

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
        push_eq(qb, "review_id", query.filter.review_id.map(|r| r.0));
        push_eq(qb, "lease_id", query.filter.lease_id.map(|l| l.0));
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
        return Err(missing("review_id"));
    };
    let status = stored_enum::<ReviewStatus>("charge_reviews", d.review_id.0, "status", &status)?;
    match (status, has_statement) {
        (ReviewStatus::Validated, _) => Err(conflict(
            ErrorCode::Conflict,
            "the review is validated: it no longer changes",
        )),
        (ReviewStatus::Draft, false) => Err(rule("lease_id", "has no statement in this review")),
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

table_repository!(PgRegulations: Regulation, RegulationRow, RegulationFilters, TABLE);

async fn insert(w: Write<'_>, r: &Regulation) -> Result<Regulation, RepoError> {
    w.run(async |tx| {
        check_review(tx, w.tenant, &r.data).await?;
        let q = sqlx::query(
            "INSERT INTO charge_regulations (tenant_id, id, review_id, lease_id, kind, amount, \
             reason, updated_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(w.tenant.as_uuid())
        .bind(r.id.0);
        bind_regulation(q, r)
            .bind(r.created_at)
            .execute(tx)
            .await
            .map_err(map_error)?;
        Ok(r.clone())
    })
    .await
}

async fn update(w: Write<'_>, r: &Regulation) -> Result<Option<Regulation>, RepoError> {
    w.changed(async |tx| {
        check_review(tx, w.tenant, &r.data).await?;
        let q = sqlx::query(
            "UPDATE charge_regulations SET review_id = $3, lease_id = $4, kind = $5, amount = $6, \
             reason = $7, updated_at = $8 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(w.tenant.as_uuid())
        .bind(r.id.0);
        let done = bind_regulation(q, r).execute(tx).await.map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| r.clone()))
    })
    .await
}
