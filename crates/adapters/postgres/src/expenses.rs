//! Charge expenses of places in PostgreSQL.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    ChargeCategoryId, ChargeExpense, ChargeExpenseData, ChargeExpenseId, DistributionKeyId,
    PlaceServiceId,
};
use faireplace_kernel::TenantId;
use faireplace_kernel::values::Text;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::PlaceId;
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{ListFilter, Write, push_eq, s, table_repository};
use crate::error::map_error;

/// Charge expenses in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgChargeExpenses(pub Db);

#[derive(sqlx::FromRow)]
struct ExpenseRow {
    id: Uuid,
    place_id: Uuid,
    category_id: Uuid,
    service_id: Option<Uuid>,
    amount: Decimal,
    period_start: NaiveDate,
    period_end: NaiveDate,
    supplier: Option<String>,
    media_id: Option<Uuid>,
    distribution_key_id: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ExpenseRow> for ChargeExpense {
    type Error = RepoError;
    fn try_from(r: ExpenseRow) -> Result<Self, RepoError> {
        Ok(ChargeExpense {
            id: ChargeExpenseId(r.id),
            place_id: PlaceId(r.place_id),
            data: ChargeExpenseData {
                category_id: Some(ChargeCategoryId(r.category_id)),
                service_id: r.service_id.map(PlaceServiceId),
                amount: r.amount.normalize(),
                period_start: r.period_start,
                period_end: r.period_end,
                supplier: r.supplier.map(Text::from_trusted),
                media_id: r.media_id,
                distribution_key_id: Some(DistributionKeyId(r.distribution_key_id)),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct ExpenseFilters;

impl ListFilter<ChargeExpense> for ExpenseFilters {
    fn push(query: &ListQuery<ChargeExpense>, qb: &mut QueryBuilder<Postgres>) {
        push_eq(qb, "place_id", query.filter.place_id.map(|p| p.0));
        push_eq(qb, "category_id", query.filter.category_id.map(|c| c.0));
    }
}

fn rule(field: &str, message: &str) -> RepoError {
    RepoError::Rule {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// The category and key an expense leaves out come from its service, which must be of the
/// same place; an expense always ends with both.
async fn prepare(
    conn: &mut PgConnection,
    tenant: TenantId,
    e: &ChargeExpense,
) -> Result<ChargeExpenseData, RepoError> {
    let mut d = e.data.clone();
    if let Some(service) = d.service_id {
        let defaults = crate::place_services::service_defaults(conn, tenant, service).await?;
        if defaults.place != e.place_id {
            return Err(rule("service_id", "is a service of another place"));
        }
        d.category_id = d.category_id.or(defaults.billing.map(|b| b.category_id));
        d.distribution_key_id = d
            .distribution_key_id
            .or(defaults.billing.map(|b| b.default_distribution_key_id));
    }
    if d.category_id.is_none() {
        return Err(rule(
            "category_id",
            "is required: the service is not chargeable and names none",
        ));
    }
    if d.distribution_key_id.is_none() {
        return Err(rule(
            "distribution_key_id",
            "is required: no chargeable service gives a default key",
        ));
    }
    Ok(d)
}

/// `$3` to `$11`.
fn bind_expense<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    d: &'q ChargeExpenseData,
    updated_at: DateTime<Utc>,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(d.category_id.map(|c| c.0))
        .bind(d.service_id.map(|s| s.0))
        .bind(d.amount)
        .bind(d.period_start)
        .bind(d.period_end)
        .bind(s(&d.supplier))
        .bind(d.media_id)
        .bind(d.distribution_key_id.map(|k| k.0))
        .bind(updated_at)
}

table_repository!(PgChargeExpenses: ChargeExpense, ExpenseRow, ExpenseFilters, "charge_expenses");

async fn insert(w: Write<'_>, e: &ChargeExpense) -> Result<ChargeExpense, RepoError> {
    let tenant = w.tenant;
    w.run(async |tx| {
        let data = prepare(tx, tenant, e).await?;
        // The category's usual amount at this place, before this expense, against its
        // threshold.
        let usual: Option<(Option<Decimal>, Option<Decimal>, String)> = sqlx::query_as(
            "SELECT c.notification_threshold, \
               (SELECT avg(x.amount) FROM charge_expenses x WHERE x.tenant_id = c.tenant_id \
                 AND x.place_id = $3 AND x.category_id = c.id), c.name \
             FROM charge_categories c WHERE c.tenant_id = $1 AND c.id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(data.category_id.map(|c| c.0))
        .bind(e.place_id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        let q = sqlx::query(
            "INSERT INTO charge_expenses (tenant_id, id, category_id, service_id, amount, \
             period_start, period_end, supplier, media_id, distribution_key_id, updated_at, \
             place_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(tenant.as_uuid())
        .bind(e.id.0);
        bind_expense(q, &data, e.updated_at)
            .bind(e.place_id.0)
            .bind(e.created_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        if let Some((Some(threshold), average, name)) = usual
            && faireplace_charges::over_threshold(data.amount, average, threshold)
        {
            crate::notifications::notify(
                tx,
                tenant,
                faireplace_charges::NotificationKind::OverThreshold,
                "charge_expense",
                e.id.0,
                format!(
                    "an expense of {} for \"{name}\" exceeds its usual amount ({}) by more than {}%",
                    data.amount,
                    average.unwrap_or_default().round_dp(2),
                    threshold.normalize()
                ),
                e.created_at,
            )
            .await?;
        }
        Ok(ChargeExpense { data, ..e.clone() })
    })
    .await
}

async fn update(w: Write<'_>, e: &ChargeExpense) -> Result<Option<ChargeExpense>, RepoError> {
    w.changed(async |tx| {
        let data = prepare(tx, w.tenant, e).await?;
        let q = sqlx::query(
            "UPDATE charge_expenses SET category_id = $3, service_id = $4, amount = $5, \
             period_start = $6, period_end = $7, supplier = $8, media_id = $9, \
             distribution_key_id = $10, updated_at = $11 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(w.tenant.as_uuid())
        .bind(e.id.0);
        let done = bind_expense(q, &data, e.updated_at)
            .execute(tx)
            .await
            .map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| ChargeExpense { data, ..e.clone() }))
    })
    .await
}
