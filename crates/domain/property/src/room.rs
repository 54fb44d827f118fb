//! Rooms of an estate, declared once.

use faireplace_kernel::values::Text;
use faireplace_kernel::{Declared, Item, Record, typed_id};
use rust_decimal::Decimal;

use crate::estate::EstateId;
use crate::types::TypeId;

typed_id!(
    /// A room of an estate.
    RoomId
);

/// A room of an estate.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "Room")]
pub struct RoomData {
    /// A ROOM type (`GET /api/types/room`).
    pub type_id: TypeId,
    #[field(max_len = 100, example = "Chambre 1")]
    pub name: Text,
    #[field(decimals = 2, min = "0.01", max = "10000", example = "11.5")]
    pub surface_m2: Option<Decimal>,
    #[field(min = -10, max = 300)]
    pub floor: Option<i32>,
}

impl Declared for RoomData {
    type Id = RoomId;
    type Parent = EstateId;
    const NOUN: &'static str = "room";
    const PLURAL: &'static str = "rooms";
    const TABLE: &'static str = "rooms";
    const PATH: &'static str = "/api/estates/{estate_id}/rooms";
    const PARENT_FIELD: &'static str = "estate_id";
    const PARENT_TABLE: &'static str = "estates";
    const TAG: &'static str = "Rooms";
    const SEARCH: &'static [&'static str] = &["name"];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"type_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "name": "Chambre 1",
            "surface_m2": 11.5, "floor": 2}"#,
    );
}

/// A room of an estate.
pub type Room = Item<RoomData>;
