//! Charge reviews in PostgreSQL: their inputs, read in a constant number of statements, and
//! the reviews, kept as computed.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::review::{ReviewCategory, ReviewCharge, ReviewExpense, ReviewLease};
use faireplace_charges::{
    BillingMode, ChargeCategoryId, ChargeReview, ChargeReviewId, DistributionKey,
    DistributionKeyId, ReviewInputs, ReviewResult, ReviewStatus,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_leases::LeaseId;
use faireplace_ports::RepoError;
use faireplace_ports::audit::Journal;
use faireplace_ports::charges::{DistributionFacts, ReviewStore};
use faireplace_property::{EstateId, PlaceId};
use rust_decimal::Decimal;
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use crate::Db;
use crate::common::{
    Lock, Write, corrupt, counted_page, delete_in, read_item, stored_enum, value_in, window_rows,
};
use crate::distribution_keys::{KeyRow, PgDistributionKeys};
use crate::error::{conflict, map_error};

const TABLE: &str = "charge_reviews";

/// Charge reviews in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgChargeReviews(pub Db);

struct ReviewRow {
    id: Uuid,
    place_id: Uuid,
    period_start: NaiveDate,
    period_end: NaiveDate,
    status: String,
    /// Read straight into its type (a large review is a megabyte of JSON); why it does not
    /// read, when it does not.
    result: Result<ReviewResult, String>,
    created_at: DateTime<Utc>,
    validated_at: Option<DateTime<Utc>>,
}

impl<'r> sqlx::FromRow<'r, PgRow> for ReviewRow {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        Ok(ReviewRow {
            id: row.try_get("id")?,
            place_id: row.try_get("place_id")?,
            period_start: row.try_get("period_start")?,
            period_end: row.try_get("period_end")?,
            status: row.try_get("status")?,
            result: row
                .try_get::<sqlx::types::Json<ReviewResult>, _>("result")
                .map(|json| json.0)
                .map_err(|e| e.to_string()),
            created_at: row.try_get("created_at")?,
            validated_at: row.try_get("validated_at")?,
        })
    }
}

impl TryFrom<ReviewRow> for ChargeReview {
    type Error = RepoError;
    fn try_from(r: ReviewRow) -> Result<Self, RepoError> {
        // The value itself (a whole review) is not worth repeating in the log.
        let result = r
            .result
            .map_err(|reason| corrupt(TABLE, r.id, "result", "…", reason))?;
        Ok(ChargeReview {
            id: ChargeReviewId(r.id),
            place_id: PlaceId(r.place_id),
            period_start: r.period_start,
            period_end: r.period_end,
            status: stored_enum::<ReviewStatus>(TABLE, r.id, "status", &r.status)?,
            result,
            created_at: r.created_at,
            validated_at: r.validated_at,
        })
    }
}

/// The rows a statement reads of a place over a period (`$1` the tenant, `$2` the place, `$3`
/// and `$4` the period's first and last days).
async fn of_period<R>(
    conn: &mut sqlx::PgConnection,
    sql: &'static str,
    tenant: TenantId,
    place: PlaceId,
    (start, end): (NaiveDate, NaiveDate),
) -> Result<Vec<R>, RepoError>
where
    R: for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
{
    sqlx::query_as(sql)
        .bind(tenant.as_uuid())
        .bind(place.0)
        .bind(start)
        .bind(end)
        .fetch_all(conn)
        .await
        .map_err(map_error)
}

#[async_trait]
impl ReviewStore for PgChargeReviews {
    async fn inputs(
        &self,
        tenant: TenantId,
        place: PlaceId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<ReviewInputs, RepoError> {
        let estates = PgDistributionKeys(self.0.clone())
            .estate_facts(tenant, place, end, None)
            .await?;
        let mut tx = self.0.tenant_tx(tenant).await?;
        let t = tenant.as_uuid();
        let leases: Vec<(Uuid, Uuid, NaiveDate, NaiveDate, i16)> = of_period(
            &mut tx,
            "SELECT l.id, l.estate_id, l.start_date, l.end_date, l.payment_day FROM leases l \
             JOIN estates e ON e.tenant_id = l.tenant_id AND e.id = l.estate_id \
             WHERE l.tenant_id = $1 AND e.place_id = $2 \
               AND l.status IN ('ACTIVE', 'NOTICE_GIVEN', 'TERMINATED') \
               AND l.start_date <= $4 AND l.end_date >= $3 \
             ORDER BY e.reference, l.start_date, l.id",
            tenant,
            place,
            (start, end),
        )
        .await?;
        let ids: Vec<Uuid> = leases.iter().map(|l| l.0).collect();
        let charges: Vec<(Uuid, Uuid, Uuid, String, Decimal)> = sqlx::query_as(
            "SELECT id, lease_id, category_id, billing_mode, monthly_amount FROM lease_charges \
             WHERE tenant_id = $1 AND active AND lease_id = ANY($2) ORDER BY created_at, id",
        )
        .bind(t)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let expenses: Vec<(Uuid, Uuid, Decimal, NaiveDate, NaiveDate)> = of_period(
            &mut tx,
            "SELECT category_id, distribution_key_id, amount, period_start, period_end \
             FROM charge_expenses WHERE tenant_id = $1 AND place_id = $2 \
               AND period_start <= $4 AND period_end >= $3",
            tenant,
            place,
            (start, end),
        )
        .await?;
        let category_ids: Vec<Uuid> = expenses.iter().map(|e| e.0).collect();
        let key_ids: Vec<Uuid> = expenses.iter().map(|e| e.1).collect();
        let categories: Vec<(Uuid, String, Decimal)> = sqlx::query_as(
            "SELECT id, name, recovery_rate FROM charge_categories \
             WHERE tenant_id = $1 AND id = ANY($2)",
        )
        .bind(t)
        .bind(&category_ids)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let keys: Vec<KeyRow> =
            sqlx::query_as("SELECT * FROM distribution_keys WHERE tenant_id = $1 AND id = ANY($2)")
                .bind(t)
                .bind(&key_ids)
                .fetch_all(&mut *tx)
                .await
                .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        let mut by_lease: BTreeMap<Uuid, Vec<ReviewCharge>> = BTreeMap::new();
        for (id, lease, category, mode, amount) in charges {
            by_lease.entry(lease).or_default().push(ReviewCharge {
                category_id: ChargeCategoryId(category),
                billing_mode: stored_enum::<BillingMode>(
                    "lease_charges",
                    id,
                    "billing_mode",
                    &mode,
                )?,
                monthly_amount: amount,
            });
        }
        let leases = leases
            .into_iter()
            .map(|(id, estate, s, e, day)| {
                let payment_day = u32::try_from(day).map_err(|_| {
                    corrupt(
                        "leases",
                        id,
                        "payment_day",
                        day.to_string(),
                        "not a day of a month",
                    )
                })?;
                Ok(ReviewLease {
                    id: LeaseId(id),
                    estate_id: EstateId(estate),
                    start_date: s,
                    end_date: e,
                    payment_day,
                    charges: by_lease.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        let keys = keys
            .into_iter()
            .map(|k| DistributionKey::try_from(k).map(|key| (key.id, key.data)))
            .collect::<Result<BTreeMap<DistributionKeyId, _>, RepoError>>()?;
        Ok(ReviewInputs {
            estates,
            leases,
            categories: categories
                .into_iter()
                .map(|(id, name, rate)| ReviewCategory {
                    id: ChargeCategoryId(id),
                    name,
                    recovery_rate: rate,
                })
                .collect(),
            keys,
            expenses: expenses
                .into_iter()
                .map(|(category, key, amount, s, e)| ReviewExpense {
                    category_id: ChargeCategoryId(category),
                    distribution_key_id: DistributionKeyId(key),
                    amount,
                    period_start: s,
                    period_end: e,
                })
                .collect(),
        })
    }

    async fn insert(
        &self,
        tenant: TenantId,
        r: &ChargeReview,
        journal: &Journal,
    ) -> Result<(), RepoError> {
        let result =
            serde_json::to_string(&r.result).map_err(|e| RepoError::Unknown(Box::new(e)))?;
        let lease_ids: Vec<Uuid> = r.result.statements.iter().map(|s| s.lease_id.0).collect();
        Write::new(&self.0, tenant, journal)
            .run(async |tx| {
                sqlx::query(
                    "INSERT INTO charge_reviews (tenant_id, id, place_id, period_start, period_end, \
                     status, result, created_at, statement_lease_ids) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9)",
                )
                .bind(tenant.as_uuid())
                .bind(r.id.0)
                .bind(r.place_id.0)
                .bind(r.period_start)
                .bind(r.period_end)
                .bind(r.status.as_str())
                // As text: the column is json, and a jsonb parameter would be parsed into jsonb first.
                .bind(result)
                .bind(r.created_at)
                .bind(lease_ids)
                .execute(&mut *tx)
                .await
                .map_err(map_error)?;
                Ok(())
            })
            .await
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: ChargeReviewId,
    ) -> Result<Option<ChargeReview>, RepoError> {
        read_item::<ReviewRow, _>(&self.0, TABLE, tenant, id.0).await
    }

    async fn list(
        &self,
        tenant: TenantId,
        place: Option<PlaceId>,
        page: PageRequest,
    ) -> Result<Page<ChargeReview>, RepoError> {
        let sql = "SELECT p.* FROM (SELECT r.*, count(*) OVER () AS total FROM charge_reviews r \
                   WHERE r.tenant_id = scope.tenant AND ($2::uuid IS NULL OR r.place_id = $2) \
                   ORDER BY r.period_start DESC, r.id DESC LIMIT $3 OFFSET $4) p";
        let mut rows =
            window_rows::<ReviewRow>(&self.0, tenant, sql, page, |q| q.bind(place.map(|p| p.0)))
                .await?;
        // SQL keeps no order through the wrapping join unless asked: the page's order again.
        rows.sort_by_key(|r| std::cmp::Reverse((r.row.period_start, r.row.id)));
        counted_page(rows, page, ChargeReview::try_from)
    }

    async fn validate(
        &self,
        tenant: TenantId,
        id: ChargeReviewId,
        at: DateTime<Utc>,
        journal: &Journal,
    ) -> Result<Option<ChargeReview>, RepoError> {
        let refusal = "this review is validated already; it no longer changes";
        Write::new(&self.0, tenant, journal)
            .changed(async |tx| {
                if !locked_draft(&mut *tx, tenant, id, refusal).await? {
                    return Ok(None);
                }
                let row: ReviewRow = sqlx::query_as(
                    "UPDATE charge_reviews SET status = 'VALIDATED', validated_at = $3 \
                     WHERE tenant_id = $1 AND id = $2 RETURNING *",
                )
                .bind(tenant.as_uuid())
                .bind(id.0)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_error)?;
                let review = ChargeReview::try_from(row)?;
                crate::notifications::notify(
                    &mut *tx,
                    tenant,
                    faireplace_charges::NotificationKind::ReviewNotice,
                    "charge_review",
                    review.id.0,
                    format!(
                        "the charge review {} to {} is validated: send its {} statements a month before claiming the balances",
                        review.period_start,
                        review.period_end,
                        review.result.statements.len()
                    ),
                    at,
                )
                .await?;
                Ok(Some(review))
            })
            .await
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: ChargeReviewId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let refusal = "a validated review is kept; it cannot be deleted";
        Write::new(&self.0, tenant, journal)
            .done(async |tx| {
                Ok(locked_draft(&mut *tx, tenant, id, refusal).await?
                    && delete_in(tx, tenant, TABLE, id.0).await?)
            })
            .await
    }
}

/// Whether the review exists as a DRAFT, its row locked for the rest of the transaction; a
/// validated one is refused with `refusal`.
async fn locked_draft(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    id: ChargeReviewId,
    refusal: &str,
) -> Result<bool, RepoError> {
    match locked_status(conn, tenant, id).await? {
        None => Ok(false),
        Some(ReviewStatus::Validated) => Err(conflict(ErrorCode::Conflict, refusal)),
        Some(ReviewStatus::Draft) => Ok(true),
    }
}

/// The status of a review, its row locked for the rest of the transaction (a validation, a
/// deletion, a regulation wait for one another); `None` when it does not exist.
async fn locked_status(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    id: ChargeReviewId,
) -> Result<Option<ReviewStatus>, RepoError> {
    let status: Option<String> = value_in(
        &mut *conn,
        tenant,
        "charge_reviews",
        "status",
        id.0,
        Lock::ForUpdate,
    )
    .await?;
    status
        .map(|s| stored_enum::<ReviewStatus>(TABLE, id.0, "status", &s))
        .transpose()
}
