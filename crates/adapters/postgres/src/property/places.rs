//! Places, with how many estates they hold and how many of their tantiemes are allocated.

use chrono::{DateTime, Utc};
use faireplace_kernel::TenantId;
use faireplace_kernel::values::{Address, CountryCode, Text};
use faireplace_parties::ContactId;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{Place, PlaceData, PlaceId};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::{corrupt, stored_opt};
use crate::Db;
use crate::common::{
    ListFilter, ListSource, Write, find_scalar_in, push_eq, push_search, read_source, s,
    table_repository, text,
};
use crate::error::map_error;

/// The page of a place list, with each place's estates count and allocated tantiemes.
const LIST: ListSource = ListSource {
    table: "places",
    columns: ", (SELECT count(*) FROM estates e WHERE e.tenant_id = page.tenant_id AND e.place_id = page.id) AS estates_count, \
        (SELECT coalesce(sum(e.tantiemes), 0)::bigint FROM estates e \
          WHERE e.tenant_id = page.tenant_id AND e.place_id = page.id) AS allocated_tantiemes",
    joins: "",
};

const SOURCE: &str = "(SELECT p.*, \
    (SELECT count(*) FROM estates e WHERE e.tenant_id = p.tenant_id AND e.place_id = p.id) AS estates_count, \
    (SELECT coalesce(sum(e.tantiemes), 0)::bigint FROM estates e \
       WHERE e.tenant_id = p.tenant_id AND e.place_id = p.id) AS allocated_tantiemes \
    FROM places p) AS places";

/// Places in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgPlaces(pub Db);

#[derive(sqlx::FromRow)]
struct PlaceRow {
    id: Uuid,
    name: String,
    address_street: String,
    address_postal_code: String,
    address_city: String,
    address_country: String,
    construction_year: Option<i32>,
    is_coownership: bool,
    total_tantiemes: Option<i64>,
    syndic_contact_id: Option<Uuid>,
    heating_type: Option<String>,
    has_elevator: bool,
    floors_count: Option<i32>,
    notes: Option<String>,
    estates_count: i64,
    allocated_tantiemes: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<PlaceRow> for Place {
    type Error = RepoError;

    fn try_from(r: PlaceRow) -> Result<Self, RepoError> {
        let heating_type =
            stored_opt("heating_type", r.heating_type).map_err(corrupt("places", r.id))?;
        Ok(Place {
            id: PlaceId(r.id),
            data: PlaceData {
                name: Text::from_trusted(r.name),
                address: Address {
                    street: Text::from_trusted(r.address_street),
                    postal_code: Text::from_trusted(r.address_postal_code),
                    city: Text::from_trusted(r.address_city),
                    country: CountryCode::from_trusted(r.address_country),
                },
                construction_year: r.construction_year,
                is_coownership: r.is_coownership,
                total_tantiemes: r.total_tantiemes,
                syndic_contact_id: r.syndic_contact_id.map(ContactId),
                heating_type,
                has_elevator: r.has_elevator,
                floors_count: r.floors_count,
                notes: text(r.notes),
            },
            estates_count: r.estates_count,
            allocated_tantiemes: r.allocated_tantiemes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct PlaceFilters;

impl ListFilter<Place> for PlaceFilters {
    fn push(query: &ListQuery<Place>, qb: &mut QueryBuilder<Postgres>) {
        push_eq(qb, "is_coownership", query.filter.is_coownership);
        if let Some(city) = &query.filter.city {
            qb.push(" AND lower(address_city) = lower(");
            qb.push_bind(city.clone());
            qb.push(")");
        }
        push_search(query.search.as_deref(), &["name", "address_city"], qb);
    }
}

/// Reads one row, in a transaction of the caller's or on its own.
async fn read<'e>(
    conn: impl sqlx::PgExecutor<'e>,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<Place>, RepoError> {
    let row: Option<PlaceRow> = read_source(conn, SOURCE, tenant, id)
        .await
        .map_err(map_error)?;
    row.map(Place::try_from).transpose()
}

fn bind_place<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    d: &'q PlaceData,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(d.name.as_str())
        .bind(d.address.street.as_str())
        .bind(d.address.postal_code.as_str())
        .bind(d.address.city.as_str())
        .bind(d.address.country.as_str())
        .bind(d.construction_year)
        .bind(d.is_coownership)
        .bind(d.total_tantiemes)
        .bind(d.syndic_contact_id.map(|c| c.0))
        .bind(d.heating_type.map(|h| h.as_str()))
        .bind(d.has_elevator)
        .bind(d.floors_count)
        .bind(s(&d.notes))
}

table_repository!(PgPlaces: Place, PlaceRow, PlaceFilters, "places", read SOURCE, list LIST);

async fn insert(w: Write<'_>, p: &Place) -> Result<Place, RepoError> {
    let q = sqlx::query(
        "INSERT INTO places (tenant_id, id, created_at, updated_at, name, address_street, \
         address_postal_code, address_city, address_country, construction_year, is_coownership, \
         total_tantiemes, syndic_contact_id, heating_type, has_elevator, floors_count, notes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(w.tenant.as_uuid())
    .bind(p.id.0)
    .bind(p.created_at)
    .bind(p.updated_at);
    w.one(bind_place(q, &p.data)).await?;
    Ok(p.clone())
}

/// The place is locked while its tantiemes are checked, so that no estate can take shares
/// between the check and the write.
async fn update(w: Write<'_>, p: &Place) -> Result<Option<Place>, RepoError> {
    let tenant = w.tenant;
    w.changed(async |tx| {
        let locked: Option<i64> = find_scalar_in(
            &mut *tx,
            "SELECT (SELECT coalesce(sum(e.tantiemes), 0)::bigint FROM estates e \
               WHERE e.tenant_id = p.tenant_id AND e.place_id = p.id) \
             FROM places p WHERE p.tenant_id = $1 AND p.id = $2 FOR UPDATE OF p",
            tenant,
            p.id.0,
        )
        .await?;
        let Some(allocated) = locked else {
            return Ok(None);
        };
        if let Some(total) = p.data.total_tantiemes
            && allocated > total
        {
            return Err(RepoError::Rule {
                field: "total_tantiemes".into(),
                message: format!(
                    "must be at least {allocated}, the tantiemes its estates already hold"
                ),
            });
        }
        let q = sqlx::query(
            "UPDATE places SET updated_at = $3, name = $4, address_street = $5, \
             address_postal_code = $6, address_city = $7, address_country = $8, \
             construction_year = $9, is_coownership = $10, total_tantiemes = $11, \
             syndic_contact_id = $12, heating_type = $13, has_elevator = $14, floors_count = $15, \
             notes = $16 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(p.id.0)
        .bind(p.updated_at);
        bind_place(q, &p.data)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        let stored = read(&mut *tx, tenant, p.id.0).await?;
        Ok(stored)
    })
    .await
}
