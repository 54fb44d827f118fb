//! `/api/annexes/catalog`: what a residential lease must carry, and where each annex comes from.

use actix_web::{HttpResponse, get};
use faireplace_annexes::CATALOG;
use serde::Serialize;
use utoipa::ToSchema;

use crate::common::Manager;
use crate::leases::lease_types::AnnexCodeDto;
use crate::problem::ApiError;
use crate::responses::{Forbidden, Unauthorized};

/// STATIC_FILE: shipped with the server; GENERATED: made from the lease; USER_UPLOAD: uploaded.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum AnnexSourceDto {
    STATIC_FILE,
    GENERATED,
    USER_UPLOAD,
}

/// An annex of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntryResponse {
    #[schema(value_type = AnnexCodeDto)]
    pub code: String,
    pub title: String,
    #[schema(value_type = AnnexSourceDto)]
    pub source: String,
    pub legal_reference: String,
    /// When the annex applies, in words.
    pub applies_when: String,
}

/// The catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct Catalog {
    pub data: Vec<CatalogEntryResponse>,
}

/// The catalog of lease annexes (Art. 3, 3-2, 3-3 of the 1989 law): the platform's, read-only.
#[utoipa::path(
    tag = "Annexes", operation_id = "annex_catalog",
    responses(
        (status = 200, description = "The catalog", body = Catalog),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/annexes/catalog")]
pub async fn catalog(_caller: Manager) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(Catalog {
        data: CATALOG
            .iter()
            .map(|e| CatalogEntryResponse {
                code: e.code.as_str().to_owned(),
                title: e.title.to_owned(),
                source: e.source.as_str().to_owned(),
                legal_reference: e.legal_reference.to_owned(),
                applies_when: e.applies_when.to_owned(),
            })
            .collect(),
    }))
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(catalog);
}
