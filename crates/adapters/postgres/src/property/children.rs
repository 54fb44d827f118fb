//! What hangs under an estate: rooms, equipment, inventory, keys and their history, energy
//! diagnoses and other diagnostics.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::property::{ChildFilter, KeyHistory};
use faireplace_ports::{ListQuery, RepoError, Repository, Resource};
use faireplace_property::{
    Condition, Diagnostic, DiagnosticData, DiagnosticId, DiagnosticType, EnergyClass,
    EnergyDiagnosis, EnergyDiagnosisData, EnergyDiagnosisId, Equipment, EquipmentData, EquipmentId,
    EstateId, EstateKey, FurnitureItem, HolderKind, InventoryData, InventoryId, InventoryItem,
    KeyData, KeyHandover, KeyId, KeyKind, Room, RoomData, RoomId, TypeId,
};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::Db;
use crate::common::{
    HasTotal, ListFilter, ListSource, affected_one, fetch_by_id, list_page, s, text,
};
use crate::error::map_error;

/// Lists of an estate's sub-resources filter on the estate.
struct ByEstate;

impl<R: Resource<Filter = ChildFilter>> ListFilter<R> for ByEstate {
    fn push(query: &ListQuery<R>, qb: &mut QueryBuilder<Postgres>) {
        qb.push(" AND estate_id = ");
        qb.push_bind(query.filter.estate_id.0);
    }
}

macro_rules! has_total {
    ($($row:ty),+) => {
        $(impl HasTotal for $row {
            fn total(&self) -> i64 {
                self.total
            }
        })+
    };
}

/// Reads one row of `table` by id and converts it.
async fn get_one<Row, R>(
    db: &Db,
    tenant: TenantId,
    sql: &'static str,
    id: Uuid,
) -> Result<Option<R>, RepoError>
where
    Row: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin + Into<R>,
{
    let row: Option<Row> = fetch_by_id(db, sql, tenant, id).await?;
    Ok(row.map(Into::into))
}

async fn delete_one(
    db: &Db,
    tenant: TenantId,
    sql: &'static str,
    id: Uuid,
    journal: &Journal,
) -> Result<bool, RepoError> {
    crate::common::deleted_one(
        db,
        tenant,
        sqlx::query(sql).bind(tenant.as_uuid()).bind(id),
        journal,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Rooms

#[derive(Clone, Debug)]
pub struct PgRooms(pub Db);

#[derive(sqlx::FromRow)]
struct RoomRow {
    id: Uuid,
    estate_id: Uuid,
    type_id: Uuid,
    name: String,
    surface_m2: Option<Decimal>,
    floor: Option<i32>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl From<RoomRow> for Room {
    fn from(r: RoomRow) -> Self {
        Room {
            id: RoomId(r.id),
            estate_id: EstateId(r.estate_id),
            data: RoomData {
                type_id: TypeId(r.type_id),
                name: Text::from_trusted(r.name),
                surface_m2: r.surface_m2.map(|d| d.normalize()),
                floor: r.floor,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[async_trait]
impl Repository<Room> for PgRooms {
    async fn insert(
        &self,
        tenant: TenantId,
        r: &Room,
        journal: &Journal,
    ) -> Result<Room, RepoError> {
        let q = sqlx::query(
            "INSERT INTO rooms (tenant_id, id, estate_id, type_id, name, surface_m2, floor, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant.as_uuid())
        .bind(r.id.0)
        .bind(r.estate_id.0)
        .bind(r.data.type_id.0)
        .bind(r.data.name.as_str())
        .bind(r.data.surface_m2)
        .bind(r.data.floor)
        .bind(r.created_at)
        .bind(r.updated_at);
        affected_one(&self.0, tenant, q, journal).await?;
        Ok(r.clone())
    }

    async fn get(&self, tenant: TenantId, id: RoomId) -> Result<Option<Room>, RepoError> {
        get_one::<RoomRow, Room>(
            &self.0,
            tenant,
            "SELECT * FROM rooms WHERE tenant_id = scope.tenant AND id = $2",
            id.0,
        )
        .await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Room>,
    ) -> Result<Page<Room>, RepoError> {
        list_page::<Room, RoomRow, ByEstate>(
            &self.0,
            tenant,
            &ListSource::table("rooms"),
            query,
            crate::common::infallible(Room::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        r: &Room,
        journal: &Journal,
    ) -> Result<Option<Room>, RepoError> {
        let q = sqlx::query(
            "UPDATE rooms SET type_id = $3, name = $4, surface_m2 = $5, floor = $6, updated_at = $7 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(r.id.0)
        .bind(r.data.type_id.0)
        .bind(r.data.name.as_str())
        .bind(r.data.surface_m2)
        .bind(r.data.floor)
        .bind(r.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| r.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: RoomId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        delete_one(
            &self.0,
            tenant,
            "DELETE FROM rooms WHERE tenant_id = $1 AND id = $2",
            id.0,
            journal,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Equipment

#[derive(Clone, Debug)]
pub struct PgEquipment(pub Db);

#[derive(sqlx::FromRow)]
struct EquipmentRow {
    id: Uuid,
    estate_id: Uuid,
    room_id: Option<Uuid>,
    type_id: Uuid,
    name: String,
    brand: Option<String>,
    model: Option<String>,
    serial_number: Option<String>,
    installed_on: Option<NaiveDate>,
    warranty_until: Option<NaiveDate>,
    condition: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl From<EquipmentRow> for Equipment {
    fn from(r: EquipmentRow) -> Self {
        Equipment {
            id: EquipmentId(r.id),
            estate_id: EstateId(r.estate_id),
            data: EquipmentData {
                room_id: r.room_id.map(RoomId),
                type_id: TypeId(r.type_id),
                name: Text::from_trusted(r.name),
                brand: text(r.brand),
                model: text(r.model),
                serial_number: text(r.serial_number),
                installed_on: r.installed_on,
                warranty_until: r.warranty_until,
                condition: Condition::parse(&r.condition).unwrap_or(Condition::Good),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[async_trait]
impl Repository<Equipment> for PgEquipment {
    async fn insert(
        &self,
        tenant: TenantId,
        e: &Equipment,
        journal: &Journal,
    ) -> Result<Equipment, RepoError> {
        let d = &e.data;
        let q = sqlx::query(
            "INSERT INTO equipment (tenant_id, id, estate_id, room_id, type_id, name, brand, model, \
             serial_number, installed_on, warranty_until, condition, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(tenant.as_uuid())
        .bind(e.id.0)
        .bind(e.estate_id.0)
        .bind(d.room_id.map(|r| r.0))
        .bind(d.type_id.0)
        .bind(d.name.as_str())
        .bind(s(&d.brand))
        .bind(s(&d.model))
        .bind(s(&d.serial_number))
        .bind(d.installed_on)
        .bind(d.warranty_until)
        .bind(d.condition.as_str())
        .bind(e.created_at)
        .bind(e.updated_at);
        affected_one(&self.0, tenant, q, journal).await?;
        Ok(e.clone())
    }

    async fn get(&self, tenant: TenantId, id: EquipmentId) -> Result<Option<Equipment>, RepoError> {
        get_one::<EquipmentRow, Equipment>(
            &self.0,
            tenant,
            "SELECT * FROM equipment WHERE tenant_id = scope.tenant AND id = $2",
            id.0,
        )
        .await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Equipment>,
    ) -> Result<Page<Equipment>, RepoError> {
        list_page::<Equipment, EquipmentRow, ByEstate>(
            &self.0,
            tenant,
            &ListSource::table("equipment"),
            query,
            crate::common::infallible(Equipment::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        e: &Equipment,
        journal: &Journal,
    ) -> Result<Option<Equipment>, RepoError> {
        let d = &e.data;
        let q = sqlx::query(
            "UPDATE equipment SET room_id = $3, type_id = $4, name = $5, brand = $6, model = $7, \
             serial_number = $8, installed_on = $9, warranty_until = $10, condition = $11, \
             updated_at = $12 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(e.id.0)
        .bind(d.room_id.map(|r| r.0))
        .bind(d.type_id.0)
        .bind(d.name.as_str())
        .bind(s(&d.brand))
        .bind(s(&d.model))
        .bind(s(&d.serial_number))
        .bind(d.installed_on)
        .bind(d.warranty_until)
        .bind(d.condition.as_str())
        .bind(e.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| e.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: EquipmentId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        delete_one(
            &self.0,
            tenant,
            "DELETE FROM equipment WHERE tenant_id = $1 AND id = $2",
            id.0,
            journal,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Inventory

#[derive(Clone, Debug)]
pub struct PgInventory(pub Db);

#[derive(sqlx::FromRow)]
struct InventoryRow {
    id: Uuid,
    estate_id: Uuid,
    room_id: Option<Uuid>,
    label: String,
    category: Option<String>,
    quantity: i32,
    condition: Option<String>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl From<InventoryRow> for InventoryItem {
    fn from(r: InventoryRow) -> Self {
        InventoryItem {
            id: InventoryId(r.id),
            estate_id: EstateId(r.estate_id),
            data: InventoryData {
                room_id: r.room_id.map(RoomId),
                label: Text::from_trusted(r.label),
                category: r.category.and_then(|c| FurnitureItem::parse(&c).ok()),
                quantity: r.quantity,
                condition: r.condition.and_then(|c| Condition::parse(&c).ok()),
                notes: text(r.notes),
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[async_trait]
impl Repository<InventoryItem> for PgInventory {
    async fn insert(
        &self,
        tenant: TenantId,
        i: &InventoryItem,
        journal: &Journal,
    ) -> Result<InventoryItem, RepoError> {
        let d = &i.data;
        let q = sqlx::query(
            "INSERT INTO inventory_items (tenant_id, id, estate_id, room_id, label, category, quantity, \
             condition, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(tenant.as_uuid())
        .bind(i.id.0)
        .bind(i.estate_id.0)
        .bind(d.room_id.map(|r| r.0))
        .bind(d.label.as_str())
        .bind(d.category.map(|c| c.as_str()))
        .bind(d.quantity)
        .bind(d.condition.map(|c| c.as_str()))
        .bind(s(&d.notes))
        .bind(i.created_at)
        .bind(i.updated_at);
        affected_one(&self.0, tenant, q, journal).await?;
        Ok(i.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: InventoryId,
    ) -> Result<Option<InventoryItem>, RepoError> {
        get_one::<InventoryRow, InventoryItem>(
            &self.0,
            tenant,
            "SELECT * FROM inventory_items WHERE tenant_id = scope.tenant AND id = $2",
            id.0,
        )
        .await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<InventoryItem>,
    ) -> Result<Page<InventoryItem>, RepoError> {
        list_page::<InventoryItem, InventoryRow, ByEstate>(
            &self.0,
            tenant,
            &ListSource::table("inventory_items"),
            query,
            crate::common::infallible(InventoryItem::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        i: &InventoryItem,
        journal: &Journal,
    ) -> Result<Option<InventoryItem>, RepoError> {
        let d = &i.data;
        let q = sqlx::query(
            "UPDATE inventory_items SET room_id = $3, label = $4, category = $5, quantity = $6, \
             condition = $7, notes = $8, updated_at = $9 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(i.id.0)
        .bind(d.room_id.map(|r| r.0))
        .bind(d.label.as_str())
        .bind(d.category.map(|c| c.as_str()))
        .bind(d.quantity)
        .bind(d.condition.map(|c| c.as_str()))
        .bind(s(&d.notes))
        .bind(i.updated_at);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| i.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: InventoryId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        delete_one(
            &self.0,
            tenant,
            "DELETE FROM inventory_items WHERE tenant_id = $1 AND id = $2",
            id.0,
            journal,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

#[derive(Clone, Debug)]
pub struct PgKeys(pub Db);

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: Uuid,
    estate_id: Uuid,
    kind: String,
    label: String,
    quantity: i32,
    holder_kind: Option<String>,
    holder_id: Option<Uuid>,
    handed_over_at: Option<DateTime<Utc>>,
    returned_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl From<KeyRow> for EstateKey {
    fn from(r: KeyRow) -> Self {
        EstateKey {
            id: KeyId(r.id),
            estate_id: EstateId(r.estate_id),
            data: KeyData {
                kind: KeyKind::parse(&r.kind).unwrap_or(KeyKind::Other),
                label: Text::from_trusted(r.label),
                quantity: r.quantity,
                holder_kind: r.holder_kind.and_then(|h| HolderKind::parse(&h).ok()),
                holder_id: r.holder_id,
                handed_over_at: r.handed_over_at,
                returned_at: r.returned_at,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

async fn record_handover(
    conn: &mut PgConnection,
    tenant: TenantId,
    key: KeyId,
    h: &KeyHandover,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO key_handovers (tenant_id, id, key_id, holder_kind, holder_id, handed_over_at, \
         returned_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant.as_uuid())
    .bind(Uuid::now_v7())
    .bind(key.0)
    .bind(h.holder_kind.map(|k| k.as_str()))
    .bind(h.holder_id)
    .bind(h.handed_over_at)
    .bind(h.returned_at)
    .bind(h.recorded_at)
    .execute(conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

#[async_trait]
impl Repository<EstateKey> for PgKeys {
    /// A key given to someone at creation starts its history.
    async fn insert(
        &self,
        tenant: TenantId,
        k: &EstateKey,
        journal: &Journal,
    ) -> Result<EstateKey, RepoError> {
        let d = &k.data;
        let mut tx = self.0.tenant_tx(tenant).await?;
        sqlx::query(
            "INSERT INTO estate_keys (tenant_id, id, estate_id, kind, label, quantity, holder_kind, \
             holder_id, handed_over_at, returned_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tenant.as_uuid())
        .bind(k.id.0)
        .bind(k.estate_id.0)
        .bind(d.kind.as_str())
        .bind(d.label.as_str())
        .bind(d.quantity)
        .bind(d.holder_kind.map(|h| h.as_str()))
        .bind(d.holder_id)
        .bind(d.handed_over_at)
        .bind(d.returned_at)
        .bind(k.created_at)
        .bind(k.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if d.holder_kind.is_some() {
            record_handover(&mut tx, tenant, k.id, &KeyHandover::of(d, k.created_at)).await?;
        }
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(k.clone())
    }

    async fn get(&self, tenant: TenantId, id: KeyId) -> Result<Option<EstateKey>, RepoError> {
        get_one::<KeyRow, EstateKey>(
            &self.0,
            tenant,
            "SELECT * FROM estate_keys WHERE tenant_id = scope.tenant AND id = $2",
            id.0,
        )
        .await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<EstateKey>,
    ) -> Result<Page<EstateKey>, RepoError> {
        list_page::<EstateKey, KeyRow, ByEstate>(
            &self.0,
            tenant,
            &ListSource::table("estate_keys"),
            query,
            crate::common::infallible(EstateKey::from),
        )
        .await
    }

    /// A change of holder or of the hand-over dates is appended to the history, in the same
    /// transaction as the change.
    async fn update(
        &self,
        tenant: TenantId,
        k: &EstateKey,
        journal: &Journal,
    ) -> Result<Option<EstateKey>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let before: Option<KeyRow> =
            sqlx::query_as("SELECT * FROM estate_keys WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
                .bind(tenant.as_uuid())
                .bind(k.id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_error)?;
        let Some(before) = before.map(EstateKey::from) else {
            return Ok(None);
        };
        let d = &k.data;
        sqlx::query(
            "UPDATE estate_keys SET kind = $3, label = $4, quantity = $5, holder_kind = $6, \
             holder_id = $7, handed_over_at = $8, returned_at = $9, updated_at = $10 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(k.id.0)
        .bind(d.kind.as_str())
        .bind(d.label.as_str())
        .bind(d.quantity)
        .bind(d.holder_kind.map(|h| h.as_str()))
        .bind(d.holder_id)
        .bind(d.handed_over_at)
        .bind(d.returned_at)
        .bind(k.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if before.data.handover_changed(d) {
            record_handover(&mut tx, tenant, k.id, &KeyHandover::of(d, k.updated_at)).await?;
        }
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(Some(k.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: KeyId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        delete_one(
            &self.0,
            tenant,
            "DELETE FROM estate_keys WHERE tenant_id = $1 AND id = $2",
            id.0,
            journal,
        )
        .await
    }
}

#[async_trait]
impl KeyHistory for PgKeys {
    async fn history(
        &self,
        tenant: TenantId,
        key: KeyId,
    ) -> Result<Option<Vec<KeyHandover>>, RepoError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            holder_kind: Option<String>,
            holder_id: Option<Uuid>,
            handed_over_at: Option<DateTime<Utc>>,
            returned_at: Option<DateTime<Utc>>,
            recorded_at: DateTime<Utc>,
        }
        let mut tx = self.0.tenant_tx(tenant).await?;
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM estate_keys WHERE tenant_id = $1 AND id = $2)",
        )
        .bind(tenant.as_uuid())
        .bind(key.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        if !exists {
            return Ok(None);
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT holder_kind, holder_id, handed_over_at, returned_at, recorded_at FROM key_handovers \
             WHERE tenant_id = $1 AND key_id = $2 ORDER BY recorded_at, id",
        )
        .bind(tenant.as_uuid())
        .bind(key.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        Ok(Some(
            rows.into_iter()
                .map(|r| KeyHandover {
                    holder_kind: r.holder_kind.and_then(|h| HolderKind::parse(&h).ok()),
                    holder_id: r.holder_id,
                    handed_over_at: r.handed_over_at,
                    returned_at: r.returned_at,
                    recorded_at: r.recorded_at,
                })
                .collect(),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Energy diagnoses

#[derive(Clone, Debug)]
pub struct PgEnergyDiagnoses(pub Db);

#[derive(sqlx::FromRow)]
struct EnergyRow {
    id: Uuid,
    estate_id: Uuid,
    energy_class: String,
    ghg_class: String,
    energy_kwh_m2_year: Decimal,
    ghg_kg_m2_year: Decimal,
    performed_on: NaiveDate,
    estimated_cost_min: Option<Decimal>,
    estimated_cost_max: Option<Decimal>,
    ademe_number: Option<String>,
    media_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(default)]
    total: i64,
}

impl From<EnergyRow> for EnergyDiagnosis {
    fn from(r: EnergyRow) -> Self {
        EnergyDiagnosis {
            id: EnergyDiagnosisId(r.id),
            estate_id: EstateId(r.estate_id),
            data: EnergyDiagnosisData {
                energy_class: EnergyClass::parse(&r.energy_class).unwrap_or(EnergyClass::G),
                ghg_class: EnergyClass::parse(&r.ghg_class).unwrap_or(EnergyClass::G),
                energy_kwh_m2_year: r.energy_kwh_m2_year.normalize(),
                ghg_kg_m2_year: r.ghg_kg_m2_year.normalize(),
                performed_on: r.performed_on,
                estimated_cost_min: r.estimated_cost_min.map(|d| d.normalize()),
                estimated_cost_max: r.estimated_cost_max.map(|d| d.normalize()),
                ademe_number: text(r.ademe_number),
                media_id: r.media_id,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn bind_energy<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    d: &'q EnergyDiagnosisData,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    q.bind(d.energy_class.as_str())
        .bind(d.ghg_class.as_str())
        .bind(d.energy_kwh_m2_year)
        .bind(d.ghg_kg_m2_year)
        .bind(d.performed_on)
        .bind(d.valid_until())
        .bind(d.estimated_cost_min)
        .bind(d.estimated_cost_max)
        .bind(s(&d.ademe_number))
        .bind(d.media_id)
}

#[async_trait]
impl Repository<EnergyDiagnosis> for PgEnergyDiagnoses {
    async fn insert(
        &self,
        tenant: TenantId,
        e: &EnergyDiagnosis,
        journal: &Journal,
    ) -> Result<EnergyDiagnosis, RepoError> {
        let q = sqlx::query(
            "INSERT INTO energy_diagnoses (tenant_id, id, estate_id, created_at, updated_at, energy_class, \
             ghg_class, energy_kwh_m2_year, ghg_kg_m2_year, performed_on, valid_until, \
             estimated_cost_min, estimated_cost_max, ademe_number, media_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(tenant.as_uuid())
        .bind(e.id.0)
        .bind(e.estate_id.0)
        .bind(e.created_at)
        .bind(e.updated_at);
        affected_one(&self.0, tenant, bind_energy(q, &e.data), journal).await?;
        Ok(e.clone())
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: EnergyDiagnosisId,
    ) -> Result<Option<EnergyDiagnosis>, RepoError> {
        get_one::<EnergyRow, EnergyDiagnosis>(
            &self.0,
            tenant,
            "SELECT * FROM energy_diagnoses WHERE tenant_id = scope.tenant AND id = $2",
            id.0,
        )
        .await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<EnergyDiagnosis>,
    ) -> Result<Page<EnergyDiagnosis>, RepoError> {
        list_page::<EnergyDiagnosis, EnergyRow, ByEstate>(
            &self.0,
            tenant,
            &ListSource::table("energy_diagnoses"),
            query,
            crate::common::infallible(EnergyDiagnosis::from),
        )
        .await
    }

    async fn update(
        &self,
        tenant: TenantId,
        e: &EnergyDiagnosis,
        journal: &Journal,
    ) -> Result<Option<EnergyDiagnosis>, RepoError> {
        let q = sqlx::query(
            "UPDATE energy_diagnoses SET created_at = $2, updated_at = $3, energy_class = $4, ghg_class = $5, \
             energy_kwh_m2_year = $6, ghg_kg_m2_year = $7, performed_on = $8, valid_until = $9, \
             estimated_cost_min = $10, estimated_cost_max = $11, ademe_number = $12, media_id = $13 \
             WHERE tenant_id = $1 AND id = $14",
        )
        .bind(tenant.as_uuid())
        .bind(e.created_at)
        .bind(e.updated_at);
        let q = bind_energy(q, &e.data).bind(e.id.0);
        Ok(affected_one(&self.0, tenant, q, journal)
            .await?
            .then(|| e.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: EnergyDiagnosisId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        delete_one(
            &self.0,
            tenant,
            "DELETE FROM energy_diagnoses WHERE tenant_id = $1 AND id = $2",
            id.0,
            journal,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

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
    #[sqlx(default)]
    total: i64,
}

impl From<DiagnosticRow> for Diagnostic {
    fn from(r: DiagnosticRow) -> Self {
        Diagnostic {
            id: DiagnosticId(r.id),
            estate_id: EstateId(r.estate_id),
            data: DiagnosticData {
                diagnostic_type: DiagnosticType::parse(&r.diagnostic_type)
                    .unwrap_or(DiagnosticType::Other),
                performed_on: r.performed_on,
                valid_until: r.valid_until,
                lead_found: r.lead_found,
                media_id: r.media_id,
                notes: text(r.notes),
                is_active: r.is_active,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

struct DiagnosticFilters;

impl ListFilter<Diagnostic> for DiagnosticFilters {
    fn push(query: &ListQuery<Diagnostic>, qb: &mut QueryBuilder<Postgres>) {
        let f = &query.filter;
        qb.push(" AND estate_id = ");
        qb.push_bind(f.estate_id.0);
        if let Some(active) = f.active {
            qb.push(" AND is_active = ");
            qb.push_bind(active);
        }
        if let Some(t) = f.diagnostic_type {
            qb.push(" AND type = ");
            qb.push_bind(t.as_str());
        }
    }
}

#[async_trait]
impl Repository<Diagnostic> for PgDiagnostics {
    /// Replaces the active diagnostic of the same type in one transaction. The estate row is
    /// locked first, so concurrent creations for one estate take turns and exactly one stays
    /// active.
    async fn insert(
        &self,
        tenant: TenantId,
        d: &Diagnostic,
        journal: &Journal,
    ) -> Result<Diagnostic, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let locked: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM estates WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
                .bind(tenant.as_uuid())
                .bind(d.estate_id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_error)?;
        if locked.is_none() {
            return Err(RepoError::MissingReference {
                field: "estate_id".into(),
            });
        }
        sqlx::query(
            "UPDATE estate_diagnostics SET is_active = false, updated_at = $4 \
             WHERE tenant_id = $1 AND estate_id = $2 AND type = $3 AND is_active",
        )
        .bind(tenant.as_uuid())
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
        .bind(tenant.as_uuid())
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
        crate::journal::write(&mut tx, tenant, journal).await?;
        tx.commit().await.map_err(map_error)?;
        let mut stored = d.clone();
        stored.data.is_active = true;
        Ok(stored)
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: DiagnosticId,
    ) -> Result<Option<Diagnostic>, RepoError> {
        get_one::<DiagnosticRow, Diagnostic>(
            &self.0,
            tenant,
            "SELECT * FROM estate_diagnostics WHERE tenant_id = scope.tenant AND id = $2",
            id.0,
        )
        .await
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Diagnostic>,
    ) -> Result<Page<Diagnostic>, RepoError> {
        list_page::<Diagnostic, DiagnosticRow, DiagnosticFilters>(
            &self.0,
            tenant,
            &ListSource::table("estate_diagnostics"),
            query,
            crate::common::infallible(Diagnostic::from),
        )
        .await
    }

    /// Changes the dates, document and notes; the type and whether it is active stay.
    async fn update(
        &self,
        tenant: TenantId,
        d: &Diagnostic,
        journal: &Journal,
    ) -> Result<Option<Diagnostic>, RepoError> {
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
        if affected_one(&self.0, tenant, q, journal).await? {
            self.get(tenant, d.id).await
        } else {
            Ok(None)
        }
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: DiagnosticId,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        delete_one(
            &self.0,
            tenant,
            "DELETE FROM estate_diagnostics WHERE tenant_id = $1 AND id = $2",
            id.0,
            journal,
        )
        .await
    }
}

has_total!(
    RoomRow,
    EquipmentRow,
    InventoryRow,
    KeyRow,
    EnergyRow,
    DiagnosticRow
);
