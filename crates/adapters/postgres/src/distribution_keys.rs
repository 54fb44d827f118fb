//! Distribution keys in PostgreSQL, and the facts of a place's estates a split reads.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    CalculationType, DistributionKey, DistributionKeyData, DistributionKeyId, EstateFacts,
    KeyParameters, ValidationRules,
};
use faireplace_kernel::TenantId;
use faireplace_kernel::values::Text;
use faireplace_ports::charges::{ConsumptionWindow, DistributionFacts};
use faireplace_ports::{ListQuery, RepoError};
use faireplace_property::{EstateId, PlaceId};
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    ListFilter, Write, corrupt, push_eq, push_search, s, scoped, stored_enum, table_repository,
    text,
};

const TABLE: &str = "distribution_keys";

/// Distribution keys in PostgreSQL, and the facts of a place's estates a split reads.
#[derive(Clone, Debug)]
pub struct PgDistributionKeys(pub Db);

#[derive(sqlx::FromRow)]
pub(crate) struct KeyRow {
    id: Uuid,
    name: String,
    description: Option<String>,
    calculation_type: String,
    formula: Option<String>,
    parameters: serde_json::Value,
    validation_rules: serde_json::Value,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A JSON column that does not read into its type (an unknown meter type…) is corrupt.
fn json_error(
    id: Uuid,
    column: &str,
    value: &serde_json::Value,
    e: serde_json::Error,
) -> RepoError {
    corrupt(TABLE, id, column, value.to_string(), e.to_string())
}

impl TryFrom<KeyRow> for DistributionKey {
    type Error = RepoError;
    fn try_from(r: KeyRow) -> Result<Self, RepoError> {
        Ok(DistributionKey {
            id: DistributionKeyId(r.id),
            data: DistributionKeyData {
                name: Text::from_trusted(r.name),
                description: text(r.description),
                calculation_type: stored_enum::<CalculationType>(
                    TABLE,
                    r.id,
                    "calculation_type",
                    &r.calculation_type,
                )?,
                formula: text(r.formula),
                parameters: serde_json::from_value::<KeyParameters>(r.parameters.clone())
                    .map_err(|e| json_error(r.id, "parameters", &r.parameters, e))?,
                validation_rules: serde_json::from_value::<ValidationRules>(
                    r.validation_rules.clone(),
                )
                .map_err(|e| json_error(r.id, "validation_rules", &r.validation_rules, e))?,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

struct KeyFilters;

impl ListFilter<DistributionKey> for KeyFilters {
    fn push(query: &ListQuery<DistributionKey>, qb: &mut QueryBuilder<Postgres>) {
        push_eq(
            qb,
            "calculation_type",
            query.filter.calculation_type.map(|kind| kind.as_str()),
        );
        push_search(query.search.as_deref(), &["name", "description"], qb);
    }
}

/// The key's fields, `$3` to `$9`, in the order both writes take them.
fn bind_key<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    k: &'q DistributionKey,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &k.data;
    q.bind(d.name.as_str())
        .bind(s(&d.description))
        .bind(d.calculation_type.as_str())
        .bind(s(&d.formula))
        .bind(sqlx::types::Json(&d.parameters))
        .bind(sqlx::types::Json(&d.validation_rules))
        .bind(k.updated_at)
}

table_repository!(PgDistributionKeys: DistributionKey, KeyRow, KeyFilters, TABLE);

async fn insert(w: Write<'_>, k: &DistributionKey) -> Result<DistributionKey, RepoError> {
    let q = sqlx::query(
        "INSERT INTO distribution_keys (tenant_id, id, name, description, calculation_type, \
         formula, parameters, validation_rules, updated_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(w.tenant.as_uuid())
    .bind(k.id.0);
    let q = bind_key(q, k).bind(k.created_at);
    w.one(q).await?;
    Ok(k.clone())
}

async fn update(w: Write<'_>, k: &DistributionKey) -> Result<Option<DistributionKey>, RepoError> {
    let q = sqlx::query(
        "UPDATE distribution_keys SET name = $3, description = $4, calculation_type = $5, \
         formula = $6, parameters = $7, validation_rules = $8, updated_at = $9 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(w.tenant.as_uuid())
    .bind(k.id.0);
    let q = bind_key(q, k);
    Ok(w.one(q).await?.then(|| k.clone()))
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    id: Uuid,
    reference: String,
    surface_m2: Option<Decimal>,
    tantiemes: Option<i64>,
    rooms_count: Option<i32>,
    occupants: i64,
    consumption: Option<Decimal>,
}

#[async_trait]
impl DistributionFacts for PgDistributionKeys {
    /// One statement: the place's estates, and the lessees of the leases in force on `on`
    /// counted per estate in one aggregate (no query per estate).
    async fn estate_facts(
        &self,
        tenant: TenantId,
        place: PlaceId,
        on: NaiveDate,
        consumption: Option<&ConsumptionWindow>,
    ) -> Result<Vec<EstateFacts>, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let (from, to) = consumption
            .map(|w| (w.from, w.to.succ_opt().unwrap_or(w.to)))
            .unwrap_or((on, on));
        let rows: Result<Vec<FactsRow>, _> = sqlx::query_as(sqlx::AssertSqlSafe(scoped(
            "SELECT e.id, e.reference, coalesce(refs.surface, e.surface_m2) AS surface_m2, \
               coalesce(refs.tantiemes::bigint, e.tantiemes) AS tantiemes, e.rooms_count, \
               coalesce(refs.occupants::bigint, occ.n, 0) AS occupants, \
               used.total AS consumption \
             FROM estates e LEFT JOIN ( \
               SELECT l.estate_id, count(*) AS n FROM leases l \
               JOIN lease_lessees ll ON ll.tenant_id = l.tenant_id AND ll.lease_id = l.id \
               JOIN estates pe ON pe.tenant_id = l.tenant_id AND pe.id = l.estate_id \
               WHERE l.tenant_id = scope.tenant AND pe.place_id = $2 \
                 AND l.status IN ('ACTIVE', 'NOTICE_GIVEN') \
                 AND l.start_date <= $3 AND l.end_date >= $3 \
               GROUP BY l.estate_id) occ ON occ.estate_id = e.id \
             LEFT JOIN ( \
               SELECT m.estate_id, sum(r.consumption) AS total FROM meters m \
               JOIN meter_readings r ON r.tenant_id = m.tenant_id AND r.meter_id = m.id \
               JOIN estates me ON me.tenant_id = m.tenant_id AND me.id = m.estate_id \
               WHERE $4 AND m.tenant_id = scope.tenant AND me.place_id = $2 \
                 AND ($5::text IS NULL OR m.meter_type = $5) \
                 AND r.read_at >= $6::date AND r.read_at < $7::date \
               GROUP BY m.estate_id) used ON used.estate_id = e.id \
             LEFT JOIN ( \
               SELECT r.estate_id, \
                 max(r.value) FILTER (WHERE r.kind = 'TANTIEMES') AS tantiemes, \
                 max(r.value) FILTER (WHERE r.kind = 'SURFACE') AS surface, \
                 max(r.value) FILTER (WHERE r.kind = 'OCCUPANTS') AS occupants \
               FROM distribution_references r \
               JOIN estates re ON re.tenant_id = r.tenant_id AND re.id = r.estate_id \
               WHERE r.tenant_id = scope.tenant AND re.place_id = $2 \
                 AND r.valid_from <= $3 AND (r.valid_to IS NULL OR r.valid_to >= $3) \
               GROUP BY r.estate_id) refs ON refs.estate_id = e.id \
             WHERE e.tenant_id = scope.tenant AND e.place_id = $2 \
             ORDER BY e.reference, e.id",
        )))
        .bind(tenant.as_uuid().to_string())
        .bind(place.0)
        .bind(on)
        .bind(consumption.is_some())
        .bind(consumption.and_then(|w| w.meter_type.map(|t| t.as_str())))
        .bind(from)
        .bind(to)
        .fetch_all(lent.conn())
        .await;
        let rows = lent.finish(rows)?;
        Ok(rows
            .into_iter()
            .map(|r| EstateFacts {
                id: EstateId(r.id),
                reference: r.reference,
                surface_m2: r.surface_m2.map(|d| d.normalize()),
                tantiemes: r.tantiemes,
                rooms: r.rooms_count,
                // A count of lessees: never beyond u32 in practice, capped if it ever were.
                occupants: u32::try_from(r.occupants).unwrap_or(u32::MAX),
                consumption: consumption.map(|_| r.consumption.unwrap_or_default().normalize()),
            })
            .collect())
    }
}
