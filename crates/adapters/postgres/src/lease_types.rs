//! Lease types in PostgreSQL.

use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_leases::{AnnexCode, LeaseType, LeaseTypeData, LeaseTypeId};
use faireplace_ports::{ListQuery, RepoError};
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{ListFilter, Write, push_eq, push_search, table_repository};
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
        push_eq(qb, "furnished", query.filter.furnished);
        push_eq(qb, "code", query.filter.code.clone());
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

table_repository!(PgLeaseTypes: LeaseType, LeaseTypeRow, LeaseTypeFilters, "lease_types", own delete);

async fn insert(w: Write<'_>, t: &LeaseType) -> Result<LeaseType, RepoError> {
    let d = &t.data;
    let q = sqlx::query(
        "INSERT INTO lease_types (tenant_id, id, code, name, furnished, default_duration_months, \
         min_duration_months, max_duration_months, max_deposit_months, lessee_notice_months, \
         lessee_reduced_notice_months, owner_notice_months, renewable, rent_revision_allowed, \
         mandatory_annexes, is_system, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, false, $16, $17)",
    )
    .bind(w.tenant.as_uuid())
    .bind(t.id.0);
    let q = bind_data(q, d).bind(t.created_at).bind(t.updated_at);
    w.one(q).await?;
    Ok(t.clone())
}

/// System types are never changed (the use case refuses it first; storage agrees).
async fn update(w: Write<'_>, t: &LeaseType) -> Result<Option<LeaseType>, RepoError> {
    let d = &t.data;
    let q = sqlx::query(
        "UPDATE lease_types SET code = $3, name = $4, furnished = $5, default_duration_months = $6, \
         min_duration_months = $7, max_duration_months = $8, max_deposit_months = $9, \
         lessee_notice_months = $10, lessee_reduced_notice_months = $11, owner_notice_months = $12, \
         renewable = $13, rent_revision_allowed = $14, mandatory_annexes = $15, updated_at = $16 \
         WHERE tenant_id = $1 AND id = $2 AND NOT is_system",
    )
    .bind(w.tenant.as_uuid())
    .bind(t.id.0);
    let q = bind_data(q, d).bind(t.updated_at);
    Ok(w.one(q).await?.then(|| t.clone()))
}

async fn delete(w: Write<'_>, id: Uuid) -> Result<bool, RepoError> {
    let q =
        sqlx::query("DELETE FROM lease_types WHERE tenant_id = $1 AND id = $2 AND NOT is_system")
            .bind(w.tenant.as_uuid())
            .bind(id);
    w.delete_query(q).await
}
