//! Meters, readings and lease–meter links in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::ids::{EstateId, LeaseId, MediaId, PlaceId};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_meters::{
    History, Meter, MeterData, MeterId, MeterSite, Reading, ReadingData, ReadingId, consumption,
    is_anomaly,
};
use faireplace_ports::audit::Journal;
use faireplace_ports::meters::{ConsumptionTotal, LeaseMeter, MeterReadings};
use faireplace_ports::{ListQuery, RepoError};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    ListFilter, Lock, Write, counted_page, find_in, push_eq, row_in, s, scoped, table_repository,
    value_in, window_rows,
};
use crate::error::{map_error, missing, rule};
use crate::stored::Stored;

/// Meters in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgMeters(pub Db);

#[derive(sqlx::FromRow)]
struct MeterRow {
    id: Uuid,
    estate_id: Option<Uuid>,
    place_id: Option<Uuid>,
    parent_meter_id: Option<Uuid>,
    meter_type: String,
    billing_type: String,
    serial_number: Option<String>,
    unit: String,
    max_value: Option<Decimal>,
    location: Option<String>,
    installed_on: Option<NaiveDate>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<MeterRow> for Meter {
    type Error = RepoError;
    fn try_from(r: MeterRow) -> Result<Self, RepoError> {
        let stored = Stored::row("meters", r.id);
        let site = match (r.estate_id, r.place_id) {
            (Some(e), None) => MeterSite::Estate(EstateId(e)),
            (None, Some(p)) => MeterSite::Place(PlaceId(p)),
            (estate, place) => {
                return Err(stored.corrupt(
                    "estate_id",
                    format!("{estate:?} / place_id {place:?}"),
                    "a meter is on an estate or on a place, exactly one",
                ));
            }
        };
        Ok(Meter {
            id: MeterId(r.id),
            data: MeterData {
                site,
                parent_meter_id: r.parent_meter_id.map(MeterId),
                meter_type: stored.name("meter_type", &r.meter_type)?,
                billing_type: stored.name("billing_type", &r.billing_type)?,
                serial_number: r.serial_number.map(Text::from_trusted),
                unit: Text::from_trusted(r.unit),
                max_value: r.max_value.map(|m| m.normalize()),
                location: r.location.map(Text::from_trusted),
                installed_on: r.installed_on,
                active: r.active,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct MeterFilters;

impl ListFilter<Meter> for MeterFilters {
    fn push(query: &ListQuery<Meter>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        push_eq(qb, "estate_id", f.estate_id.map(|e| e.0));
        push_eq(qb, "place_id", f.place_id.map(|p| p.0));
        push_eq(qb, "parent_meter_id", f.parent_meter_id.map(|p| p.0));
        push_eq(qb, "meter_type", f.meter_type.map(|t| t.as_str()));
        push_eq(qb, "active", f.active);
        crate::common::push_search(query.search.as_deref(), &["serial_number", "location"], qb);
    }
}

/// The site a meter's tree lives in: a place (the meter's own, or its estate's), or an estate
/// outside any place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TreeSite {
    Place(PlaceId),
    LoneEstate(EstateId),
}

/// The site of a meter's tree.
async fn site_of(
    conn: &mut PgConnection,
    tenant: TenantId,
    site: MeterSite,
) -> Result<TreeSite, RepoError> {
    match site {
        MeterSite::Place(p) => {
            let found: Option<Uuid> =
                value_in(&mut *conn, tenant, "places", "id", p.0, Lock::No).await?;
            found
                .map(|p| TreeSite::Place(PlaceId(p)))
                .ok_or_else(|| missing("place_id"))
        }
        MeterSite::Estate(e) => {
            let found: Option<Option<Uuid>> =
                value_in(&mut *conn, tenant, "estates", "place_id", e.0, Lock::No).await?;
            match found {
                None => Err(missing("estate_id")),
                Some(Some(place)) => Ok(TreeSite::Place(PlaceId(place))),
                Some(None) => Ok(TreeSite::LoneEstate(e)),
            }
        }
    }
}

/// A parent must exist in the same site, and not descend from the meter (no cycle). Checked
/// under a lock of the tenant's meter tree, so that two moves cannot close a cycle together.
async fn check_parent(
    conn: &mut PgConnection,
    tenant: TenantId,
    meter: &Meter,
) -> Result<(), RepoError> {
    let Some(parent) = meter.data.parent_meter_id else {
        return Ok(());
    };
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('meters:' || $1::text, 0))")
        .bind(tenant.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(map_error)?;
    let site = site_of(conn, tenant, meter.data.site).await?;
    let row: Option<MeterRow> = row_in(&mut *conn, tenant, "meters", parent.0).await?;
    let Some(row) = row else {
        return Err(missing("parent_meter_id"));
    };
    let parent_site = site_of(conn, tenant, Meter::try_from(row)?.data.site).await?;
    if parent_site != site {
        return Err(rule(
            "parent_meter_id",
            "the parent meter must be in the same place",
        ));
    }
    let cycle = holds(
        conn,
        "WITH RECURSIVE up (id, depth) AS ( \
           SELECT parent_meter_id, 1 FROM meters WHERE tenant_id = $1 AND id = $2 \
           UNION ALL \
           SELECT m.parent_meter_id, up.depth + 1 FROM meters m JOIN up ON m.id = up.id \
           WHERE m.tenant_id = $1 AND up.depth < 1000) \
         SELECT EXISTS (SELECT 1 FROM up WHERE id = $3) OR $2 = $3",
        tenant,
        parent.0,
        meter.id.0,
    )
    .await?;
    if cycle {
        return Err(rule(
            "parent_meter_id",
            "this parent descends from the meter: the tree would form a cycle",
        ));
    }
    Ok(())
}

fn bind_meter<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    m: &'q Meter,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &m.data;
    let (estate, place) = match d.site {
        MeterSite::Estate(e) => (Some(e.0), None),
        MeterSite::Place(p) => (None, Some(p.0)),
    };
    q.bind(estate)
        .bind(place)
        .bind(d.parent_meter_id.map(|p| p.0))
        .bind(d.meter_type.as_str())
        .bind(d.billing_type.as_str())
        .bind(s(&d.serial_number))
        .bind(d.unit.as_str())
        .bind(d.max_value)
        .bind(s(&d.location))
        .bind(d.installed_on)
        .bind(d.active)
        .bind(m.updated_at)
}

table_repository!(PgMeters: Meter, MeterRow, MeterFilters, "meters");

async fn insert(w: Write<'_>, m: &Meter) -> Result<Meter, RepoError> {
    let tenant = w.tenant;
    w.run(async |tx| {
        site_of(&mut *tx, tenant, m.data.site).await?;
        check_parent(&mut *tx, tenant, m).await?;
        let q = sqlx::query(
            "INSERT INTO meters (tenant_id, id, estate_id, place_id, parent_meter_id, meter_type, \
             billing_type, serial_number, unit, max_value, location, installed_on, active, \
             updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(tenant.as_uuid())
        .bind(m.id.0);
        bind_meter(q, m)
            .bind(m.created_at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok(m.clone())
    })
    .await
}

async fn update(w: Write<'_>, m: &Meter) -> Result<Option<Meter>, RepoError> {
    let tenant = w.tenant;
    w.changed(async |tx| {
        site_of(&mut *tx, tenant, m.data.site).await?;
        check_parent(&mut *tx, tenant, m).await?;
        let q = sqlx::query(
            "UPDATE meters SET estate_id = $3, place_id = $4, parent_meter_id = $5, \
             meter_type = $6, billing_type = $7, serial_number = $8, unit = $9, max_value = $10, \
             location = $11, installed_on = $12, active = $13, updated_at = $14 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(m.id.0);
        let done = bind_meter(q, m)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok((done.rows_affected() == 1).then(|| m.clone()))
    })
    .await
}

#[derive(sqlx::FromRow)]
struct ReadingRow {
    id: Uuid,
    meter_id: Uuid,
    value: Decimal,
    read_at: DateTime<Utc>,
    source: String,
    photo_media_id: Option<Uuid>,
    rollover: bool,
    consumption: Option<Decimal>,
    anomaly: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<ReadingRow> for Reading {
    type Error = RepoError;
    fn try_from(r: ReadingRow) -> Result<Self, RepoError> {
        let stored = Stored::row("meter_readings", r.id);
        Ok(Reading {
            id: ReadingId(r.id),
            meter_id: MeterId(r.meter_id),
            data: ReadingData {
                value: r.value.normalize(),
                read_at: r.read_at,
                source: stored.name("source", &r.source)?,
                photo_media_id: r.photo_media_id.map(MediaId),
                rollover: r.rollover,
            },
            consumption: r.consumption.map(|c| c.normalize()),
            anomaly: r.anomaly,
            created_at: r.created_at,
        })
    }
}

fn invalid(e: faireplace_kernel::ValidationErrors) -> RepoError {
    let first = e.errors().first();
    RepoError::Rule {
        field: first.map(|f| f.field.clone()).unwrap_or_default(),
        message: first.map(|f| f.message.clone()).unwrap_or_default(),
    }
}

async fn reading_page(
    db: &Db,
    tenant: TenantId,
    sql: &str,
    meter: Option<MeterId>,
    page: PageRequest,
) -> Result<Page<Reading>, RepoError> {
    let mut rows =
        window_rows::<ReadingRow>(db, tenant, sql, page, |q| q.bind(meter.map(|m| m.0))).await?;
    rows.sort_by_key(|r| std::cmp::Reverse((r.row.read_at, r.row.id)));
    counted_page(rows, page, Reading::try_from)
}

/// Whether `sql` holds of the tenant (`$1`) and two rows (`$2`, `$3`).
async fn holds(
    conn: &mut PgConnection,
    sql: &'static str,
    tenant: TenantId,
    a: Uuid,
    b: Uuid,
) -> Result<bool, RepoError> {
    sqlx::query_scalar(sql)
        .bind(tenant.as_uuid())
        .bind(a)
        .bind(b)
        .fetch_one(conn)
        .await
        .map_err(map_error)
}

#[async_trait]
impl MeterReadings for PgMeters {
    async fn add(
        &self,
        tenant: TenantId,
        meter: MeterId,
        r: &ReadingData,
        at: DateTime<Utc>,
    ) -> Result<Option<Reading>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let max: Option<Option<Decimal>> = value_in(
            &mut tx,
            tenant,
            "meters",
            "max_value",
            meter.0,
            Lock::ForUpdate,
        )
        .await?;
        let Some(max) = max else {
            return Ok(None);
        };
        // The latest reading, and the meter's history up to it.
        let last: Option<(Decimal, DateTime<Utc>, Decimal, DateTime<Utc>)> = find_in(
            &mut tx,
            "SELECT l.value, l.read_at, \
               (SELECT coalesce(sum(consumption), 0) FROM meter_readings \
                 WHERE tenant_id = $1 AND meter_id = $2), \
               (SELECT min(read_at) FROM meter_readings WHERE tenant_id = $1 AND meter_id = $2) \
             FROM meter_readings l WHERE l.tenant_id = $1 AND l.meter_id = $2 \
             ORDER BY l.read_at DESC LIMIT 1",
            tenant,
            meter.0,
        )
        .await?;
        let (used, anomaly) = match last {
            None => {
                if r.rollover {
                    return Err(RepoError::Rule {
                        field: "rollover".into(),
                        message: "the first reading of a meter has nothing to roll over from"
                            .into(),
                    });
                }
                if let Some(max) = max
                    && r.value > max
                {
                    return Err(rule("value", format!("the meter shows at most {max}")));
                }
                (None, false)
            }
            Some((previous, previous_at, consumed, first_at)) => {
                if r.read_at <= previous_at {
                    return Err(rule(
                        "read_at",
                        format!("must come after the latest reading ({previous_at})"),
                    ));
                }
                let used = consumption(previous, r.value, r.rollover, max).map_err(invalid)?;
                let history = History {
                    previous_value: previous,
                    previous_at,
                    consumed,
                    elapsed_seconds: (previous_at - first_at).num_seconds(),
                };
                let seconds = (r.read_at - previous_at).num_seconds();
                (Some(used), is_anomaly(used, seconds, &history))
            }
        };
        let row: ReadingRow = sqlx::query_as(
            "INSERT INTO meter_readings (tenant_id, id, meter_id, value, read_at, source, \
             photo_media_id, rollover, consumption, anomaly, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
        )
        .bind(tenant.as_uuid())
        .bind(ReadingId::generate().0)
        .bind(meter.0)
        .bind(r.value)
        .bind(r.read_at)
        .bind(r.source.as_str())
        .bind(r.photo_media_id.map(|m| m.0))
        .bind(r.rollover)
        .bind(used)
        .bind(anomaly)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match map_error(e) {
            RepoError::MissingReference { .. } => missing("photo_media_id"),
            other => other,
        })?;
        if anomaly {
            crate::notifications::notify(
                &mut tx,
                tenant,
                faireplace_charges::NotificationKind::ConsumptionAlert,
                "meter_reading",
                row.id,
                format!(
                    "meter {}: {} consumed up to {} strays more than 50 % from its average daily rate",
                    meter,
                    used.unwrap_or_default().normalize(),
                    r.read_at.format("%Y-%m-%d %H:%M UTC")
                ),
                at,
            )
            .await?;
        }
        tx.commit().await.map_err(map_error)?;
        Ok(Some(row.try_into()?))
    }

    async fn list(
        &self,
        tenant: TenantId,
        meter: MeterId,
        page: PageRequest,
    ) -> Result<Page<Reading>, RepoError> {
        reading_page(
            &self.0,
            tenant,
            "SELECT p.* FROM (SELECT r.*, count(*) OVER () AS total FROM meter_readings r \
             WHERE r.tenant_id = scope.tenant AND r.meter_id = $2 \
             ORDER BY r.read_at DESC, r.id DESC LIMIT $3 OFFSET $4) p",
            Some(meter),
            page,
        )
        .await
    }

    async fn consumption(
        &self,
        tenant: TenantId,
        meter: MeterId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<ConsumptionTotal, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let row: Result<(Decimal, i64), _> = sqlx::query_as(sqlx::AssertSqlSafe(scoped(
            "SELECT coalesce(sum(consumption), 0) AS total, count(consumption) AS used \
             FROM meter_readings WHERE tenant_id = scope.tenant AND meter_id = $2 \
               AND read_at > $3 AND read_at <= $4",
        )))
        .bind(tenant.as_uuid().to_string())
        .bind(meter.0)
        .bind(from)
        .bind(to)
        .fetch_one(lent.conn())
        .await;
        let (total, used) = lent.finish(row)?;
        Ok(ConsumptionTotal {
            total: total.normalize(),
            readings_used: used,
        })
    }

    async fn anomalies(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<Reading>, RepoError> {
        reading_page(
            &self.0,
            tenant,
            "SELECT p.* FROM (SELECT r.*, count(*) OVER () AS total FROM meter_readings r \
             WHERE r.tenant_id = scope.tenant AND r.anomaly AND ($2::uuid IS NULL OR r.meter_id = $2) \
             ORDER BY r.read_at DESC, r.id DESC LIMIT $3 OFFSET $4) p",
            None,
            page,
        )
        .await
    }

    async fn link(&self, tenant: TenantId, l: &LeaseMeter) -> Result<LeaseMeter, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        for (field, reading) in [
            ("start_reading_id", l.start_reading_id),
            ("end_reading_id", l.end_reading_id),
        ] {
            if let Some(reading) = reading {
                let ok = holds(
                    &mut tx,
                    "SELECT EXISTS (SELECT 1 FROM meter_readings WHERE tenant_id = $1 \
                     AND id = $2 AND meter_id = $3)",
                    tenant,
                    reading.0,
                    l.meter_id.0,
                )
                .await?;
                if !ok {
                    return Err(RepoError::Rule {
                        field: field.into(),
                        message: "must be a reading of this meter".into(),
                    });
                }
            }
        }
        sqlx::query(
            "INSERT INTO lease_meters (tenant_id, lease_id, meter_id, start_reading_id, \
             end_reading_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (tenant_id, lease_id, meter_id) DO UPDATE SET \
             start_reading_id = EXCLUDED.start_reading_id, end_reading_id = EXCLUDED.end_reading_id",
        )
        .bind(tenant.as_uuid())
        .bind(l.lease_id.0)
        .bind(l.meter_id.0)
        .bind(l.start_reading_id.map(|r| r.0))
        .bind(l.end_reading_id.map(|r| r.0))
        .bind(l.created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        Ok(l.clone())
    }

    async fn links(&self, tenant: TenantId, lease: LeaseId) -> Result<Vec<LeaseMeter>, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let rows: Result<Vec<(Uuid, Option<Uuid>, Option<Uuid>, DateTime<Utc>)>, _> =
            sqlx::query_as(sqlx::AssertSqlSafe(scoped(
                "SELECT meter_id, start_reading_id, end_reading_id, created_at FROM lease_meters \
                 WHERE tenant_id = scope.tenant AND lease_id = $2 ORDER BY created_at, meter_id",
            )))
            .bind(tenant.as_uuid().to_string())
            .bind(lease.0)
            .fetch_all(lent.conn())
            .await;
        let rows = lent.finish(rows)?;
        Ok(rows
            .into_iter()
            .map(|(meter, start, end, created_at)| LeaseMeter {
                lease_id: lease,
                meter_id: MeterId(meter),
                start_reading_id: start.map(ReadingId),
                end_reading_id: end.map(ReadingId),
                created_at,
            })
            .collect())
    }

    async fn unlink(
        &self,
        tenant: TenantId,
        lease: LeaseId,
        meter: MeterId,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query(
            "DELETE FROM lease_meters WHERE tenant_id = $1 AND lease_id = $2 AND meter_id = $3",
        )
        .bind(tenant.as_uuid())
        .bind(lease.0)
        .bind(meter.0);
        Write::new(&self.0, tenant, &Journal::NONE)
            .delete_query(q)
            .await
    }
}
