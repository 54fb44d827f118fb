//! Lease types in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, TenantId};
use faireplace_leases::{AnnexCode, LeaseType, LeaseTypeData, LeaseTypeId};
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Repository};
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    ListFilter, ListSource, affected_one, deleted_one, fetch_by_id, list_page, push_search,
};
use crate::stored::Stored;

/// Lease types in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgLeaseTypes(pub Db);

#[derive(sqlx::FromRow)]
struct LeaseTypeRow {
    id: Uuid,
    code: String,
    name: String,
    furnished: bool,
    default_duration_months: i32,
    min_duration_months: i32,
    max_duration_months: Option<i32>,
    max_deposit_months: Option<Decimal>,
    lessee_notice_months: i32,
    lessee_reduced_notice_months: Option<i32>,
    owner_notice_months: i32,
    renewable: bool,
    rent_revision_allowed: bool,
    mandatory_annexes: Vec<String>,
    is_system: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<LeaseTypeRow> for LeaseType {
    type Error = RepoError;
    fn try_from(r: LeaseTypeRow) -> Result<Self, RepoError> {
        let stored = Stored::row("lease_types", r.id);
        Ok(LeaseType {
            id: LeaseTypeId(r.id),
            data: LeaseTypeData {
                code: r.code,
                name: Text::from_trusted(r.name),
                furnished: r.furnished,
                default_duration_months: r.default_duration_months,
                min_duration_months: r.min_duration_months,
                max_duration_months: r.max_duration_months,
                max_deposit_months: r.max_deposit_months.map(|d| d.normalize()),
                lessee_notice_months: r.lessee_notice_months,
                lessee_reduced_notice_months: r.lessee_reduced_notice_months,
                owner_notice_months: r.owner_notice_months,
                renewable: r.renewable,
                rent_revision_allowed: r.rent_revision_allowed,
                mandatory_annexes: stored.names("mandatory_annexes", &r.mandatory_annexes)?,
            },
            is_system: r.is_system,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct LeaseTypeFilters;

impl ListFilter<LeaseType> for LeaseTypeFilters {
    fn push(query: &ListQuery<LeaseType>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(furnished) = query.filter.furnished {
            qb.push(" AND furnished = ");
            qb.push_bind(furnished);
        }
        push_search(query.search.as_deref(), &["name", "code"], qb);
    }
}

fn annexes(d: &LeaseTypeData) -> Vec<&'static str> {
    d.mandatory_annexes.iter().map(AnnexCode::as_str).collect()
}

/// The type's fields, in the order both statements take them ($3 to $15).
fn bind_data<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    d: &'q LeaseTypeData,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(&d.code)
        .bind(d.name.as_str())
        .bind(d.furnished)
        .bind(d.default_duration_months)
        .bind(d.min_duration_months)
        .bind(d.max_duration_months)
        .bind(d.max_deposit_months)
        .bind(d.lessee_notice_months)
        .bind(d.lessee_reduced_notice_months)
        .bind(d.owner_notice_months)
        .bind(d.renewable)
        .bind(d.rent_revision_allowed)
        .bind(annexes(d))
}

#[async_trait]
impl Repository<LeaseType> for PgLeaseTypes {
    async fn insert(
        &self,
        tenant: TenantId,
        t: &LeaseType,
        journal: &Journal,
    ) -> Result<LeaseType, RepoError> {
        let d = &t.data;
        let q = sqlx::query(
            "INSERT INTO lease_types (tenant_id, id, code, name, furnished, default_duration_months, \
             min_duration_months, max_duration_months, max_deposit_months, lessee_notice_months, \
             lessee_reduced_notice_months, owner_notice_months, renewable, rent_revision_allowed, \
             mandatory_annexes, is_system, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, false, $16, $17)",
        )
        .bind(tenant.as_uuid())
        .bind(t.id.0);
        let q = bind_data(q, d).bind(t.created_at).bind(t.updated_at);
        affected_one(&self.0, tenant, q, journal).await?;
        Ok(t.clone())
    }

    async fn get(&self, tenant: TenantId, id: LeaseTypeId) -> Result<Option<LeaseType>, RepoError> {
        let row: Option<LeaseTypeRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM lease_types WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        row.map(LeaseType::try_from).transpose()
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<LeaseType>,
    ) -> Result<Page<LeaseType>, RepoError> {
        list_page::<LeaseType, LeaseTypeRow, LeaseTypeFilters>(
            &self.0,
            tenant,
            &ListSource::table("lease_types"),
            query,
            LeaseType::try_from,
        )
        .await
    }

    /// System types are never changed (the use case refuses it first; storage agrees).
    async fn update(
        &self,
        tenant: TenantId,
        t: &LeaseType,
        journal: &Journal,
    ) -> Result<Option<LeaseType>, RepoError> {
        let d = &t.data;
        let q = sqlx::query(
            "UPDATE lease_types SET code = $3, name = $4, furnished = $5, default_duration_months = $6, \
             min_duration_months = $7, max_duration_months = $8, max_deposit_months = $9, \
             lessee_notice_months = $10, lessee_reduced_notice_months = $11, owner_notice_months = $12, \
             renewable = $13, rent_revision_allowed = $14, mandatory_annexes = $15, updated_at = $16 \
             WHERE tenant_id = $1 AND id = $2 AND NOT is_system",
        )
        .bind(tenant.as_uuid())
        .bind(t.id.0);
        let q = bind_data(q, d).bind(t.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| t.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: LeaseTypeId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query(
            "DELETE FROM lease_types WHERE tenant_id = $1 AND id = $2 AND NOT is_system",
        )
        .bind(tenant.as_uuid())
        .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}
