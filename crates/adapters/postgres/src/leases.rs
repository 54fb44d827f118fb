//! Leases in PostgreSQL: the lease row, its co-lessees and guarantors, its rent history, and
//! the status of its estate, written together in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::TenantId;
use faireplace_kernel::values::Text;
use faireplace_leases::{
    Lease, LeaseData, LeaseId, LeaseStatus, LeaseTypeId, Quarter, RentChange, RentChangeReason,
    RentHistoryEntry,
};
use faireplace_parties::{ContactId, LesseeId};
use faireplace_ports::leases::{AppliedRevision, LeaseStore};
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::EstateId;
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    ListFilter, ListSource, Lock, Write, delete_in, find_in, like_pattern, push_eq, read_source,
    table_repository, value_in,
};
use crate::error::{conflict, map_error, missing, rule};
use crate::stored::Stored;

/// The co-lessees and guarantors of a lease, in order, over the alias `{alias}`.
macro_rules! parties_of {
    ($alias:literal) => {
        concat!(
            "ARRAY(SELECT ll.lessee_id FROM lease_lessees ll WHERE ll.tenant_id = ",
            $alias,
            ".tenant_id AND ll.lease_id = ",
            $alias,
            ".id ORDER BY ll.position) AS lessee_ids, \
             ARRAY(SELECT lg.contact_id FROM lease_guarantors lg WHERE lg.tenant_id = ",
            $alias,
            ".tenant_id AND lg.lease_id = ",
            $alias,
            ".id ORDER BY lg.position) AS guarantor_ids"
        )
    };
}

/// Leases with their parties, as one relation.
const SOURCE: &str = concat!(
    "(SELECT l.*, ",
    parties_of!("l"),
    " FROM leases l) AS leases"
);

/// A page of leases: the parties are gathered for the rows of the page only.
const LIST: ListSource = ListSource {
    table: "leases",
    columns: concat!(", ", parties_of!("page")),
    joins: "",
};

const OVERLAP: &str = "another lease awaiting signature, active or under notice holds this estate for some of these dates";

/// Leases in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgLeases(pub Db);

#[derive(sqlx::FromRow)]
struct LeaseRow {
    id: Uuid,
    estate_id: Uuid,
    lease_type_id: Uuid,
    lessee_ids: Vec<Uuid>,
    guarantor_ids: Vec<Uuid>,
    start_date: NaiveDate,
    end_date: NaiveDate,
    rent_amount: Decimal,
    charges_amount: Decimal,
    charges_mode: String,
    payment_day: i16,
    deposit_amount: Decimal,
    has_revision_clause: bool,
    irl_reference_quarter: Option<String>,
    revision_date: Option<NaiveDate>,
    in_zone_tendue: bool,
    special_clauses: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<LeaseRow> for Lease {
    type Error = RepoError;
    fn try_from(r: LeaseRow) -> Result<Self, RepoError> {
        let stored = Stored::row("leases", r.id);
        Ok(Lease {
            id: LeaseId(r.id),
            data: LeaseData {
                estate_id: EstateId(r.estate_id),
                lease_type_id: LeaseTypeId(r.lease_type_id),
                lessee_ids: r.lessee_ids.into_iter().map(LesseeId).collect(),
                guarantor_ids: r.guarantor_ids.into_iter().map(ContactId).collect(),
                start_date: r.start_date,
                end_date: Some(r.end_date),
                rent_amount: r.rent_amount.normalize(),
                charges_amount: r.charges_amount.normalize(),
                charges_mode: stored.name("charges_mode", &r.charges_mode)?,
                payment_day: stored.number("payment_day", r.payment_day)?,
                deposit_amount: r.deposit_amount.normalize(),
                has_revision_clause: Some(r.has_revision_clause),
                irl_reference_quarter: r
                    .irl_reference_quarter
                    .as_deref()
                    .map(|q| stored.parse("irl_reference_quarter", q, str::parse::<Quarter>))
                    .transpose()?,
                revision_date: r.revision_date,
                in_zone_tendue: r.in_zone_tendue,
                special_clauses: r.special_clauses.map(Text::from_trusted),
                status: stored.name("status", &r.status)?,
                change_comment: None,
                change_effective_date: None,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            read_at: None,
            previous_estate: None,
            rent_change: None,
        })
    }
}

struct LeaseFilters;

impl ListFilter<Lease> for LeaseFilters {
    fn push(query: &ListQuery<Lease>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        push_eq(qb, "estate_id", f.estate_id.map(|estate| estate.0));
        push_eq(qb, "lease_type_id", f.lease_type_id.map(|kind| kind.0));
        push_eq(qb, "status", f.status.map(|status| status.as_str()));
        if let Some(lessee) = f.lessee_id {
            qb.push(
                " AND id IN (SELECT ll.lease_id FROM lease_lessees ll \
                 WHERE ll.tenant_id = scope.tenant AND ll.lessee_id = ",
            );
            qb.push_bind(lessee.0);
            qb.push(")");
        }
        // Free text: the co-lessees' names.
        if let Some(term) = query.search.as_deref().filter(|t| !t.trim().is_empty()) {
            let pattern = like_pattern(term);
            qb.push(
                " AND id IN (SELECT ll.lease_id FROM lease_lessees ll JOIN lessees p \
                 ON p.tenant_id = ll.tenant_id AND p.id = ll.lessee_id \
                 WHERE ll.tenant_id = scope.tenant AND (p.last_name ILIKE ",
            );
            qb.push_bind(pattern.clone());
            qb.push(" OR p.first_name ILIKE ");
            qb.push_bind(pattern);
            qb.push("))");
        }
    }
}

pub(crate) fn lease_error(e: sqlx::Error) -> RepoError {
    if let Some(db) = e.as_database_error()
        && db.code().as_deref() == Some("23P01")
    {
        return conflict(ErrorCode::Conflict, OVERLAP.to_owned());
    }
    match map_error(e) {
        RepoError::MissingReference { field } if field == "lessee_id" => missing("lessees"),
        RepoError::MissingReference { field } if field == "contact_id" => missing("guarantor_ids"),
        other => other,
    }
}

/// Locks the estates a write touches, in id order (two writes never wait on each other in a
/// cycle); an estate missing from the tenant is a missing reference.
pub(crate) async fn lock_estates(
    conn: &mut PgConnection,
    tenant: TenantId,
    target: EstateId,
    previous: Option<EstateId>,
) -> Result<(), RepoError> {
    let mut ids = vec![target.0];
    if let Some(p) = previous.filter(|p| *p != target) {
        ids.push(p.0);
    }
    ids.sort();
    let locked: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM estates WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE",
    )
    .bind(tenant.as_uuid())
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_error)?;
    if !locked.contains(&target.0) {
        return Err(missing("estate_id"));
    }
    Ok(())
}

/// Checks the lessees exist and the guarantors are contacts of kind GUARANTOR, in one statement.
async fn check_parties(
    conn: &mut PgConnection,
    tenant: TenantId,
    d: &LeaseData,
) -> Result<(), RepoError> {
    let lessees: Vec<Uuid> = d.lessee_ids.iter().map(|l| l.0).collect();
    let guarantors: Vec<Uuid> = d.guarantor_ids.iter().map(|g| g.0).collect();
    let (found_lessees, found_guarantors): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM lessees WHERE tenant_id = $1 AND id = ANY($2)), \
                (SELECT count(*) FROM contacts WHERE tenant_id = $1 AND id = ANY($3) \
                   AND kind = 'GUARANTOR')",
    )
    .bind(tenant.as_uuid())
    .bind(&lessees)
    .bind(&guarantors)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_error)?;
    if found_lessees != lessees.len() as i64 {
        return Err(missing("lessees"));
    }
    if found_guarantors != guarantors.len() as i64 {
        return Err(rule(
            "guarantor_ids",
            "each guarantor must be an existing contact of kind GUARANTOR",
        ));
    }
    Ok(())
}

/// Writes the lease's co-lessees and guarantors (replacing any it had).
async fn write_parties(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: &Lease,
    replace: bool,
) -> Result<(), RepoError> {
    if replace {
        sqlx::query(
            "WITH a AS (DELETE FROM lease_lessees WHERE tenant_id = $1 AND lease_id = $2) \
             DELETE FROM lease_guarantors WHERE tenant_id = $1 AND lease_id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(lease.id.0)
        .execute(&mut *conn)
        .await
        .map_err(lease_error)?;
    }
    let lessees: Vec<Uuid> = lease.data.lessee_ids.iter().map(|l| l.0).collect();
    let guarantors: Vec<Uuid> = lease.data.guarantor_ids.iter().map(|g| g.0).collect();
    sqlx::query(
        "WITH a AS (INSERT INTO lease_lessees (tenant_id, lease_id, lessee_id, position) \
           SELECT $1, $2, l, n FROM unnest($3::uuid[]) WITH ORDINALITY AS t (l, n)) \
         INSERT INTO lease_guarantors (tenant_id, lease_id, contact_id, position) \
           SELECT $1, $2, g, n FROM unnest($4::uuid[]) WITH ORDINALITY AS t (g, n)",
    )
    .bind(tenant.as_uuid())
    .bind(lease.id.0)
    .bind(&lessees)
    .bind(&guarantors)
    .execute(&mut *conn)
    .await
    .map_err(lease_error)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn write_history(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: LeaseId,
    change: &RentChange,
    revision: Option<&AppliedRevision>,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    if change.reason == RentChangeReason::Initial {
        // Before the lease is in force, its initial amounts are rewritten, not added to.
        sqlx::query(
            "DELETE FROM lease_rent_history WHERE tenant_id = $1 AND lease_id = $2 \
             AND reason = 'INITIAL'",
        )
        .bind(tenant.as_uuid())
        .bind(lease.0)
        .execute(&mut *conn)
        .await
        .map_err(map_error)?;
    }
    sqlx::query(
        "INSERT INTO lease_rent_history (tenant_id, id, lease_id, reason, comment, rent_amount, \
         charges_amount, previous_rent_amount, previous_charges_amount, effective_date, \
         revision_date, index_quarter, index_value, reference_value, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(tenant.as_uuid())
    .bind(Uuid::now_v7())
    .bind(lease.0)
    .bind(change.reason.as_str())
    .bind(change.comment.as_ref().map(Text::as_str))
    .bind(change.rent_amount)
    .bind(change.charges_amount)
    .bind(change.previous_rent_amount)
    .bind(change.previous_charges_amount)
    .bind(change.effective_date)
    .bind(revision.map(|r| r.revision_date))
    .bind(revision.map(|r| r.index_quarter.to_string()))
    .bind(revision.map(|r| r.index_value))
    .bind(revision.map(|r| r.reference_value))
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(|e| match map_error(e) {
        RepoError::Duplicate { .. } => conflict(
            ErrorCode::AlreadyRevised,
            "this revision date has been revised already",
        ),
        other => other,
    })?;
    Ok(())
}

/// The estates' status follows their leases: OCCUPIED while one is active or under notice,
/// back to VACANT after (UNAVAILABLE, set by a client, stays).
pub(crate) async fn follow_leases(
    conn: &mut PgConnection,
    tenant: TenantId,
    estates: &[Uuid],
) -> Result<(), RepoError> {
    sqlx::query(
        "UPDATE estates e SET status = CASE \
           WHEN EXISTS (SELECT 1 FROM leases l WHERE l.tenant_id = e.tenant_id \
             AND l.estate_id = e.id AND l.status IN ('ACTIVE', 'NOTICE_GIVEN')) THEN 'OCCUPIED' \
           WHEN e.status = 'OCCUPIED' THEN 'VACANT' ELSE e.status END \
         WHERE e.tenant_id = $1 AND e.id = ANY($2)",
    )
    .bind(tenant.as_uuid())
    .bind(estates)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

async fn read(conn: &mut PgConnection, tenant: TenantId, id: LeaseId) -> Result<Lease, RepoError> {
    let row: Option<LeaseRow> = read_source(&mut *conn, SOURCE, tenant, id.0)
        .await
        .map_err(map_error)?;
    row.map(Lease::try_from)
        .ok_or_else(|| RepoError::Unknown("lease vanished while written".into()))?
}

/// The lease's own columns, `$3` to `$19`, in the order both writes take them.
fn bind_lease<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    l: &'q Lease,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &l.data;
    q.bind(d.estate_id.0)
        .bind(d.lease_type_id.0)
        .bind(d.start_date)
        .bind(l.end_date())
        .bind(d.rent_amount)
        .bind(d.charges_amount)
        .bind(d.charges_mode.as_str())
        .bind(d.payment_day as i16)
        .bind(d.deposit_amount)
        .bind(l.has_revision_clause())
        .bind(d.irl_reference_quarter.map(|q| q.to_string()))
        .bind(d.revision_date)
        .bind(d.in_zone_tendue)
        .bind(d.special_clauses.as_ref().map(Text::as_str))
        .bind(d.status.as_str())
        .bind(l.created_at)
        .bind(l.updated_at)
}

table_repository!(PgLeases: Lease, LeaseRow, LeaseFilters, "leases", read SOURCE, list LIST, own delete);

async fn insert(w: Write<'_>, l: &Lease) -> Result<Lease, RepoError> {
    let tenant = w.tenant;
    w.run(async |tx| {
        lock_estates(&mut *tx, tenant, l.data.estate_id, None).await?;
        check_parties(&mut *tx, tenant, &l.data).await?;
        let q = sqlx::query(
            "INSERT INTO leases (tenant_id, id, estate_id, lease_type_id, start_date, end_date, \
             rent_amount, charges_amount, charges_mode, payment_day, deposit_amount, \
             has_revision_clause, irl_reference_quarter, revision_date, in_zone_tendue, \
             special_clauses, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19)",
        )
        .bind(tenant.as_uuid())
        .bind(l.id.0);
        bind_lease(q, l)
            .execute(&mut *tx)
            .await
            .map_err(lease_error)?;
        write_parties(&mut *tx, tenant, l, false).await?;
        if let Some(change) = &l.rent_change {
            write_history(&mut *tx, tenant, l.id, change, None, l.created_at).await?;
        }
        follow_leases(&mut *tx, tenant, &[l.data.estate_id.0]).await?;
        let stored = read(&mut *tx, tenant, l.id).await?;
        Ok(stored)
    })
    .await
}

/// Saves the lease if nobody changed it since it was read (`read_at`); a change made
/// meanwhile is a conflict, never silently overwritten.
async fn update(w: Write<'_>, l: &Lease) -> Result<Option<Lease>, RepoError> {
    let tenant = w.tenant;
    w.changed(async |tx| {
        lock_estates(&mut *tx, tenant, l.data.estate_id, l.previous_estate).await?;
        // The document under signature was made from the lease as it is: it stays so until the
        // process ends (cancel it to change the lease).
        if crate::signatures::signing(&mut *tx, tenant, l.id).await? {
            return Err(conflict(
                ErrorCode::SignatureInProgress,
                "the lease is out for signature: cancel the signature to change it",
            ));
        }
        check_parties(&mut *tx, tenant, &l.data).await?;
        let q = sqlx::query(
            "UPDATE leases SET estate_id = $3, lease_type_id = $4, start_date = $5, end_date = $6, \
             rent_amount = $7, charges_amount = $8, charges_mode = $9, payment_day = $10, \
             deposit_amount = $11, has_revision_clause = $12, irl_reference_quarter = $13, \
             revision_date = $14, in_zone_tendue = $15, special_clauses = $16, status = $17, \
             created_at = $18, updated_at = $19 \
             WHERE tenant_id = $1 AND id = $2 AND ($20::timestamptz IS NULL OR updated_at = $20)",
        )
        .bind(tenant.as_uuid())
        .bind(l.id.0);
        let done = bind_lease(q, l)
            .bind(l.read_at)
            .execute(&mut *tx)
            .await
            .map_err(lease_error)?;
        if done.rows_affected() == 0 {
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM leases WHERE tenant_id = $1 AND id = $2)",
            )
            .bind(tenant.as_uuid())
            .bind(l.id.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_error)?;
            return if exists {
                Err(conflict(
                    ErrorCode::Conflict,
                    "the lease changed since it was read; read it again and retry",
                ))
            } else {
                Ok(None)
            };
        }
        write_parties(&mut *tx, tenant, l, true).await?;
        if let Some(change) = &l.rent_change {
            write_history(&mut *tx, tenant, l.id, change, None, l.updated_at).await?;
        }
        let mut estates = vec![l.data.estate_id.0];
        estates.extend(l.previous_estate.map(|e| e.0));
        follow_leases(&mut *tx, tenant, &estates).await?;
        let stored = read(&mut *tx, tenant, l.id).await?;
        Ok(Some(stored))
    })
    .await
}

/// Only a draft is deleted: a lease that was ever sent for signature is a record.
async fn delete(w: Write<'_>, id: Uuid) -> Result<bool, RepoError> {
    let tenant = w.tenant;
    w.done(async |tx| {
        let status: Option<String> =
            value_in(&mut *tx, tenant, "leases", "status", id, Lock::ForUpdate).await?;
        let Some(status) = status else {
            return Ok(false);
        };
        match Stored::row("leases", id).name::<LeaseStatus>("status", &status)? {
            LeaseStatus::Draft => {}
            other => {
                return Err(conflict(
                    ErrorCode::Conflict,
                    format!("a {other} lease cannot be deleted; only a DRAFT can"),
                ));
            }
        }
        delete_in(&mut *tx, tenant, "leases", id).await?;
        Ok(true)
    })
    .await
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: Uuid,
    lease_id: Uuid,
    reason: String,
    comment: Option<String>,
    rent_amount: Decimal,
    charges_amount: Decimal,
    previous_rent_amount: Option<Decimal>,
    previous_charges_amount: Option<Decimal>,
    effective_date: NaiveDate,
    revision_date: Option<NaiveDate>,
    created_at: DateTime<Utc>,
}

impl TryFrom<HistoryRow> for RentHistoryEntry {
    type Error = RepoError;
    fn try_from(r: HistoryRow) -> Result<Self, RepoError> {
        let stored = Stored::row("lease_rent_history", r.id);
        Ok(RentHistoryEntry {
            id: r.id,
            lease_id: LeaseId(r.lease_id),
            change: RentChange {
                reason: stored.name("reason", &r.reason)?,
                comment: r.comment.map(Text::from_trusted),
                rent_amount: r.rent_amount.normalize(),
                charges_amount: r.charges_amount.normalize(),
                previous_rent_amount: r.previous_rent_amount.map(|d| d.normalize()),
                previous_charges_amount: r.previous_charges_amount.map(|d| d.normalize()),
                effective_date: r.effective_date,
            },
            revision_date: r.revision_date,
            created_at: r.created_at,
        })
    }
}

#[async_trait]
impl LeaseStore for PgLeases {
    async fn rent_history(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Vec<RentHistoryEntry>, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let rows: Result<Vec<HistoryRow>, _> =
            sqlx::query_as(sqlx::AssertSqlSafe(crate::common::scoped(
                "SELECT id, lease_id, reason, comment, rent_amount, charges_amount, \
                 previous_rent_amount, previous_charges_amount, effective_date, revision_date, \
                 created_at FROM lease_rent_history WHERE tenant_id = scope.tenant AND lease_id = $2 \
                 ORDER BY effective_date, created_at, id",
            )))
            .bind(tenant.as_uuid().to_string())
            .bind(lease.0)
            .fetch_all(lent.conn())
            .await;
        let rows = lent.finish(rows)?;
        rows.into_iter().map(RentHistoryEntry::try_from).collect()
    }

    async fn apply_revision(
        &self,
        tenant: TenantId,
        r: &AppliedRevision,
    ) -> Result<Option<Lease>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let current: Option<(Decimal, Decimal, DateTime<Utc>)> = find_in(
            &mut tx,
            "SELECT rent_amount, charges_amount, updated_at FROM leases \
             WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
            tenant,
            r.lease_id.0,
        )
        .await?;
        let Some((rent, charges, updated_at)) = current else {
            return Ok(None);
        };
        // The decision was made on the lease as read: any change since (its rent, status,
        // clause, quarter) voids it.
        if rent != r.current_rent || updated_at != r.read_at {
            return Err(RepoError::Conflict {
                code: ErrorCode::Conflict,
                message: "the lease changed since the revision was computed; preview it again"
                    .into(),
            });
        }
        let change = RentChange {
            reason: RentChangeReason::IndexRevision,
            comment: Some(Text::from_trusted(format!(
                "IRL {} / {}",
                r.index_quarter,
                r.index_quarter.year_before()
            ))),
            rent_amount: r.new_rent,
            charges_amount: charges,
            previous_rent_amount: Some(rent),
            previous_charges_amount: Some(charges),
            effective_date: r.effective_date,
        };
        write_history(&mut tx, tenant, r.lease_id, &change, Some(r), r.at).await?;
        sqlx::query(
            "UPDATE leases SET rent_amount = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(r.lease_id.0)
        .bind(r.new_rent)
        .bind(r.at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        let stored = read(&mut tx, tenant, r.lease_id).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(Some(stored))
    }
}
