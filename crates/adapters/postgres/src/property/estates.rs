//! Estates: generated references, tantiemes within the place's total, the place's address
//! joined in for estates that inherit it.

use chrono::{DateTime, Utc};
use faireplace_kernel::TenantId;
use faireplace_kernel::record::DecodeError;
use faireplace_kernel::values::Text;
use faireplace_parties::OwnerId;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{Estate, EstateData, EstateId, EstateStatus, PlaceId, TypeId};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use super::{corrupt, stored, stored_address, stored_opt};
use crate::Db;
use crate::common::{
    AddressColumns, ListFilter, ListSource, Write, address_parts, delete_in, push_eq, push_search,
    read_source, s, table_repository, text,
};
use crate::error::{map_error, missing};

/// The page of an estate list, with the place's address of each estate on it.
const LIST: ListSource = ListSource {
    table: "estates",
    columns: ", p.address_street AS place_street, p.address_postal_code AS place_postal_code, \
        p.address_city AS place_city, p.address_country AS place_country",
    joins: "LEFT JOIN places p ON p.tenant_id = page.tenant_id AND p.id = page.place_id",
};

/// Estates with their place's address, as one relation.
pub(crate) const SOURCE: &str = "(SELECT e.*, p.address_street AS place_street, \
    p.address_postal_code AS place_postal_code, p.address_city AS place_city, \
    p.address_country AS place_country \
    FROM estates e LEFT JOIN places p ON p.tenant_id = e.tenant_id AND p.id = e.place_id) AS estates";

/// Estates in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgEstates(pub Db);

#[derive(sqlx::FromRow)]
struct EstateRow {
    id: Uuid,
    place_id: Option<Uuid>,
    owner_id: Uuid,
    type_id: Uuid,
    reference: String,
    #[sqlx(flatten)]
    address: AddressColumns,
    place_street: Option<String>,
    place_postal_code: Option<String>,
    place_city: Option<String>,
    place_country: Option<String>,
    floor: Option<i32>,
    door: Option<String>,
    surface_m2: Option<Decimal>,
    rooms_count: Option<i32>,
    is_furnished: bool,
    tantiemes: Option<i64>,
    construction_period: Option<String>,
    rent_control_zone_id: Option<Uuid>,
    status: String,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<EstateRow> for Estate {
    type Error = RepoError;

    fn try_from(r: EstateRow) -> Result<Self, RepoError> {
        let id = r.id;
        let read = || -> Result<Estate, DecodeError> {
            let status: EstateStatus = stored("status", r.status)?;
            let place_address = stored_address(
                "place_",
                r.place_street,
                r.place_postal_code,
                r.place_city,
                r.place_country,
            )?;
            let address = stored_address(
                "address_",
                r.address.address_street,
                r.address.address_postal_code,
                r.address.address_city,
                r.address.address_country,
            )?;
            let reference = Text::from_trusted(r.reference);
            Ok(Estate {
                id: EstateId(r.id),
                data: EstateData {
                    place_id: r.place_id.map(PlaceId),
                    owner_id: OwnerId(r.owner_id),
                    type_id: TypeId(r.type_id),
                    reference: Some(reference.clone()),
                    address,
                    floor: r.floor,
                    door: text(r.door),
                    surface_m2: r.surface_m2.map(|d| d.normalize()),
                    rooms_count: r.rooms_count,
                    is_furnished: r.is_furnished,
                    tantiemes: r.tantiemes,
                    construction_period: stored_opt("construction_period", r.construction_period)?,
                    rent_control_zone_id: r.rent_control_zone_id,
                    // What a client may ask for: OCCUPIED follows from the estate's leases.
                    requested_status: if status == EstateStatus::Unavailable {
                        EstateStatus::Unavailable
                    } else {
                        EstateStatus::Vacant
                    },
                    notes: text(r.notes),
                },
                reference,
                place_address,
                status,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        };
        read().map_err(corrupt("estates", id))
    }
}

struct EstateFilters;

impl ListFilter<Estate> for EstateFilters {
    fn push(query: &ListQuery<Estate>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        push_eq(qb, "place_id", f.place_id.map(|place| place.0));
        push_eq(qb, "owner_id", f.owner_id.map(|owner| owner.0));
        push_eq(qb, "type_id", f.type_id.map(|t| t.0));
        push_eq(qb, "status", f.status.map(|status| status.as_str()));
        push_eq(qb, "is_furnished", f.is_furnished);
        push_search(query.search.as_deref(), &["reference", "door"], qb);
    }
}

/// Reads one row, in a transaction of the caller's or on its own.
async fn read<'e>(
    conn: impl sqlx::PgExecutor<'e>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<Estate>, RepoError> {
    let row: Option<EstateRow> = read_source(conn, SOURCE, tenant, id)
        .await
        .map_err(map_error)?;
    row.map(Estate::try_from).transpose()
}

/// Locks the place and checks that its estates' tantiemes, with `tantiemes` for this estate
/// (and without what `estate` held before), stay within its total.
async fn check_tantiemes(
    conn: &mut PgConnection,
    tenant: TenantId,
    place: PlaceId,
    estate: EstateId,
    tantiemes: Option<i64>,
) -> Result<(), RepoError> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT p.total_tantiemes, \
           (SELECT coalesce(sum(e.tantiemes), 0)::bigint FROM estates e \
             WHERE e.tenant_id = p.tenant_id AND e.place_id = p.id AND e.id <> $3) \
         FROM places p WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE OF p",
    )
    .bind(tenant.as_uuid())
    .bind(place.0)
    .bind(estate.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    let Some((total, others)) = row else {
        return Err(missing("place_id"));
    };
    if let (Some(total), Some(mine)) = (total, tantiemes)
        && others + mine > total
    {
        return Err(RepoError::Rule {
            field: "tantiemes".into(),
            message: format!(
                "the place's estates would hold {} of its {total} tantiemes ({} are free)",
                others + mine,
                (total - others).max(0)
            ),
        });
    }
    Ok(())
}

/// The next free generated reference: LOT-00001, LOT-00002… per tenant, skipping any a client
/// chose by hand.
async fn next_reference(conn: &mut PgConnection, tenant: TenantId) -> Result<String, RepoError> {
    loop {
        let n: i64 = sqlx::query_scalar(
            "INSERT INTO tenant_counters (tenant_id, name, value) VALUES ($1, 'estate_reference', 1) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counters.value + 1 \
             RETURNING value",
        )
        .bind(tenant.as_uuid())
        .fetch_one(&mut *conn)
        .await
        .map_err(map_error)?;
        let reference = format!("LOT-{n:05}");
        let taken: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM estates WHERE tenant_id = $1 AND reference = $2)",
        )
        .bind(tenant.as_uuid())
        .bind(&reference)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_error)?;
        if !taken {
            return Ok(reference);
        }
    }
}

fn bind_estate<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    e: &'q Estate,
    reference: &'q str,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &e.data;
    let [street, postal_code, city, country] = address_parts(&d.address);
    q.bind(d.place_id.map(|p| p.0))
        .bind(d.owner_id.0)
        .bind(d.type_id.0)
        .bind(reference)
        .bind(street)
        .bind(postal_code)
        .bind(city)
        .bind(country)
        .bind(d.floor)
        .bind(s(&d.door))
        .bind(d.surface_m2)
        .bind(d.rooms_count)
        .bind(d.is_furnished)
        .bind(d.tantiemes)
        .bind(d.construction_period.map(|c| c.as_str()))
        .bind(d.rent_control_zone_id)
        // What the client asked for; OCCUPIED comes from the estate's leases (see `update`).
        .bind(d.requested_status.as_str())
        .bind(s(&d.notes))
}

table_repository!(PgEstates: Estate, EstateRow, EstateFilters, "estates", read SOURCE, list LIST, own delete);

async fn insert(w: Write<'_>, e: &Estate) -> Result<Estate, RepoError> {
    let tenant = w.tenant;
    w.run(async |tx| {
        if let Some(place) = e.data.place_id {
            check_tantiemes(&mut *tx, tenant, place, e.id, e.data.tantiemes).await?;
        }
        let reference = match &e.data.reference {
            Some(r) => r.to_string(),
            None => next_reference(&mut *tx, tenant).await?,
        };
        let q = sqlx::query(
            "INSERT INTO estates (tenant_id, id, created_at, updated_at, place_id, owner_id, type_id, \
             reference, address_street, address_postal_code, address_city, address_country, floor, \
             door, surface_m2, rooms_count, is_furnished, tantiemes, construction_period, \
             rent_control_zone_id, status, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
        )
        .bind(tenant.as_uuid())
        .bind(e.id.0)
        .bind(e.created_at)
        .bind(e.updated_at);
        bind_estate(q, e, &reference)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        let stored = read(&mut *tx, tenant, e.id.0).await?;
        stored.ok_or_else(|| RepoError::Unknown("estate vanished after insert".into()))
    })
    .await
}

async fn update(w: Write<'_>, e: &Estate) -> Result<Option<Estate>, RepoError> {
    let tenant = w.tenant;
    w.changed(async |tx| {
        if let Some(place) = e.data.place_id {
            check_tantiemes(&mut *tx, tenant, place, e.id, e.data.tantiemes).await?;
        }
        // The row lock first: a lease being written on this estate commits before the
        // statement below takes its snapshot, so the status it derives sees that lease.
        sqlx::query("SELECT 1 FROM estates WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(tenant.as_uuid())
            .bind(e.id.0)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        // The document of a lease out for signature describes the estate as it is.
        crate::signatures::refuse_while_estate_signing(&mut *tx, tenant, e.id.0).await?;
        let q = sqlx::query(
            "UPDATE estates SET created_at = $3, updated_at = $4, place_id = $5, owner_id = $6, \
             type_id = $7, reference = $8, address_street = $9, address_postal_code = $10, \
             address_city = $11, address_country = $12, floor = $13, door = $14, surface_m2 = $15, \
             rooms_count = $16, is_furnished = $17, tantiemes = $18, construction_period = $19, \
             rent_control_zone_id = $20, notes = $22, \
             status = CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.tenant_id = $1 \
               AND l.estate_id = $2 AND l.status IN ('ACTIVE', 'NOTICE_GIVEN')) \
               THEN 'OCCUPIED' ELSE $21 END \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(e.id.0)
        .bind(e.created_at)
        .bind(e.updated_at);
        let done = bind_estate(q, e, e.reference.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let stored = read(&mut *tx, tenant, e.id.0).await?;
        Ok(stored)
    })
    .await
}

async fn delete(w: Write<'_>, id: Uuid) -> Result<bool, RepoError> {
    let tenant = w.tenant;
    w.done(async |tx| {
        sqlx::query("SELECT 1 FROM estates WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(tenant.as_uuid())
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        crate::signatures::refuse_while_estate_signing(&mut *tx, tenant, id).await?;
        let done = delete_in(&mut *tx, tenant, "estates", id).await?;
        Ok(done)
    })
    .await
}
