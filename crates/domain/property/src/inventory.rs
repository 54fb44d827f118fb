//! The furniture inventory of an estate, declared once, with the minimum furniture of a
//! furnished letting (Décret 2015-981).

use faireplace_kernel::values::Text;
use faireplace_kernel::{Declared, Item, Record, text_enum, typed_id};

use crate::equipment::Condition;
use crate::estate::EstateId;
use crate::room::RoomId;

typed_id!(
    /// A line of an estate's furniture inventory.
    InventoryId
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

/// A line of an estate's furniture inventory.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "InventoryItem")]
pub struct InventoryData {
    /// A room of the same estate (storage refuses another estate's room).
    pub room_id: Option<RoomId>,
    #[field(max_len = 200, example = "Couette 220x240")]
    pub label: Text,
    /// The Décret 2015-981 item this line satisfies, if any.
    pub category: Option<FurnitureItem>,
    /// 1 when absent; 0 records a missing item.
    #[field(default = 1, min = 0, max = 10000, example = "1")]
    pub quantity: i32,
    pub condition: Option<Condition>,
    #[field(max_len = 2000)]
    pub notes: Option<Text>,
}

impl Declared for InventoryData {
    type Id = InventoryId;
    type Parent = EstateId;
    const NOUN: &'static str = "inventory item";
    const PLURAL: &'static str = "inventory";
    const TABLE: &'static str = "inventory_items";
    const PATH: &'static str = "/api/estates/{estate_id}/inventory";
    const PARENT_FIELD: &'static str = "estate_id";
    const PARENT_TABLE: &'static str = "estates";
    const TAG: &'static str = "Inventory";
    const SEARCH: &'static [&'static str] = &["label", "notes"];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"label": "Couette 220x240", "category": "BEDDING", "quantity": 1, "condition": "NEW"}"#,
    );
}

/// A line of an estate's furniture inventory.
pub type InventoryItem = Item<InventoryData>;

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn item(category: FurnitureItem, quantity: i32) -> InventoryItem {
        InventoryItem::new(
            InventoryId::generate(),
            EstateId::generate(),
            InventoryData {
                room_id: None,
                label: Text::from_trusted(category.as_str().into()),
                category: Some(category),
                quantity,
                condition: None,
                notes: None,
            },
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
}
