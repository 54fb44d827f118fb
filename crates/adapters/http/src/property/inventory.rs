//! `/api/estates/{estate_id}/inventory` and its compliance with Décret 2015-981.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{PageRequest, Sort, ValidationErrors};
use faireplace_ports::ListQuery;
use faireplace_ports::property::{ChildFilter, ChildSort};
use faireplace_property::{
    EstateId, InventoryData, InventoryId, InventoryInput, InventoryItem, missing_furniture,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::equipment::ConditionDto;
use super::opt;
use crate::AppState;
use crate::common::Manager;
use crate::crud::CrudResource;
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, NotFound, Unauthorized};

/// The eleven items a furnished home must have (Décret 2015-981).
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum FurnitureItemDto {
    BEDDING,
    WINDOW_BLACKOUT,
    HOB,
    OVEN_OR_MICROWAVE,
    FRIDGE_WITH_FREEZER,
    TABLEWARE,
    KITCHEN_UTENSILS,
    TABLE_AND_SEATS,
    STORAGE_SHELVES,
    LIGHTS,
    CLEANING_EQUIPMENT,
}

/// An inventory line as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct InventoryRequest {
    pub room_id: Option<Uuid>,
    #[schema(example = "Couette 220x240", required = true)]
    pub label: Option<String>,
    /// The Décret 2015-981 item this line satisfies, if any.
    #[schema(value_type = Option<FurnitureItemDto>)]
    pub category: Option<String>,
    /// 1 when absent; 0 records a missing item.
    #[schema(example = 1)]
    pub quantity: Option<i64>,
    #[schema(value_type = Option<ConditionDto>)]
    pub condition: Option<String>,
    pub notes: Option<String>,
}

/// A line of the furniture inventory.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    pub room_id: Option<Uuid>,
    pub label: String,
    #[schema(value_type = Option<FurnitureItemDto>)]
    pub category: Option<String>,
    pub quantity: i32,
    #[schema(value_type = Option<ConditionDto>)]
    pub condition: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryFilterParams {}

fn input(r: InventoryRequest) -> InventoryInput {
    InventoryInput {
        room_id: r.room_id,
        label: r.label,
        category: r.category,
        quantity: r.quantity,
        condition: r.condition,
        notes: r.notes,
    }
}

impl CrudResource for InventoryItem {
    crate::under_estate!("inventory");
    type Request = InventoryRequest;
    type Response = InventoryResponse;
    type FilterParams = InventoryFilterParams;
    const DEFAULT_SORT: Sort<ChildSort> = Sort {
        field: ChildSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.inventory
    }

    fn create(estate: EstateId, r: InventoryRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(InventoryItem::new(
            estate,
            InventoryData::parse(&input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: InventoryRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        InventoryItem::replace(self, InventoryData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> InventoryRequest {
        let d = &self.data;
        InventoryRequest {
            room_id: d.room_id.map(|r| r.0),
            label: Some(d.label.to_string()),
            category: d.category.map(|c| c.as_str().to_owned()),
            quantity: Some(i64::from(d.quantity)),
            condition: d.condition.map(|c| c.as_str().to_owned()),
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> InventoryResponse {
        let d = &self.data;
        InventoryResponse {
            id: self.id.0,
            estate_id: self.estate_id.0,
            room_id: d.room_id.map(|r| r.0),
            label: d.label.to_string(),
            category: d.category.map(|c| c.as_str().to_owned()),
            quantity: d.quantity,
            condition: d.condition.map(|c| c.as_str().to_owned()),
            notes: opt(&d.notes),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(
        estate: EstateId,
        _: &InventoryFilterParams,
    ) -> Result<ChildFilter, ValidationErrors> {
        Ok(ChildFilter { estate_id: estate })
    }
}

crate::crud_handlers!(
    estate InventoryItem, InventoryId, InventoryRequest, InventoryResponse, InventoryFilterParams,
    tag = "Inventory", collection = "/estates/{estate_id}/inventory", item = "/estates/{estate_id}/inventory/{id}",
    ops = ["create_inventory_item", "list_inventory", "get_inventory_item", "replace_inventory_item", "patch_inventory_item", "delete_inventory_item"],
    docs = [
        "Add a line to an estate's furniture inventory.",
        "List an estate's inventory.",
        "Read an inventory line.",
        "Replace an inventory line.",
        "Change some fields of an inventory line (JSON merge patch).",
        "Delete an inventory line.",
    ],
);

/// Whether the inventory holds the minimum furniture of a furnished letting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Compliance {
    pub estate_id: Uuid,
    pub is_furnished: bool,
    /// Every Décret 2015-981 item is present with a quantity of at least 1.
    pub furnished_compliant: bool,
    #[schema(value_type = Vec<FurnitureItemDto>)]
    pub missing: Vec<String>,
}

/// Check an estate's inventory against the eleven items of Décret 2015-981.
#[utoipa::path(
    tag = "Inventory", operation_id = "inventory_compliance",
    responses(
        (status = 200, description = "The compliance of the inventory", body = Compliance),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/estates/{estate_id}/inventory/compliance")]
pub async fn compliance(
    state: web::Data<AppState>,
    caller: Manager,
    estate_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let estate = state.estates.get(&caller.0, EstateId(*estate_id)).await?;
    let mut items = Vec::new();
    for page in 1.. {
        let query = ListQuery {
            page: PageRequest::new(Some(page), Some(100))?,
            sort: Sort {
                field: ChildSort::CreatedAt,
                descending: false,
            },
            search: None,
            filter: ChildFilter {
                estate_id: estate.id,
            },
        };
        let batch = state.inventory.list(&caller.0, &query).await?;
        let done = batch.items.len() < 100;
        items.extend(batch.items);
        if done {
            break;
        }
    }
    let missing = missing_furniture(&items);
    Ok(HttpResponse::Ok().json(Compliance {
        estate_id: estate.id.0,
        is_furnished: estate.data.is_furnished,
        furnished_compliant: missing.is_empty(),
        missing: missing.iter().map(|m| m.as_str().to_owned()).collect(),
    }))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    // Before `/inventory/{id}`, which would otherwise read "compliance" as an id.
    cfg.service(compliance);
    crud_routes(cfg);
}
