//! `/api/estates/{estate_id}/equipment`

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::property::{ChildFilter, ChildSort};
use faireplace_property::{Equipment, EquipmentData, EquipmentId, EquipmentInput, EstateId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::opt;
use crate::AppState;
use crate::crud::CrudResource;

/// The state of a thing.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum ConditionDto {
    NEW,
    GOOD,
    FAIR,
    POOR,
    OUT_OF_ORDER,
}

/// Equipment as sent. A room must be one of the same estate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EquipmentRequest {
    pub room_id: Option<Uuid>,
    /// An EQUIPMENT type (`GET /api/types/equipment`).
    #[schema(required = true)]
    pub type_id: Option<Uuid>,
    #[schema(example = "Chaudière gaz", required = true)]
    pub name: Option<String>,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_until: Option<NaiveDate>,
    /// GOOD when absent.
    #[schema(value_type = Option<ConditionDto>)]
    pub condition: Option<String>,
}

/// A piece of equipment.
#[derive(Debug, Serialize, ToSchema)]
pub struct EquipmentResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    pub room_id: Option<Uuid>,
    pub type_id: Uuid,
    pub name: String,
    pub brand: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_until: Option<NaiveDate>,
    #[schema(value_type = ConditionDto)]
    pub condition: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EquipmentFilterParams {}

fn input(r: EquipmentRequest) -> EquipmentInput {
    EquipmentInput {
        room_id: r.room_id,
        type_id: r.type_id,
        name: r.name,
        brand: r.brand,
        model: r.model,
        serial_number: r.serial_number,
        installed_on: r.installed_on,
        warranty_until: r.warranty_until,
        condition: r.condition,
    }
}

impl CrudResource for Equipment {
    crate::under_estate!("equipment");
    type Request = EquipmentRequest;
    type Response = EquipmentResponse;
    type FilterParams = EquipmentFilterParams;
    const DEFAULT_SORT: Sort<ChildSort> = Sort {
        field: ChildSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.equipment
    }

    fn create(estate: EstateId, r: EquipmentRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Equipment::new(
            estate,
            EquipmentData::parse(&input(r), now.date_naive())?,
            now,
        ))
    }

    fn replace(&mut self, r: EquipmentRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Equipment::replace(
            self,
            EquipmentData::parse(&input(r), now.date_naive())?,
            now,
        );
        Ok(())
    }

    fn to_request(&self) -> EquipmentRequest {
        let d = &self.data;
        EquipmentRequest {
            room_id: d.room_id.map(|r| r.0),
            type_id: Some(d.type_id.0),
            name: Some(d.name.to_string()),
            brand: opt(&d.brand),
            model: opt(&d.model),
            serial_number: opt(&d.serial_number),
            installed_on: d.installed_on,
            warranty_until: d.warranty_until,
            condition: Some(d.condition.as_str().to_owned()),
        }
    }

    fn to_response(&self) -> EquipmentResponse {
        let r = self.to_request();
        EquipmentResponse {
            id: self.id.0,
            estate_id: self.estate_id.0,
            room_id: r.room_id,
            type_id: self.data.type_id.0,
            name: self.data.name.to_string(),
            brand: r.brand,
            model: r.model,
            serial_number: r.serial_number,
            installed_on: r.installed_on,
            warranty_until: r.warranty_until,
            condition: self.data.condition.as_str().to_owned(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(
        estate: EstateId,
        _: &EquipmentFilterParams,
    ) -> Result<ChildFilter, ValidationErrors> {
        Ok(ChildFilter { estate_id: estate })
    }
}

crate::crud_handlers!(
    estate Equipment, EquipmentId, EquipmentRequest, EquipmentResponse, EquipmentFilterParams,
    tag = "Equipment", collection = "/estates/{estate_id}/equipment", item = "/estates/{estate_id}/equipment/{id}",
    ops = ["create_equipment", "list_equipment", "get_equipment", "replace_equipment", "patch_equipment", "delete_equipment"],
    docs = [
        "Add equipment to an estate (400 when room_id is a room of another estate).",
        "List an estate's equipment.",
        "Read a piece of equipment.",
        "Replace a piece of equipment.",
        "Change some fields of a piece of equipment (JSON merge patch).",
        "Delete a piece of equipment.",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
