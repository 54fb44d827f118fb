//! Lease charges in PostgreSQL. A charge is written in one transaction with the checks that
//! read other rows: the service's place and defaults, the key's technique, and the freeze
//! periods in force.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    BillingMode, CalculationType, ChargeCategoryId, DistributionKeyId, LeaseCharge,
    LeaseChargeData, LeaseChargeId, PlaceServiceId, compatible,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::TenantId;
use faireplace_leases::LeaseId;
use faireplace_meters::MeterId;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{EstateId, PlaceId};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    ListFilter, Lock, Write, delete_in, find_in, find_scalar_in, push_eq, stored_enum,
    table_repository, value_in,
};
use crate::error::{conflict, map_error, missing, rule};

const TABLE: &str = "lease_charges";

/// Lease charges in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgLeaseCharges(pub Db);

#[derive(sqlx::FromRow)]
struct ChargeRow {
    id: Uuid,
    lease_id: Uuid,
    service_id: Option<Uuid>,
    category_id: Uuid,
    billing_mode: String,
    distribution_key_id: Option<Uuid>,
    monthly_amount: Decimal,
    meter_id: Option<Uuid>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ChargeRow> for LeaseCharge {
    type Error = RepoError;
    fn try_from(r: ChargeRow) -> Result<Self, RepoError> {
        Ok(LeaseCharge {
            id: LeaseChargeId(r.id),
            lease_id: LeaseId(r.lease_id),
            data: LeaseChargeData {
                service_id: r.service_id.map(PlaceServiceId),
                category_id: Some(ChargeCategoryId(r.category_id)),
                billing_mode: stored_enum::<BillingMode>(
                    TABLE,
                    r.id,
                    "billing_mode",
                    &r.billing_mode,
                )?,
                distribution_key_id: r.distribution_key_id.map(DistributionKeyId),
                monthly_amount: r.monthly_amount.normalize(),
                meter_id: r.meter_id.map(MeterId),
                active: r.active,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            previous: None,
        })
    }
}

struct ChargeFilters;

impl ListFilter<LeaseCharge> for ChargeFilters {
    fn push(query: &ListQuery<LeaseCharge>, qb: &mut QueryBuilder<Postgres>) {
        push_eq(qb, "lease_id", query.filter.lease_id.map(|lease| lease.0));
        push_eq(qb, "active", query.filter.active);
    }
}

/// Completes and checks a charge against the rows it refers to, under a lock of its lease:
/// the service is of the lease's place and gives the category and key left out; the key's
/// technique agrees with the billing mode; no freeze period in force covers a change of
/// amount. Answers the charge as it will be stored.
async fn prepare(
    conn: &mut PgConnection,
    tenant: TenantId,
    charge: &LeaseCharge,
) -> Result<LeaseChargeData, RepoError> {
    let mut d = charge.data.clone();
    let lease: Option<(Uuid, Option<Uuid>)> = find_in(
        &mut *conn,
        "SELECT l.estate_id, e.place_id FROM leases l \
         JOIN estates e ON e.tenant_id = l.tenant_id AND e.id = l.estate_id \
         WHERE l.tenant_id = $1 AND l.id = $2 FOR SHARE OF l",
        tenant,
        charge.lease_id.0,
    )
    .await?;
    let Some((estate, place)) = lease else {
        return Err(missing("lease_id"));
    };
    let (estate, place) = (EstateId(estate), place.map(PlaceId));
    // The lease's row, shared, orders this with the start of a signature (which takes it).
    crate::signatures::refuse_while_signing(conn, tenant, charge.lease_id.0, "its charges").await?;
    if let Some(service) = d.service_id {
        let defaults = crate::place_services::service_defaults(conn, tenant, service).await?;
        if Some(defaults.place) != place {
            return Err(rule(
                "service_id",
                "is a service of another place than the lease's estate",
            ));
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
    if let Some(key) = d.distribution_key_id {
        let technique: Option<String> = value_in(
            &mut *conn,
            tenant,
            "distribution_keys",
            "calculation_type",
            key.0,
            Lock::No,
        )
        .await?;
        let Some(technique) = technique else {
            return Err(missing("distribution_key_id"));
        };
        let technique = stored_enum::<CalculationType>(
            "distribution_keys",
            key.0,
            "calculation_type",
            &technique,
        )?;
        if !compatible(d.billing_mode, technique) {
            return Err(rule(
                "billing_mode",
                "a CONSOMMATION_MESUREE key needs RELEVE_DIRECT or PROVISION billing, never FORFAIT",
            ));
        }
    }
    if charge.changes_amounts() {
        let today = charge.updated_at.date_naive();
        let frozen: Option<(String, NaiveDate)> = sqlx::query_as(
            "SELECT reason, end_date FROM freeze_periods WHERE tenant_id = $1 \
             AND start_date <= $5 AND end_date >= $5 \
             AND ((scope = 'LEASE' AND scope_id = $2) OR (scope = 'ESTATE' AND scope_id = $3) \
               OR (scope = 'PLACE' AND scope_id = $4)) \
             ORDER BY end_date DESC LIMIT 1",
        )
        .bind(tenant.as_uuid())
        .bind(charge.lease_id.0)
        .bind(estate.0)
        .bind(place.map(|p| p.0))
        .bind(today)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_error)?;
        if let Some((reason, until)) = frozen {
            return Err(conflict(
                ErrorCode::ChargesFrozen,
                format!("the lease's charges are frozen until {until}: {reason}"),
            ));
        }
    }
    Ok(d)
}

/// `$3` to `$10`, in the order both writes take them.
fn bind_charge<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    d: &'q LeaseChargeData,
    updated_at: DateTime<Utc>,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(d.service_id.map(|s| s.0))
        .bind(d.category_id.map(|c| c.0))
        .bind(d.billing_mode.as_str())
        .bind(d.distribution_key_id.map(|k| k.0))
        .bind(d.monthly_amount)
        .bind(d.meter_id.map(|m| m.0))
        .bind(d.active)
        .bind(updated_at)
}

table_repository!(PgLeaseCharges: LeaseCharge, ChargeRow, ChargeFilters, TABLE, own delete);

async fn insert(w: Write<'_>, c: &LeaseCharge) -> Result<LeaseCharge, RepoError> {
    let tenant = w.tenant;
    w.run(async |tx| {
        let data = prepare(&mut *tx, tenant, c).await?;
        let q = sqlx::query(
            "INSERT INTO lease_charges (tenant_id, id, service_id, category_id, billing_mode, \
             distribution_key_id, monthly_amount, meter_id, active, updated_at, lease_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0);
        bind_charge(q, &data, c.updated_at)
            .bind(c.lease_id.0)
            .bind(c.created_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok(LeaseCharge {
            data,
            previous: None,
            ..c.clone()
        })
    })
    .await
}

async fn update(w: Write<'_>, c: &LeaseCharge) -> Result<Option<LeaseCharge>, RepoError> {
    let tenant = w.tenant;
    w.changed(async |tx| {
        let data = prepare(&mut *tx, tenant, c).await?;
        let q = sqlx::query(
            "UPDATE lease_charges SET service_id = $3, category_id = $4, billing_mode = $5, \
             distribution_key_id = $6, monthly_amount = $7, meter_id = $8, active = $9, \
             updated_at = $10 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0);
        let done = bind_charge(q, &data, c.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| LeaseCharge {
            data,
            previous: None,
            ..c.clone()
        }))
    })
    .await
}

async fn delete(w: Write<'_>, id: Uuid) -> Result<bool, RepoError> {
    let tenant = w.tenant;
    w.done(async |tx| {
        let lease: Option<Uuid> = find_scalar_in(
            &mut *tx,
            "SELECT l.id FROM lease_charges c JOIN leases l \
               ON l.tenant_id = c.tenant_id AND l.id = c.lease_id \
             WHERE c.tenant_id = $1 AND c.id = $2 FOR SHARE OF l",
            tenant,
            id,
        )
        .await?;
        let Some(lease) = lease else {
            return Ok(false);
        };
        crate::signatures::refuse_while_signing(&mut *tx, tenant, lease, "its charges").await?;
        delete_in(tx, tenant, TABLE, id).await
    })
    .await
}
