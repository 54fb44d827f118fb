//! Diagnostics of an estate (lead, asbestos, electricity…): one active per type, a new one
//! deactivating the previous one in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{Diagnostic, DiagnosticData, DiagnosticId, EstateId};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::{corrupt, stored};
use crate::Db;
use crate::common::{
    ListFilter, Lock, Write, push_eq, read_item, s, table_repository, text, value_in,
};
use crate::error::{map_error, missing};

const TABLE: &str = "estate_diagnostics";

/// Diagnostics in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgDiagnostics(pub Db);

#[derive(sqlx::FromRow)]
struct DiagnosticRow {
    id: Uuid,
    estate_id: Uuid,
    #[sqlx(rename = "type")]
    diagnostic_type: String,
    performed_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    lead_found: Option<bool>,
    media_id: Option<Uuid>,
    notes: Option<String>,
    is_active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DiagnosticRow> for Diagnostic {
    type Error = RepoError;

    fn try_from(r: DiagnosticRow) -> Result<Self, RepoError> {
        Ok(Diagnostic {
            id: DiagnosticId(r.id),
            estate_id: EstateId(r.estate_id),
            data: DiagnosticData {
                diagnostic_type: stored("type", r.diagnostic_type).map_err(corrupt(TABLE, r.id))?,
                performed_on: r.performed_on,
                valid_until: r.valid_until,
                lead_found: r.lead_found,
                media_id: r.media_id,
                notes: text(r.notes),
                is_active: r.is_active,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct DiagnosticFilters;

impl ListFilter<Diagnostic> for DiagnosticFilters {
    fn push(query: &ListQuery<Diagnostic>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        qb.push(" AND estate_id = ");
        qb.push_bind(f.estate_id.0);
        push_eq(qb, "is_active", f.active);
        push_eq(qb, "type", f.diagnostic_type.map(|t| t.as_str()));
    }
}

table_repository!(PgDiagnostics: Diagnostic, DiagnosticRow, DiagnosticFilters, TABLE);

/// Replaces the active diagnostic of the same type in one transaction. The estate row is
/// locked first, so concurrent creations for one estate take turns and exactly one stays
/// active.
async fn insert(w: Write<'_>, d: &Diagnostic) -> Result<Diagnostic, RepoError> {
    w.run(async |tx| {
        let locked: Option<Uuid> =
            value_in(&mut *tx, w.tenant, "estates", "id", d.estate_id.0, Lock::ForUpdate).await?;
        if locked.is_none() {
            return Err(missing("estate_id"));
        }
        sqlx::query(
            "UPDATE estate_diagnostics SET is_active = false, updated_at = $4 \
             WHERE tenant_id = $1 AND estate_id = $2 AND type = $3 AND is_active",
        )
        .bind(w.tenant.as_uuid())
        .bind(d.estate_id.0)
        .bind(d.data.diagnostic_type.as_str())
        .bind(d.created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        let x = &d.data;
        sqlx::query(
            "INSERT INTO estate_diagnostics (tenant_id, id, estate_id, type, performed_on, valid_until, \
             lead_found, media_id, notes, is_active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)",
        )
        .bind(w.tenant.as_uuid())
        .bind(d.id.0)
        .bind(d.estate_id.0)
        .bind(x.diagnostic_type.as_str())
        .bind(x.performed_on)
        .bind(x.valid_until)
        .bind(x.lead_found)
        .bind(x.media_id)
        .bind(s(&x.notes))
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        let mut stored = d.clone();
        stored.data.is_active = true;
        Ok(stored)
    })
    .await
}

/// Changes the dates, document and notes; the type and whether it is active stay.
async fn update(w: Write<'_>, d: &Diagnostic) -> Result<Option<Diagnostic>, RepoError> {
    let tenant = w.tenant;
    let x = &d.data;
    let q = sqlx::query(
        "UPDATE estate_diagnostics SET performed_on = $3, valid_until = $4, lead_found = $5, \
         media_id = $6, notes = $7, updated_at = $8 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.as_uuid())
    .bind(d.id.0)
    .bind(x.performed_on)
    .bind(x.valid_until)
    .bind(x.lead_found)
    .bind(x.media_id)
    .bind(s(&x.notes))
    .bind(d.updated_at);
    if w.one(q).await? {
        read_item::<DiagnosticRow, _>(w.db, TABLE, tenant, d.id.0).await
    } else {
        Ok(None)
    }
}
