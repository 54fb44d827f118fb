//! What an estate contains: rooms, equipment and the furniture inventory, with the minimum
//! furniture of a furnished letting (Décret 2015-981).

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, text_enum, typed_id};
use rust_decimal::Decimal;

use crate::estate::EstateId;
use crate::types::TypeId;
use crate::{OfEstate, not_future, opt_decimal, opt_enum, opt_int, opt_text, req_text, required};

typed_id!(RoomId);
typed_id!(EquipmentId);
typed_id!(InventoryId);

text_enum!(
    pub Condition {
        New => "NEW",
        Good => "GOOD",
        Fair => "FAIR",
        Poor => "POOR",
        OutOfOrder => "OUT_OF_ORDER",
    }
);

text_enum!(
    /// The eleven items a furnished home must have (Décret 2015-981 of 31 July 2015).
    pub FurnitureItem {
        /// Bedding with a duvet or a blanket.
        Bedding => "BEDDING",
        /// Window blackout in the rooms used as bedrooms.
        WindowBlackout => "WINDOW_BLACKOUT",
        Hob => "HOB",
        OvenOrMicrowave => "OVEN_OR_MICROWAVE",
        /// A fridge with a freezer compartment (≤ −6 °C), or a fridge and a freezer.
        FridgeWithFreezer => "FRIDGE_WITH_FREEZER",
        Tableware => "TABLEWARE",
        KitchenUtensils => "KITCHEN_UTENSILS",
        TableAndSeats => "TABLE_AND_SEATS",
        StorageShelves => "STORAGE_SHELVES",
        Lights => "LIGHTS",
        CleaningEquipment => "CLEANING_EQUIPMENT",
    }
);

/// The Décret 2015-981 items an inventory lacks (an item counts when its quantity is at least 1).
pub fn missing_furniture(items: &[InventoryItem]) -> Vec<FurnitureItem> {
    FurnitureItem::ALL
        .iter()
        .copied()
        .filter(|needed| {
            !items
                .iter()
                .any(|i| i.data.category == Some(*needed) && i.data.quantity > 0)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct RoomInput {
    pub type_id: Option<uuid::Uuid>,
    pub name: Option<String>,
    pub surface_m2: Option<Decimal>,
    pub floor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomData {
    pub type_id: TypeId,
    pub name: Text,
    pub surface_m2: Option<Decimal>,
    pub floor: Option<i32>,
}

impl RoomData {
    pub fn parse(input: &RoomInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let type_id = required(&mut errors, "type_id", input.type_id);
        let name = req_text(&mut errors, "name", &input.name, 100);
        let surface_m2 = opt_decimal(
            &mut errors,
            "surface_m2",
            input.surface_m2,
            Decimal::new(1, 2),
            Decimal::from(10_000),
        );
        let floor = opt_int(&mut errors, "floor", input.floor, -10, 300);
        errors.into_result()?;
        match (type_id, name) {
            (Some(type_id), Some(name)) => Ok(Self {
                type_id: TypeId(type_id),
                name,
                surface_m2,
                floor: floor.map(|f| f as i32),
            }),
            _ => Err(ValidationErrors::single("name", "is required")),
        }
    }
}

/// Declares an entity of an estate: id, estate, data, timestamps, `new` and `replace`.
macro_rules! estate_entity {
    ($(#[$meta:meta])* $name:ident, $id:ident, $data:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            pub id: $id,
            pub estate_id: EstateId,
            pub data: $data,
            pub created_at: DateTime<Utc>,
            pub updated_at: DateTime<Utc>,
        }

        impl $name {
            pub fn new(estate_id: EstateId, data: $data, now: DateTime<Utc>) -> Self {
                Self {
                    id: $id::generate(),
                    estate_id,
                    data,
                    created_at: now,
                    updated_at: now,
                }
            }

            pub fn replace(&mut self, data: $data, now: DateTime<Utc>) {
                self.data = data;
                self.updated_at = now;
            }
        }

        impl OfEstate for $name {
            fn estate_id(&self) -> EstateId {
                self.estate_id
            }
        }
    };
}

pub(crate) use estate_entity;

estate_entity!(
    /// A room of an estate.
    Room, RoomId, RoomData
);

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct EquipmentInput {
    pub room_id: Option<uuid::Uuid>,
    pub type_id: Option<uuid::Uuid>,
    pub name: Option<String>,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_until: Option<NaiveDate>,
    pub condition: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EquipmentData {
    /// A room of the same estate (storage refuses another estate's room).
    pub room_id: Option<RoomId>,
    pub type_id: TypeId,
    pub name: Text,
    pub brand: Option<Text>,
    pub model: Option<Text>,
    pub serial_number: Option<Text>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_until: Option<NaiveDate>,
    pub condition: Condition,
}

impl EquipmentData {
    pub fn parse(input: &EquipmentInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let type_id = required(&mut errors, "type_id", input.type_id);
        let name = req_text(&mut errors, "name", &input.name, 100);
        let brand = opt_text(&mut errors, "brand", &input.brand, 100);
        let model = opt_text(&mut errors, "model", &input.model, 100);
        let serial_number = opt_text(&mut errors, "serial_number", &input.serial_number, 100);
        not_future(&mut errors, "installed_on", input.installed_on, today);
        if let (Some(installed), Some(warranty)) = (input.installed_on, input.warranty_until)
            && warranty < installed
        {
            errors.push("warranty_until", "must not be before installed_on");
        }
        let condition = opt_enum(&mut errors, "condition", &input.condition, Condition::parse);
        errors.into_result()?;
        match (type_id, name) {
            (Some(type_id), Some(name)) => Ok(Self {
                room_id: input.room_id.map(RoomId),
                type_id: TypeId(type_id),
                name,
                brand,
                model,
                serial_number,
                installed_on: input.installed_on,
                warranty_until: input.warranty_until,
                condition: condition.unwrap_or(Condition::Good),
            }),
            _ => Err(ValidationErrors::single("name", "is required")),
        }
    }
}

estate_entity!(
    /// A piece of equipment (boiler, hob…) of an estate.
    Equipment, EquipmentId, EquipmentData
);

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct InventoryInput {
    pub room_id: Option<uuid::Uuid>,
    pub label: Option<String>,
    pub category: Option<String>,
    pub quantity: Option<i64>,
    pub condition: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryData {
    pub room_id: Option<RoomId>,
    pub label: Text,
    /// The Décret 2015-981 item it satisfies, if any.
    pub category: Option<FurnitureItem>,
    pub quantity: i32,
    pub condition: Option<Condition>,
    pub notes: Option<Text>,
}

impl InventoryData {
    pub fn parse(input: &InventoryInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let label = req_text(&mut errors, "label", &input.label, 200);
        let category = opt_enum(
            &mut errors,
            "category",
            &input.category,
            FurnitureItem::parse,
        );
        let quantity = opt_int(&mut errors, "quantity", input.quantity, 0, 10_000).unwrap_or(1);
        let condition = opt_enum(&mut errors, "condition", &input.condition, Condition::parse);
        let notes = opt_text(&mut errors, "notes", &input.notes, 2000);
        errors.into_result()?;
        let Some(label) = label else {
            return Err(ValidationErrors::single("label", "is required"));
        };
        Ok(Self {
            room_id: input.room_id.map(RoomId),
            label,
            category,
            quantity: quantity as i32,
            condition,
            notes,
        })
    }
}

estate_entity!(
    /// A line of an estate's furniture inventory.
    InventoryItem, InventoryId, InventoryData
);

#[cfg(test)]
mod tests {
    use super::*;

    fn item(category: FurnitureItem, quantity: i64) -> InventoryItem {
        InventoryItem::new(
            EstateId::generate(),
            InventoryData::parse(&InventoryInput {
                label: Some(category.as_str().into()),
                category: Some(category.as_str().into()),
                quantity: Some(quantity),
                ..Default::default()
            })
            .expect("valid"),
            Utc::now(),
        )
    }

    #[test]
    fn there_are_eleven_mandatory_items() {
        assert_eq!(FurnitureItem::ALL.len(), 11);
        assert_eq!(missing_furniture(&[]).len(), 11);
    }

    #[test]
    fn an_inventory_is_compliant_when_every_item_is_there() {
        let mut items: Vec<InventoryItem> =
            FurnitureItem::ALL.iter().map(|c| item(*c, 1)).collect();
        assert!(missing_furniture(&items).is_empty());
        // A line with quantity 0 does not count.
        items.retain(|i| i.data.category != Some(FurnitureItem::Hob));
        items.push(item(FurnitureItem::Hob, 0));
        assert_eq!(missing_furniture(&items), [FurnitureItem::Hob]);
    }

    #[test]
    fn equipment_dates_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
        let e = EquipmentData::parse(
            &EquipmentInput {
                type_id: Some(uuid::Uuid::now_v7()),
                name: Some("Chaudière".into()),
                installed_on: NaiveDate::from_ymd_opt(2027, 1, 1),
                warranty_until: NaiveDate::from_ymd_opt(2026, 1, 1),
                condition: Some("BROKEN".into()),
                ..Default::default()
            },
            today,
        )
        .expect_err("invalid");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["installed_on", "warranty_until", "condition"]);
    }
}
