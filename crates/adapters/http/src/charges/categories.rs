//! `/api/charge-categories/legal-catalog`: the legal catalog the tenant's categories are drawn
//! from. The categories themselves are declared once (`faireplace_charges::ChargeCategoryData`)
//! and served by `crate::items`.

use actix_web::{HttpResponse, get};
use faireplace_charges::{CategoryType, LEGAL_CATALOG};
use serde::Serialize;
use utoipa::ToSchema;

use crate::common::Manager;
use crate::problem::ApiError;
use crate::responses::{Forbidden, Unauthorized};

/// A heading of the legal list of recoverable charges.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalHeadingResponse {
    pub category_type: CategoryType,
    /// Roman numeral of the Décret's annex; empty for the staff rules of its article 2.
    #[schema(example = "I")]
    pub heading: String,
    pub title: String,
    #[schema(example = "Décret 87-713, annexe, I")]
    pub legal_reference: String,
    /// The recovery rate this heading usually carries (%).
    pub typical_recovery_rate: u32,
    pub notes: String,
}

/// The legal catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalCatalog {
    pub data: Vec<LegalHeadingResponse>,
}

/// The recoverable charges of the Décret 87-713 (headings I to VIII) with their typical
/// recovery rates, and the staff rules (75 %, 40 %, 100 %, 10 %). Read-only.
#[utoipa::path(
    tag = "Charges", operation_id = "charge_categories_legal_catalog",
    responses(
        (status = 200, description = "The catalog", body = LegalCatalog),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/charge-categories/legal-catalog")]
pub async fn legal_catalog(_caller: Manager) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(LegalCatalog {
        data: LEGAL_CATALOG
            .iter()
            .map(|h| LegalHeadingResponse {
                category_type: h.category_type,
                heading: h.heading.to_owned(),
                title: h.title.to_owned(),
                legal_reference: h.legal_reference.to_owned(),
                typical_recovery_rate: h.recovery_rate,
                notes: h.notes.to_owned(),
            })
            .collect(),
    }))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    // Before `/charge-categories/{id}` (the declared routes come last), which would read
    // "legal-catalog" as an id.
    cfg.service(legal_catalog);
}
