//! Charge categories, distribution keys and place services in PostgreSQL.

use async_trait::async_trait;
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use faireplace_charges::{
    Billing, CalculationType, CategoryType, ChargeCategory, ChargeCategoryData, ChargeCategoryId,
    DistributionKey, DistributionKeyData, DistributionKeyId, EstateFacts, Frequency, KeyParameters,
    Maintenance, PlaceService, PlaceServiceData, PlaceServiceId, SpaceType, ValidationRules,
};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::charges::{ConsumptionWindow, DistributionFacts};
use faireplace_ports::{ListQuery, RepoError, Repository};
use faireplace_property::PlaceId;
use rust_decimal::Decimal;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    HasTotal, ListFilter, ListSource, affected_one, deleted_one, fetch_by_id, list_page,
    push_search, s, scoped, text,
};
use crate::error::map_error;

/// Charge categories in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgChargeCategories(pub Db);

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: Uuid,
    name: String,
    category_type: String,
    recovery_rate: Decimal,
    description: Option<String>,
    legal_reference: Option<String>,
    maintenance_provider_contact_id: Option<Uuid>,
    maintenance_contract_reference: Option<String>,
    maintenance_frequency: Option<String>,
    maintenance_notes: Option<String>,
    notification_threshold: Option<Decimal>,
    notification_frequency: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for CategoryRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<CategoryRow> for ChargeCategory {
    fn from(r: CategoryRow) -> Self {
        let maintenance = Maintenance {
            provider_contact_id: r.maintenance_provider_contact_id,
            contract_reference: text(r.maintenance_contract_reference),
            frequency: text(r.maintenance_frequency),
            notes: text(r.maintenance_notes),
        };
        ChargeCategory {
            id: ChargeCategoryId(r.id),
            data: ChargeCategoryData {
                name: Text::from_trusted(r.name),
                category_type: CategoryType::parse(&r.category_type).unwrap_or(CategoryType::Other),
                recovery_rate: r.recovery_rate.normalize(),
                description: text(r.description),
                legal_reference: text(r.legal_reference),
                maintenance: (maintenance != Maintenance::default()).then_some(maintenance),
                notification_threshold: r.notification_threshold.map(|d| d.normalize()),
                notification_frequency: r
                    .notification_frequency
                    .and_then(|f| Frequency::parse(&f).ok()),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct CategoryFilters;

impl ListFilter<ChargeCategory> for CategoryFilters {
    fn push(query: &ListQuery<ChargeCategory>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(kind) = query.filter.category_type {
            qb.push(" AND category_type = ");
            qb.push_bind(kind.as_str());
        }
        push_search(query.search.as_deref(), &["name", "description"], qb);
    }
}

/// The category's fields, `$3` to `$14`, in the order both writes take them.
fn bind_data<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    c: &'q ChargeCategory,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let d = &c.data;
    let m = d.maintenance.clone().unwrap_or_default();
    q.bind(d.name.as_str())
        .bind(d.category_type.as_str())
        .bind(d.recovery_rate)
        .bind(s(&d.description).map(str::to_owned))
        .bind(s(&d.legal_reference).map(str::to_owned))
        .bind(m.provider_contact_id)
        .bind(s(&m.contract_reference).map(str::to_owned))
        .bind(s(&m.frequency).map(str::to_owned))
        .bind(s(&m.notes).map(str::to_owned))
        .bind(d.notification_threshold)
        .bind(d.notification_frequency.map(|f| f.to_string()))
        .bind(c.updated_at)
}

/// The only reference a category holds is its maintenance provider.
fn category_error(e: RepoError) -> RepoError {
    match e {
        RepoError::MissingReference { .. } => RepoError::MissingReference {
            field: "maintenance.provider_contact_id".into(),
        },
        other => other,
    }
}

#[async_trait]
impl Repository<ChargeCategory> for PgChargeCategories {
    async fn insert(
        &self,
        tenant: TenantId,
        c: &ChargeCategory,
        journal: &Journal,
    ) -> Result<ChargeCategory, RepoError> {
        let q = sqlx::query(
            "INSERT INTO charge_categories (tenant_id, id, name, category_type, recovery_rate, \
             description, legal_reference, maintenance_provider_contact_id, \
             maintenance_contract_reference, maintenance_frequency, maintenance_notes, \
             notification_threshold, notification_frequency, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0);
        let q = bind_data(q, c).bind(c.created_at);
        affected_one(&self.0, tenant, q, journal)
            .await
            .map_err(category_error)?;
        Ok(c.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: ChargeCategoryId,
    ) -> Result<Option<ChargeCategory>, RepoError> {
        let row: Option<CategoryRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM charge_categories WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(ChargeCategory::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<ChargeCategory>,
    ) -> Result<Page<ChargeCategory>, RepoError> {
        list_page::<ChargeCategory, CategoryRow, CategoryFilters>(
            &self.0,
            tenant,
            &ListSource::table("charge_categories"),
            query,
            crate::common::infallible(ChargeCategory::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        c: &ChargeCategory,
        journal: &Journal,
    ) -> Result<Option<ChargeCategory>, RepoError> {
        let q = sqlx::query(
            "UPDATE charge_categories SET name = $3, category_type = $4, recovery_rate = $5, \
             description = $6, legal_reference = $7, maintenance_provider_contact_id = $8, \
             maintenance_contract_reference = $9, maintenance_frequency = $10, \
             maintenance_notes = $11, notification_threshold = $12, \
             notification_frequency = $13, updated_at = $14 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(c.id.0);
        let q = bind_data(q, c);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await
            .map_err(category_error)?
            .then(|| c.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: ChargeCategoryId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM charge_categories WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
}

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
    parameters: sqlx::types::Json<KeyParameters>,
    validation_rules: sqlx::types::Json<ValidationRules>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for KeyRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<KeyRow> for DistributionKey {
    fn from(r: KeyRow) -> Self {
        DistributionKey {
            id: DistributionKeyId(r.id),
            data: DistributionKeyData {
                name: Text::from_trusted(r.name),
                description: text(r.description),
                calculation_type: CalculationType::parse(&r.calculation_type)
                    .unwrap_or(CalculationType::PartsEgales),
                formula: text(r.formula),
                parameters: r.parameters.0,
                validation_rules: r.validation_rules.0,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct KeyFilters;

impl ListFilter<DistributionKey> for KeyFilters {
    fn push(query: &ListQuery<DistributionKey>, qb: &mut QueryBuilder<Postgres>) {
        if let Some(kind) = query.filter.calculation_type {
            qb.push(" AND calculation_type = ");
            qb.push_bind(kind.as_str());
        }
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

#[async_trait]
impl Repository<DistributionKey> for PgDistributionKeys {
    async fn insert(
        &self,
        tenant: TenantId,
        k: &DistributionKey,
        journal: &Journal,
    ) -> Result<DistributionKey, RepoError> {
        let q = sqlx::query(
            "INSERT INTO distribution_keys (tenant_id, id, name, description, calculation_type, \
             formula, parameters, validation_rules, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant.as_uuid())
        .bind(k.id.0);
        let q = bind_key(q, k).bind(k.created_at);
        affected_one(&self.0, tenant, q, journal).await?;
        Ok(k.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: DistributionKeyId,
    ) -> Result<Option<DistributionKey>, RepoError> {
        let row: Option<KeyRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM distribution_keys WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(DistributionKey::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<DistributionKey>,
    ) -> Result<Page<DistributionKey>, RepoError> {
        list_page::<DistributionKey, KeyRow, KeyFilters>(
            &self.0,
            tenant,
            &ListSource::table("distribution_keys"),
            query,
            crate::common::infallible(DistributionKey::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        k: &DistributionKey,
        journal: &Journal,
    ) -> Result<Option<DistributionKey>, RepoError> {
        let q = sqlx::query(
            "UPDATE distribution_keys SET name = $3, description = $4, calculation_type = $5, \
             formula = $6, parameters = $7, validation_rules = $8, updated_at = $9 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(k.id.0);
        let q = bind_key(q, k);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| k.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: DistributionKeyId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let q = sqlx::query("DELETE FROM distribution_keys WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0);
        deleted_one(&self.0, tenant, q, journal).await
    }
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
        .bind(consumption.and_then(|w| w.meter_type.clone()))
        .bind(from)
        .bind(to)
        .fetch_all(lent.conn())
        .await;
        let rows = lent.finish(rows)?;
        Ok(rows
            .into_iter()
            .map(|r| EstateFacts {
                id: r.id,
                reference: r.reference,
                surface_m2: r.surface_m2.map(|d| d.normalize()),
                tantiemes: r.tantiemes,
                rooms: r.rooms_count,
                occupants: u32::try_from(r.occupants).unwrap_or(u32::MAX),
                consumption: consumption.map(|_| r.consumption.unwrap_or_default().normalize()),
            })
            .collect())
    }
}

/// Services of places in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgPlaceServices(pub Db);

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: Uuid,
    place_id: Uuid,
    name: String,
    description: Option<String>,
    category_id: Option<Uuid>,
    space_type: String,
    default_distribution_key_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl HasTotal for ServiceRow {
    fn total(&self) -> i64 {
        self.total
    }
}

impl From<ServiceRow> for PlaceService {
    fn from(r: ServiceRow) -> Self {
        PlaceService {
            id: PlaceServiceId(r.id),
            place_id: r.place_id,
            data: PlaceServiceData {
                name: Text::from_trusted(r.name),
                description: text(r.description),
                space_type: SpaceType::parse(&r.space_type).unwrap_or(SpaceType::Technical),
                billing: match (r.category_id, r.default_distribution_key_id) {
                    (Some(c), Some(k)) => Some(Billing {
                        category_id: ChargeCategoryId(c),
                        default_distribution_key_id: DistributionKeyId(k),
                    }),
                    _ => None,
                },
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct ServiceFilters;

impl ListFilter<PlaceService> for ServiceFilters {
    fn push(query: &ListQuery<PlaceService>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        if let Some(place) = f.place_id {
            qb.push(" AND place_id = ");
            qb.push_bind(place);
        }
        if let Some(space) = f.space_type {
            qb.push(" AND space_type = ");
            qb.push_bind(space.as_str());
        }
        if let Some(chargeable) = f.is_chargeable {
            qb.push(" AND is_chargeable = ");
            qb.push_bind(chargeable);
        }
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

#[async_trait]
impl Repository<PlaceService> for PgPlaceServices {
    async fn insert(
        &self,
        tenant: TenantId,
        p: &PlaceService,
        journal: &Journal,
    ) -> Result<PlaceService, RepoError> {
        let q = sqlx::query(
            "INSERT INTO place_services (tenant_id, id, name, description, is_chargeable, \
             category_id, space_type, default_distribution_key_id, updated_at, place_id, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(tenant.as_uuid())
        .bind(p.id.0);
        let q = bind_service(q, p).bind(p.place_id).bind(p.created_at);
        affected_one(&self.0, tenant, q, journal).await?;
        Ok(p.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: PlaceServiceId,
    ) -> Result<Option<PlaceService>, RepoError> {
        let row: Option<ServiceRow> = fetch_by_id(
            &self.0,
            "SELECT * FROM place_services WHERE tenant_id = scope.tenant AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        Ok(row.map(PlaceService::from))
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<PlaceService>,
    ) -> Result<Page<PlaceService>, RepoError> {
        list_page::<PlaceService, ServiceRow, ServiceFilters>(
            &self.0,
            tenant,
            &ListSource::table("place_services"),
            query,
            crate::common::infallible(PlaceService::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        p: &PlaceService,
        journal: &Journal,
    ) -> Result<Option<PlaceService>, RepoError> {
        let q = sqlx::query(
            "UPDATE place_services SET name = $3, description = $4, is_chargeable = $5, \
             category_id = $6, space_type = $7, default_distribution_key_id = $8, \
             updated_at = $9 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(p.id.0);
        let q = bind_service(q, p);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| p.clone()))
    }

    /// Refused with `SERVICE_IN_USE` while an active lease charge uses the service (checked
    /// under a lock of the service, so that no charge starts using it meanwhile).
    async fn delete(
        &self,
        tenant: TenantId,
        id: PlaceServiceId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let in_use: Option<bool> = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM lease_charges c WHERE c.tenant_id = s.tenant_id \
               AND c.service_id = s.id AND c.active) \
             FROM place_services s WHERE s.tenant_id = $1 AND s.id = $2 FOR UPDATE OF s",
        )
        .bind(tenant.as_uuid())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        match in_use {
            None => return Ok(false),
            Some(true) => {
                return Err(RepoError::Conflict {
                    code: ErrorCode::ServiceInUse,
                    message: "an active lease charge uses this service; deactivate it first".into(),
                });
            }
            Some(false) => {}
        }
        sqlx::query("DELETE FROM place_services WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(crate::error::map_delete_error)?;
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(true)
    }
}

/// The audit log in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgAuditLog(pub Db);

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    action: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    key_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    total: i64,
}

#[async_trait]
impl faireplace_ports::audit::AuditLog for PgAuditLog {
    async fn record(
        &self,
        tenant: TenantId,
        e: &faireplace_ports::audit::AuditEntry,
    ) -> Result<(), RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        crate::journal::audit(&mut tx, tenant, e).await?;
        tx.commit().await.map_err(map_error)
    }

    async fn list(
        &self,
        tenant: TenantId,
        entity_types: &[&str],
        entity_id: Option<Uuid>,
        page: faireplace_kernel::PageRequest,
    ) -> Result<Page<faireplace_ports::audit::AuditEntry>, RepoError> {
        // Only the filters given are in the SQL: a plan made for `($2 IS NULL OR …)` (a
        // generic one, which PostgreSQL may settle on) could not use the entity index.
        let mut qb =
            QueryBuilder::<Postgres>::new("SELECT q.* FROM (SELECT set_config('app.tenant_id', ");
        qb.push_bind(tenant.as_uuid().to_string());
        qb.push(
            "::text, true)::uuid AS tenant) AS scope CROSS JOIN LATERAL (\
             SELECT p.* FROM (SELECT a.*, count(*) OVER () AS total FROM charge_audit_logs a \
             WHERE a.tenant_id = scope.tenant",
        );
        if !entity_types.is_empty() {
            qb.push(" AND a.entity_type = ANY(");
            qb.push_bind(
                entity_types
                    .iter()
                    .map(|t| (*t).to_owned())
                    .collect::<Vec<_>>(),
            );
            qb.push(")");
        }
        if let Some(id) = entity_id {
            qb.push(" AND a.entity_id = ");
            qb.push_bind(id);
        }
        qb.push(" ORDER BY a.created_at DESC, a.id DESC LIMIT ");
        qb.push_bind(i64::from(page.limit()));
        qb.push(" OFFSET ");
        qb.push_bind(page.offset() as i64);
        qb.push(") p OFFSET 0) AS q");
        let mut lent = self.0.reads().acquire().await?;
        let rows: Result<Vec<AuditRow>, _> = qb.build_query_as().fetch_all(lent.conn()).await;
        let mut rows = lent.finish(rows)?;
        rows.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
        let total = rows.first().map(|r| r.total).unwrap_or(0);
        use faireplace_kernel::TextEnum;
        let items = rows
            .into_iter()
            .map(|r| {
                let action =
                    faireplace_ports::audit::AuditAction::from_stored("action", Some(r.action))
                        .map_err(|error| RepoError::Corrupt {
                            table: "charge_audit_logs",
                            id: r.id.to_string(),
                            error,
                        })?
                        .ok_or_else(|| {
                            RepoError::Unknown("an audit entry without action".into())
                        })?;
                Ok(faireplace_ports::audit::AuditEntry {
                    id: r.id,
                    entity_type: r.entity_type,
                    entity_id: r.entity_id,
                    action,
                    before: r.before,
                    after: r.after,
                    key_id: r.key_id,
                    created_at: r.created_at,
                })
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        Ok(Page {
            items,
            request: page,
            total: u64::try_from(total).unwrap_or(0),
        })
    }
}

/// A service's billing defaults, for what is charged under it: `(place, category, key)`; a
/// service that is not chargeable names neither. Missing in the tenant: `service_id` refers to
/// nothing.
pub(crate) async fn service_defaults(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    service: Uuid,
) -> Result<(Uuid, Option<Uuid>, Option<Uuid>), RepoError> {
    let row: Option<(Uuid, Option<Uuid>, Option<Uuid>)> = sqlx::query_as(
        "SELECT place_id, category_id, default_distribution_key_id FROM place_services \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.as_uuid())
    .bind(service)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    row.ok_or_else(|| RepoError::MissingReference {
        field: "service_id".into(),
    })
}
