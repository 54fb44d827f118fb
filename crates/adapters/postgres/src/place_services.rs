//! Services of places in PostgreSQL, and the billing defaults a service gives what is charged
//! under it.

use chrono::{DateTime, Utc};
use faireplace_charges::{
    Billing, ChargeCategoryId, DistributionKeyId, PlaceService, PlaceServiceData, PlaceServiceId,
    SpaceType,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::TenantId;
use faireplace_kernel::values::Text;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::PlaceId;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    ListFilter, Write, corrupt, delete_in, find_scalar_in, push_eq, push_search, row_in, s,
    stored_enum, table_repository, text,
};
use crate::error::{conflict, missing};

const TABLE: &str = "place_services";

/// Services of places in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgPlaceServices(pub Db);

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: Uuid,
    place_id: Uuid,
    name: String,
    description: Option<String>,
    is_chargeable: bool,
    category_id: Option<Uuid>,
    space_type: String,
    default_distribution_key_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ServiceRow> for PlaceService {
    type Error = RepoError;
    fn try_from(r: ServiceRow) -> Result<Self, RepoError> {
        // Chargeable exactly when billed (a CHECK of the table): anything else is corrupt.
        let billing = match (
            r.is_chargeable,
            r.category_id,
            r.default_distribution_key_id,
        ) {
            (true, Some(c), Some(k)) => Some(Billing {
                category_id: ChargeCategoryId(c),
                default_distribution_key_id: DistributionKeyId(k),
            }),
            (false, None, None) => None,
            (chargeable, _, _) => {
                return Err(corrupt(
                    TABLE,
                    r.id,
                    "is_chargeable",
                    chargeable.to_string(),
                    "a chargeable service names its category and key, another neither",
                ));
            }
        };
        Ok(PlaceService {
            id: PlaceServiceId(r.id),
            place_id: PlaceId(r.place_id),
            data: PlaceServiceData {
                name: Text::from_trusted(r.name),
                description: text(r.description),
                space_type: stored_enum::<SpaceType>(TABLE, r.id, "space_type", &r.space_type)?,
                billing,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct ServiceFilters;

impl ListFilter<PlaceService> for ServiceFilters {
    fn push(query: &ListQuery<PlaceService>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        push_eq(qb, "place_id", f.place_id.map(|place| place.0));
        push_eq(qb, "space_type", f.space_type.map(|space| space.as_str()));
        push_eq(qb, "is_chargeable", f.is_chargeable);
        push_search(query.search.as_deref(), &["name", "description"], qb);
    }
}

/// `$3` to `$9`, in the order both writes take them.
fn bind_service<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    p: &'q PlaceService,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &p.data;
    q.bind(d.name.as_str())
        .bind(s(&d.description))
        .bind(d.billing.is_some())
        .bind(d.billing.map(|b| b.category_id.0))
        .bind(d.space_type.as_str())
        .bind(d.billing.map(|b| b.default_distribution_key_id.0))
        .bind(p.updated_at)
}

table_repository!(PgPlaceServices: PlaceService, ServiceRow, ServiceFilters, TABLE, own delete);

async fn insert(w: Write<'_>, p: &PlaceService) -> Result<PlaceService, RepoError> {
    let q = sqlx::query(
        "INSERT INTO place_services (tenant_id, id, name, description, is_chargeable, \
         category_id, space_type, default_distribution_key_id, updated_at, place_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(w.tenant.as_uuid())
    .bind(p.id.0);
    let q = bind_service(q, p).bind(p.place_id.0).bind(p.created_at);
    w.one(q).await?;
    Ok(p.clone())
}

async fn update(w: Write<'_>, p: &PlaceService) -> Result<Option<PlaceService>, RepoError> {
    let q = sqlx::query(
        "UPDATE place_services SET name = $3, description = $4, is_chargeable = $5, \
         category_id = $6, space_type = $7, default_distribution_key_id = $8, \
         updated_at = $9 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(w.tenant.as_uuid())
    .bind(p.id.0);
    let q = bind_service(q, p);
    Ok(w.one(q).await?.then(|| p.clone()))
}

/// Refused with `SERVICE_IN_USE` while an active lease charge uses the service (checked
/// under a lock of the service, so that no charge starts using it meanwhile).
async fn delete(w: Write<'_>, id: Uuid) -> Result<bool, RepoError> {
    w.done(async |tx| {
        let in_use: Option<bool> = find_scalar_in(
            &mut *tx,
            "SELECT EXISTS (SELECT 1 FROM lease_charges c WHERE c.tenant_id = s.tenant_id \
               AND c.service_id = s.id AND c.active) \
             FROM place_services s WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE OF s",
            w.tenant,
            id,
        )
        .await?;
        match in_use {
            None => return Ok(false),
            Some(true) => {
                return Err(conflict(
                    ErrorCode::ServiceInUse,
                    "an active lease charge uses this service; deactivate it first",
                ));
            }
            Some(false) => {}
        }
        delete_in(tx, w.tenant, TABLE, id).await
    })
    .await
}

/// What a service gives what is charged under it: its place, and when it is chargeable its
/// category and default key.
pub(crate) struct ServiceDefaults {
    pub place: PlaceId,
    pub billing: Option<Billing>,
}

/// A service's billing defaults, read in the caller's transaction. Missing in the tenant:
/// `service_id` refers to nothing.
pub(crate) async fn service_defaults(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    service: PlaceServiceId,
) -> Result<ServiceDefaults, RepoError> {
    let row: Option<ServiceRow> = row_in(&mut *conn, tenant, "place_services", service.0).await?;
    let service = row
        .map(PlaceService::try_from)
        .transpose()?
        .ok_or_else(|| missing("service_id"))?;
    Ok(ServiceDefaults {
        place: service.place_id,
        billing: service.data.billing,
    })
}
