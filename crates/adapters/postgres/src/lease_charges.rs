//! Lease charges and freeze periods in PostgreSQL. A charge is written in one transaction with
//! the checks that read other rows: the service's place and defaults, the key's technique, and
//! the freeze periods in force.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    BillingMode, CalculationType, FreezePeriod, FreezePeriodData, FreezePeriodId, FreezeScope,
    LeaseCharge, LeaseChargeData, LeaseChargeId, compatible,
};
use faireplace_charges::{
    DistributionReference, DistributionReferenceData, DistributionReferenceId, ReferenceKind,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Repository};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{HasTotal, ListFilter, ListSource, deleted_one, fetch_by_id, list_page, s};
use crate::error::map_error;

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
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for ChargeRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<ChargeRow> for LeaseCharge {
    fn from(r: ChargeRow) -> Self {
        LeaseCharge {
            id: LeaseChargeId(r.id),
            lease_id: r.lease_id,
            data: LeaseChargeData {
                service_id: r.service_id,
                category_id: Some(r.category_id),
                billing_mode: BillingMode::parse(&r.billing_mode).unwrap_or(BillingMode::Provision),
                distribution_key_id: r.distribution_key_id,
                monthly_amount: r.monthly_amount.normalize(),
                meter_id: r.meter_id,
                active: r.active,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            previous: None,
        }
    }
}

struct ChargeFilters;

impl ListFilter<LeaseCharge> for ChargeFilters {
    fn push(query: &ListQuery<LeaseCharge>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(lease) = query.filter.lease_id {
            qb.push(" AND lease_id = ");
            qb.push_bind(lease);
        }
        if let Some(active) = query.filter.active {
            qb.push(" AND active = ");
            qb.push_bind(active);
        }
    }
}

fn rule(field: &str, message: impl Into<String>) -> RepoError {
    RepoError::Rule {
        field: field.to_owned(),
        message: message.into(),
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
    let lease: Option<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT l.estate_id, e.place_id FROM leases l \
         JOIN estates e ON e.tenant_id = l.tenant_id AND e.id = l.estate_id \
         WHERE l.tenant_id = $1 AND l.id = $2 FOR SHARE OF l",
    )
    .bind(tenant.as_uuid())
    .bind(charge.lease_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    let Some((estate, place)) = lease else {
        return Err(RepoError::MissingReference {
            field: "lease_id".into(),
        });
    };
    // The lease's row, shared, orders this with the start of a signature (which takes it).
    crate::signatures::refuse_while_signing(conn, tenant, charge.lease_id, "its charges").await?;
    if let Some(service) = d.service_id {
        let (service_place, category, key) =
            crate::charges::service_defaults(conn, tenant, service).await?;
        if Some(service_place) != place {
            return Err(rule(
                "service_id",
                "is a service of another place than the lease's estate",
            ));
        }
        d.category_id = d.category_id.or(category);
        d.distribution_key_id = d.distribution_key_id.or(key);
    }
    if d.category_id.is_none() {
        return Err(rule(
            "category_id",
            "is required: the service is not chargeable and names none",
        ));
    }
    if let Some(key) = d.distribution_key_id {
        let technique: Option<String> = sqlx::query_scalar(
            "SELECT calculation_type FROM distribution_keys WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_error)?;
        let Some(technique) = technique.and_then(|t| CalculationType::parse(&t).ok()) else {
            return Err(RepoError::MissingReference {
                field: "distribution_key_id".into(),
            });
        };
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
        .bind(charge.lease_id)
        .bind(estate)
        .bind(place)
        .bind(today)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_error)?;
        if let Some((reason, until)) = frozen {
            return Err(RepoError::Conflict {
                code: ErrorCode::ChargesFrozen,
                message: format!("the lease's charges are frozen until {until}: {reason}"),
            });
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
    q.bind(d.service_id)
        .bind(d.category_id)
        .bind(d.billing_mode.as_str())
        .bind(d.distribution_key_id)
        .bind(d.monthly_amount)
        .bind(d.meter_id)
        .bind(d.active)
        .bind(updated_at)
}

#[async_trait]
impl Repository<LeaseCharge> for PgLeaseCharges {
    async fn insert(
        &self,
        tenant: TenantId,
        c: &LeaseCharge,
        journal: &Journal,
    ) -> Result<LeaseCharge, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let data = prepare(&mut tx, tenant, c).await?;
        let q = sqlx::query(
            "INSERT INTO lease_charges (tenant_id, id, service_id, category_id, billing_mode, \
             distribution_key_id, monthly_amount, meter_id, active, updated_at, lease_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0);
        bind_charge(q, &data, c.updated_at)
            .bind(c.lease_id)
            .bind(c.created_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(LeaseCharge {
            data,
            previous: None,
            ..c.clone()
        })
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: LeaseChargeId,
    ) -> Result<Option<LeaseCharge>, RepoError> {
        let row: Option<ChargeRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM lease_charges WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(LeaseCharge::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<LeaseCharge>,
    ) -> Result<Page<LeaseCharge>, RepoError> {
        list_page::<LeaseCharge, ChargeRow, ChargeFilters>(
            &self.0,
            tenant,
            &ListSource::table("lease_charges"),
            query,
            crate::common::infallible(LeaseCharge::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        c: &LeaseCharge,
        journal: &Journal,
    ) -> Result<Option<LeaseCharge>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let data = prepare(&mut tx, tenant, c).await?;
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
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| LeaseCharge {
            data,
            previous: None,
            ..c.clone()
        }))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: LeaseChargeId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let lease: Option<Uuid> = sqlx::query_scalar(
            "SELECT l.id FROM lease_charges c JOIN leases l \
               ON l.tenant_id = c.tenant_id AND l.id = c.lease_id \
             WHERE c.tenant_id = $1 AND c.id = $2 FOR SHARE OF l",
        )
        .bind(tenant.as_uuid())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        let Some(lease) = lease else {
            return Ok(false);
        };
        crate::signatures::refuse_while_signing(&mut tx, tenant, lease, "its charges").await?;
        let done = sqlx::query("DELETE FROM lease_charges WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(crate::error::map_delete_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(done.rows_affected() == 1)
    }
}

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
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for FreezeRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<FreezeRow> for FreezePeriod {
    fn from(r: FreezeRow) -> Self {
        FreezePeriod {
            id: FreezePeriodId(r.id),
            data: FreezePeriodData {
                scope: FreezeScope::parse(&r.scope).unwrap_or(FreezeScope::Lease),
                scope_id: r.scope_id,
                start_date: r.start_date,
                end_date: r.end_date,
                reason: Text::from_trusted(r.reason),
                legal_reference: r.legal_reference.map(Text::from_trusted),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct FreezeFilters;

impl ListFilter<FreezePeriod> for FreezeFilters {
    fn push(query: &ListQuery<FreezePeriod>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        if let Some(scope) = f.scope {
            qb.push(" AND scope = ");
            qb.push_bind(scope.as_str());
        }
        if let Some(id) = f.scope_id {
            qb.push(" AND scope_id = ");
            qb.push_bind(id);
        }
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
    let table = match d.scope {
        FreezeScope::Place => "places",
        FreezeScope::Estate => "estates",
        FreezeScope::Lease => "leases",
    };
    let exists: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = $1 AND id = $2)"
    )))
    .bind(tenant.as_uuid())
    .bind(d.scope_id)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_error)?;
    if exists {
        Ok(())
    } else {
        Err(RepoError::MissingReference {
            field: "scope_id".into(),
        })
    }
}

fn bind_freeze<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    f: &'q FreezePeriod,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &f.data;
    q.bind(d.scope.as_str())
        .bind(d.scope_id)
        .bind(d.start_date)
        .bind(d.end_date)
        .bind(d.reason.as_str())
        .bind(s(&d.legal_reference))
        .bind(f.updated_at)
}

#[async_trait]
impl Repository<FreezePeriod> for PgFreezePeriods {
    async fn insert(
        &self,
        tenant: TenantId,
        f: &FreezePeriod,
        journal: &Journal,
    ) -> Result<FreezePeriod, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        check_scope(&mut tx, tenant, &f.data).await?;
        let q = sqlx::query(
            "INSERT INTO freeze_periods (tenant_id, id, scope, scope_id, start_date, end_date, \
             reason, legal_reference, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant.as_uuid())
        .bind(f.id.0);
        bind_freeze(q, f)
            .bind(f.created_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(f.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: FreezePeriodId,
    ) -> Result<Option<FreezePeriod>, RepoError> {
        let row: Option<FreezeRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM freeze_periods WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(FreezePeriod::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<FreezePeriod>,
    ) -> Result<Page<FreezePeriod>, RepoError> {
        list_page::<FreezePeriod, FreezeRow, FreezeFilters>(
            &self.0,
            tenant,
            &ListSource::table("freeze_periods"),
            query,
            crate::common::infallible(FreezePeriod::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        f: &FreezePeriod,
        journal: &Journal,
    ) -> Result<Option<FreezePeriod>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        check_scope(&mut tx, tenant, &f.data).await?;
        let q = sqlx::query(
            "UPDATE freeze_periods SET scope = $3, scope_id = $4, start_date = $5, \
             end_date = $6, reason = $7, legal_reference = $8, updated_at = $9 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(f.id.0);
        let done = bind_freeze(q, f)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| f.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: FreezePeriodId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM freeze_periods WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}

/// Distribution references in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgDistributionReferences(pub Db);

#[derive(sqlx::FromRow)]
struct ReferenceRow {
    id: Uuid,
    estate_id: Uuid,
    kind: String,
    value: Decimal,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for ReferenceRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<ReferenceRow> for DistributionReference {
    fn from(r: ReferenceRow) -> Self {
        DistributionReference {
            id: DistributionReferenceId(r.id),
            data: DistributionReferenceData {
                estate_id: r.estate_id,
                kind: ReferenceKind::parse(&r.kind).unwrap_or(ReferenceKind::Tantiemes),
                value: r.value.normalize(),
                valid_from: r.valid_from,
                valid_to: r.valid_to,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct ReferenceFilters;

impl ListFilter<DistributionReference> for ReferenceFilters {
    fn push(query: &ListQuery<DistributionReference>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(e) = query.filter.estate_id {
            qb.push(" AND estate_id = ");
            qb.push_bind(e);
        }
        if let Some(k) = query.filter.kind {
            qb.push(" AND kind = ");
            qb.push_bind(k.as_str());
        }
    }
}

fn reference_error(e: sqlx::Error) -> RepoError {
    if let Some(db) = e.as_database_error()
        && db.code().as_deref() == Some("23P01")
    {
        return RepoError::Conflict {
            code: ErrorCode::Conflict,
            message:
                "another reference of this kind gives the estate a value for some of these days"
                    .into(),
        };
    }
    map_error(e)
}

fn bind_reference<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    r: &'q DistributionReference,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &r.data;
    q.bind(d.estate_id)
        .bind(d.kind.as_str())
        .bind(d.value)
        .bind(d.valid_from)
        .bind(d.valid_to)
        .bind(r.updated_at)
}

#[async_trait]
impl Repository<DistributionReference> for PgDistributionReferences {
    async fn insert(
        &self,
        tenant: TenantId,
        r: &DistributionReference,
        journal: &Journal,
    ) -> Result<DistributionReference, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let q = sqlx::query(
            "INSERT INTO distribution_references (tenant_id, id, estate_id, kind, value, \
             valid_from, valid_to, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant.as_uuid())
        .bind(r.id.0);
        bind_reference(q, r)
            .bind(r.created_at)
            .execute(&mut *tx)
            .await
            .map_err(reference_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(r.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: DistributionReferenceId,
    ) -> Result<Option<DistributionReference>, RepoError> {
        let row: Option<ReferenceRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM distribution_references WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(DistributionReference::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<DistributionReference>,
    ) -> Result<Page<DistributionReference>, RepoError> {
        list_page::<DistributionReference, ReferenceRow, ReferenceFilters>(
            &self.0,
            tenant,
            &ListSource::table("distribution_references"),
            query,
            crate::common::infallible(DistributionReference::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        r: &DistributionReference,
        journal: &Journal,
    ) -> Result<Option<DistributionReference>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let q = sqlx::query(
            "UPDATE distribution_references SET estate_id = $3, kind = $4, value = $5, \
             valid_from = $6, valid_to = $7, updated_at = $8 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(r.id.0);
        let done = bind_reference(q, r)
            .execute(&mut *tx)
            .await
            .map_err(reference_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| r.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: DistributionReferenceId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM distribution_references WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}
