//! Distribution references in PostgreSQL: at most one value per estate, kind and day (an
//! exclusion constraint), a conflict otherwise.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    DistributionReference, DistributionReferenceData, DistributionReferenceId, ReferenceKind,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::{ListQuery, RepoError, Repository};
use faireplace_property::EstateId;
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    HasTotal, ListFilter, ListSource, deleted_one, fetch_by_id, list_page, stored_enum,
};
use crate::error::map_error;

const TABLE: &str = "distribution_references";

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

impl TryFrom<ReferenceRow> for DistributionReference {
    type Error = RepoError;
    fn try_from(r: ReferenceRow) -> Result<Self, RepoError> {
        Ok(DistributionReference {
            id: DistributionReferenceId(r.id),
            data: DistributionReferenceData {
                estate_id: EstateId(r.estate_id),
                kind: stored_enum::<ReferenceKind>(TABLE, r.id, "kind", &r.kind)?,
                value: r.value.normalize(),
                valid_from: r.valid_from,
                valid_to: r.valid_to,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct ReferenceFilters;

impl ListFilter<DistributionReference> for ReferenceFilters {
    fn push(query: &ListQuery<DistributionReference>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(e) = query.filter.estate_id {
            qb.push(" AND estate_id = ");
            qb.push_bind(e.0);
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
    q.bind(d.estate_id.0)
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
        row.map(DistributionReference::try_from).transpose()
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<DistributionReference>,
    ) -> Result<Page<DistributionReference>, RepoError> {
        list_page::<DistributionReference, ReferenceRow, ReferenceFilters>(
            &self.0,
            tenant,
            &ListSource::table(TABLE),
            query,
            DistributionReference::try_from,
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
