//! `/api/estates/{estate_id}/inventory/compliance`: an estate's furniture inventory against
//! Décret 2015-981. The inventory lines are declared once (`faireplace_property::InventoryData`)
//! and served by `items`.

use actix_web::{HttpResponse, get, web};
use faireplace_kernel::item::ItemSort;
use faireplace_kernel::{ItemFilter, PageRequest, Sort};
use faireplace_property::{EstateId, FurnitureItem, InventoryData, missing_furniture};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::common::Manager;

/// Whether the inventory holds the minimum furniture of a furnished letting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Compliance {
    pub estate_id: Uuid,
    pub is_furnished: bool,
    /// Every Décret 2015-981 item is present with a quantity of at least 1.
    pub furnished_compliant: bool,
    pub missing: Vec<FurnitureItem>,
}

crate::endpoint! {
    /// Check an estate's inventory against the eleven items of Décret 2015-981.
    get "/estates/{estate_id}/inventory/compliance", tag = "Inventory", id = "inventory_compliance",
    ok = (200, "The compliance of the inventory", Compliance),
    errors = [403 Forbidden, 404 NotFound],
    fn compliance(state, caller: Manager, estate_id: web::Path<Uuid>) {
        let estate = state.estates.get(&caller.0, EstateId(*estate_id)).await?;
        let inventory = state.items.get::<InventoryData>()?;
        let mut items = Vec::new();
        for page in 1.. {
            let query = faireplace_app::crud::item_query::<InventoryData>(
                PageRequest::new(Some(page), Some(100))?,
                Sort {
                    field: ItemSort::first(),
                    descending: false,
                },
                None,
                ItemFilter {
                    parent: Some(estate.id.0),
                    equals: Vec::new(),
                },
            );
            let batch = inventory.crud().list(&caller.0, &query).await?;
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
            missing,
        }))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    // Before `/inventory/{id}`, which would otherwise read "compliance" as an id.
    cfg.service(compliance);
}
