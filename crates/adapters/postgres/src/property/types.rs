//! Estate, room and equipment types, with whether anything uses them.

use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{PropertyType, TypeData, TypeId};
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use super::{corrupt, stored};
use crate::Db;
use crate::common::{
    ListFilter, ListSource, Write, push_eq, push_search, read_item, table_repository,
};

/// Types with their usage, as one relation (RLS applies to every table inside).
/// The page of a type list, with the usage of each type on it.
const LIST: ListSource = ListSource {
    table: "property_types",
    columns: ", (EXISTS (SELECT 1 FROM estates e WHERE e.tenant_id = page.tenant_id AND e.type_id = page.id) \
        OR EXISTS (SELECT 1 FROM rooms r WHERE r.tenant_id = page.tenant_id AND r.type_id = page.id) \
        OR EXISTS (SELECT 1 FROM equipment q WHERE q.tenant_id = page.tenant_id AND q.type_id = page.id)) AS is_used",
    joins: "",
};

const SOURCE: &str = "(SELECT t.*, \
    (EXISTS (SELECT 1 FROM estates e WHERE e.tenant_id = t.tenant_id AND e.type_id = t.id) \
     OR EXISTS (SELECT 1 FROM rooms r WHERE r.tenant_id = t.tenant_id AND r.type_id = t.id) \
     OR EXISTS (SELECT 1 FROM equipment q WHERE q.tenant_id = t.tenant_id AND q.type_id = t.id)) AS is_used \
    FROM property_types t) AS types";

/// Types in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgTypes(pub Db);

#[derive(sqlx::FromRow)]
struct TypeRow {
    id: Uuid,
    kind: String,
    code: String,
    name: String,
    is_system: bool,
    is_active: bool,
    is_used: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<TypeRow> for PropertyType {
    type Error = RepoError;

    fn try_from(r: TypeRow) -> Result<Self, RepoError> {
        Ok(PropertyType {
            id: TypeId(r.id),
            kind: stored("kind", r.kind).map_err(corrupt("property_types", r.id))?,
            data: TypeData {
                code: r.code,
                name: Text::from_trusted(r.name),
                is_active: r.is_active,
            },
            is_system: r.is_system,
            is_used: r.is_used,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct TypeFilters;

impl ListFilter<PropertyType> for TypeFilters {
    fn push(query: &ListQuery<PropertyType>, qb: &mut QueryBuilder<Postgres>) {
        qb.push(" AND kind = ");
        qb.push_bind(query.filter.kind.as_str());
        push_eq(qb, "is_active", query.filter.is_active);
        push_eq(qb, "code", query.filter.code.clone());
        push_search(query.search.as_deref(), &["name", "code"], qb);
    }
}

table_repository!(PgTypes: PropertyType, TypeRow, TypeFilters, "property_types", read SOURCE, list LIST, own delete);

async fn insert(w: Write<'_>, t: &PropertyType) -> Result<PropertyType, RepoError> {
    let q = sqlx::query(
        "INSERT INTO property_types (tenant_id, id, kind, code, name, is_system, is_active, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, false, $6, $7, $8)",
    )
    .bind(w.tenant.as_uuid())
    .bind(t.id.0)
    .bind(t.kind.as_str())
    .bind(&t.data.code)
    .bind(t.data.name.as_str())
    .bind(t.data.is_active)
    .bind(t.created_at)
    .bind(t.updated_at);
    w.one(q).await?;
    Ok(t.clone())
}

async fn update(w: Write<'_>, t: &PropertyType) -> Result<Option<PropertyType>, RepoError> {
    let tenant = w.tenant;
    let q = sqlx::query(
        "UPDATE property_types SET code = $3, name = $4, is_active = $5, updated_at = $6 \
         WHERE tenant_id = $1 AND id = $2 AND NOT is_system",
    )
    .bind(tenant.as_uuid())
    .bind(t.id.0)
    .bind(&t.data.code)
    .bind(t.data.name.as_str())
    .bind(t.data.is_active)
    .bind(t.updated_at);
    if w.one(q).await? {
        read_item::<TypeRow, _>(w.db, SOURCE, tenant, t.id.0).await
    } else {
        Ok(None)
    }
}

async fn delete(w: Write<'_>, id: Uuid) -> Result<bool, RepoError> {
    let q = sqlx::query(
        "DELETE FROM property_types WHERE tenant_id = $1 AND id = $2 AND NOT is_system",
    )
    .bind(w.tenant.as_uuid())
    .bind(id);
    w.delete_query(q).await
}
