//! Equipment of an estate (boiler, hob…), declared once, and the condition of a thing.

use chrono::NaiveDate;
use faireplace_kernel::values::Text;
use faireplace_kernel::{Context, Declared, Item, Record, Rules, ValidationErrors};
use faireplace_kernel::{text_enum, typed_id};

use crate::estate::EstateId;
use crate::room::RoomId;
use crate::types::TypeId;

typed_id!(
    /// A piece of equipment of an estate.
    EquipmentId
);

text_enum!(
    /// The state of a thing.
    pub Condition {
        New => "NEW",
        Good => "GOOD",
        Fair => "FAIR",
        Poor => "POOR",
        OutOfOrder => "OUT_OF_ORDER",
    }
);

/// A piece of equipment of an estate. A room must be one of the same estate.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "Equipment", rules)]
pub struct EquipmentData {
    /// A room of the same estate (storage refuses another estate's room).
    pub room_id: Option<RoomId>,
    /// An EQUIPMENT type (`GET /api/types/equipment`).
    pub type_id: TypeId,
    #[field(max_len = 100, example = "Chaudière gaz")]
    pub name: Text,
    #[field(max_len = 100)]
    pub brand: Option<Text>,
    #[field(max_len = 100)]
    pub model: Option<Text>,
    #[field(max_len = 100)]
    pub serial_number: Option<Text>,
    /// Not in the future.
    pub installed_on: Option<NaiveDate>,
    /// Not before installed_on.
    pub warranty_until: Option<NaiveDate>,
    /// GOOD when absent.
    #[field(default = Condition::Good)]
    pub condition: Condition,
}

impl Rules for EquipmentData {
    fn check(&self, errors: &mut ValidationErrors, ctx: &Context) {
        if self.installed_on.is_some_and(|d| d > ctx.today) {
            errors.push("installed_on", "must not be in the future");
        }
        if let (Some(installed), Some(warranty)) = (self.installed_on, self.warranty_until)
            && warranty < installed
        {
            errors.push("warranty_until", "must not be before installed_on");
        }
    }
}

impl Declared for EquipmentData {
    type Id = EquipmentId;
    type Parent = EstateId;
    const NOUN: &'static str = "equipment";
    const PLURAL: &'static str = "equipment";
    const TABLE: &'static str = "equipment";
    const PATH: &'static str = "/api/estates/{estate_id}/equipment";
    const PARENT_FIELD: &'static str = "estate_id";
    const PARENT_TABLE: &'static str = "estates";
    const TAG: &'static str = "Equipment";
    const SEARCH: &'static [&'static str] = &["name", "brand", "model", "serial_number"];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"type_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "name": "Chaudière gaz",
            "brand": "Saunier Duval", "installed_on": "2020-05-01", "warranty_until": "2025-05-01",
            "condition": "GOOD"}"#,
    );
}

/// A piece of equipment (boiler, hob…) of an estate.
pub type Equipment = Item<EquipmentData>;

#[cfg(test)]
mod tests {
    use super::*;
    use faireplace_kernel::RecordTrait;
    use serde_json::json;

    fn ctx() -> Context {
        Context {
            today: NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn equipment_dates_are_checked() {
        let e = EquipmentData::decode_json(
            &json!({"type_id": uuid::Uuid::now_v7(), "name": "Chaudière",
                    "installed_on": "2027-01-01", "warranty_until": "2026-01-01"}),
            &ctx(),
        )
        .expect_err("invalid");
        assert_eq!(fields(&e), ["installed_on", "warranty_until"]);
        let e = EquipmentData::decode_json(
            &json!({"type_id": uuid::Uuid::now_v7(), "name": "Chaudière", "condition": "BROKEN"}),
            &ctx(),
        )
        .expect_err("invalid");
        assert_eq!(fields(&e), ["condition"]);
        let ok = EquipmentData::decode_json(
            &json!({"type_id": uuid::Uuid::now_v7(), "name": "Chaudière"}),
            &ctx(),
        )
        .expect("valid");
        assert_eq!(ok.condition, Condition::Good);
    }
}
