//! `/api/estates/{estate_id}/rooms`

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::property::{ChildFilter, ChildSort};
use faireplace_property::{EstateId, Room, RoomData, RoomId, RoomInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;

/// A room as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct RoomRequest {
    /// A ROOM type (`GET /api/types/room`).
    #[schema(required = true)]
    pub type_id: Option<Uuid>,
    #[schema(example = "Chambre 1", required = true)]
    pub name: Option<String>,
    #[schema(value_type = Option<f64>, example = 11.5)]
    pub surface_m2: Option<Decimal>,
    pub floor: Option<i64>,
}

/// A room.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoomResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    pub type_id: Uuid,
    pub name: String,
    #[schema(value_type = Option<f64>)]
    pub surface_m2: Option<Decimal>,
    pub floor: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// No filter beyond the estate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoFilter {}

fn input(r: RoomRequest) -> RoomInput {
    RoomInput {
        type_id: r.type_id,
        name: r.name,
        surface_m2: r.surface_m2,
        floor: r.floor,
    }
}

impl CrudResource for Room {
    crate::under_estate!("rooms");
    type Request = RoomRequest;
    type Response = RoomResponse;
    type FilterParams = NoFilter;
    const DEFAULT_SORT: Sort<ChildSort> = Sort {
        field: ChildSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.rooms
    }

    fn create(estate: EstateId, r: RoomRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Room::new(estate, RoomData::parse(&input(r))?, now))
    }

    fn replace(&mut self, r: RoomRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Room::replace(self, RoomData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> RoomRequest {
        RoomRequest {
            type_id: Some(self.data.type_id.0),
            name: Some(self.data.name.to_string()),
            surface_m2: self.data.surface_m2,
            floor: self.data.floor.map(i64::from),
        }
    }

    fn to_response(&self) -> RoomResponse {
        RoomResponse {
            id: self.id.0,
            estate_id: self.estate_id.0,
            type_id: self.data.type_id.0,
            name: self.data.name.to_string(),
            surface_m2: self.data.surface_m2,
            floor: self.data.floor,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(estate: EstateId, _: &NoFilter) -> Result<ChildFilter, ValidationErrors> {
        Ok(ChildFilter { estate_id: estate })
    }
}

crate::crud_handlers!(
    estate Room, RoomId, RoomRequest, RoomResponse, NoFilter,
    tag = "Rooms", collection = "/estates/{estate_id}/rooms", item = "/estates/{estate_id}/rooms/{id}",
    ops = ["create_room", "list_rooms", "get_room", "replace_room", "patch_room", "delete_room"],
    docs = [
        "Add a room to an estate.",
        "List an estate's rooms.",
        "Read a room.",
        "Replace a room.",
        "Change some fields of a room (JSON merge patch).",
        "Delete a room (its equipment and inventory lines stay, without a room).",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
