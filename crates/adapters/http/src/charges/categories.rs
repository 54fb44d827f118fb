//! `/api/charge-categories`: the tenant's categories of recoverable charges, and the legal
//! catalog they are drawn from.

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    CategoryFilter, CategorySort, CategoryType, ChargeCategory, ChargeCategoryData,
    ChargeCategoryId, ChargeCategoryInput, LEGAL_CATALOG, MaintenanceInput,
};
use faireplace_kernel::{Sort, ValidationErrors};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::Manager;
use crate::crud::CrudResource;
use crate::problem::ApiError;
use crate::property::opt;
use crate::responses::{Forbidden, Unauthorized};

/// The Décret 87-713 heading of a charge.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum CategoryTypeDto {
    ELEVATOR,
    WATER_HEATING,
    INDIVIDUAL_INSTALLATIONS,
    COMMON_AREAS,
    OUTDOOR_AREAS,
    HYGIENE,
    EQUIPMENT,
    TAXES,
    BUILDING_STAFF,
    OTHER,
}

/// Who maintains what the category covers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MaintenanceDto {
    /// A contact of the tenant (a service provider).
    pub provider_contact_id: Option<Uuid>,
    pub contract_reference: Option<String>,
    #[schema(example = "1 month")]
    pub frequency: Option<String>,
    pub notes: Option<String>,
}

/// A charge category as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ChargeCategoryRequest {
    #[schema(required = true, example = "Gardien")]
    pub name: Option<String>,
    #[schema(value_type = Option<CategoryTypeDto>, required = true)]
    pub category_type: Option<String>,
    /// Part recovered from the lessee, 0 to 100 (%), at most 2 decimals; 100 when absent.
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 100, example = 75)]
    pub recovery_rate: Option<Decimal>,
    pub description: Option<String>,
    #[schema(example = "Article 23-1 of decree no. 87-713")]
    pub legal_reference: Option<String>,
    pub maintenance: Option<MaintenanceDto>,
    /// Alert threshold, 0 to 100 (%).
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 100)]
    pub notification_threshold: Option<Decimal>,
    /// A count and a unit: "30 days", "1 month" (day, week, month or year).
    #[schema(pattern = r"^\d+\s+(day|week|month|year)s?$", example = "30 days")]
    pub notification_frequency: Option<String>,
}

/// A charge category.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargeCategoryResponse {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = CategoryTypeDto)]
    pub category_type: String,
    #[schema(value_type = f64)]
    pub recovery_rate: Decimal,
    pub description: Option<String>,
    pub legal_reference: Option<String>,
    pub maintenance: Option<MaintenanceDto>,
    #[schema(value_type = Option<f64>)]
    pub notification_threshold: Option<Decimal>,
    pub notification_frequency: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the category list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryFilterParams {
    #[param(value_type = Option<CategoryTypeDto>)]
    pub category_type: Option<String>,
}

fn input(r: ChargeCategoryRequest) -> ChargeCategoryInput {
    ChargeCategoryInput {
        name: r.name,
        category_type: r.category_type,
        recovery_rate: r.recovery_rate,
        description: r.description,
        legal_reference: r.legal_reference,
        maintenance: r.maintenance.map(|m| MaintenanceInput {
            provider_contact_id: m.provider_contact_id,
            contract_reference: m.contract_reference,
            frequency: m.frequency,
            notes: m.notes,
        }),
        notification_threshold: r.notification_threshold,
        notification_frequency: r.notification_frequency,
    }
}

fn maintenance(c: &ChargeCategory) -> Option<MaintenanceDto> {
    c.data.maintenance.as_ref().map(|m| MaintenanceDto {
        provider_contact_id: m.provider_contact_id,
        contract_reference: opt(&m.contract_reference),
        frequency: opt(&m.frequency),
        notes: opt(&m.notes),
    })
}

impl CrudResource for ChargeCategory {
    crate::top_level!("/api/charge-categories");
    type Request = ChargeCategoryRequest;
    type Response = ChargeCategoryResponse;
    type FilterParams = CategoryFilterParams;
    const DEFAULT_SORT: Sort<CategorySort> = Sort {
        field: CategorySort::Name,
        descending: false,
    };

    const AUDIT: Option<&'static str> = Some("charge_category");

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.charge_categories
    }

    fn create(_: (), r: ChargeCategoryRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(ChargeCategory::new(
            ChargeCategoryData::parse(&input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: ChargeCategoryRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        ChargeCategory::replace(self, ChargeCategoryData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> ChargeCategoryRequest {
        let d = &self.data;
        ChargeCategoryRequest {
            name: Some(d.name.to_string()),
            category_type: Some(d.category_type.as_str().to_owned()),
            recovery_rate: Some(d.recovery_rate),
            description: opt(&d.description),
            legal_reference: opt(&d.legal_reference),
            maintenance: maintenance(self),
            notification_threshold: d.notification_threshold,
            notification_frequency: opt(&d.notification_frequency),
        }
    }

    fn to_response(&self) -> ChargeCategoryResponse {
        let d = &self.data;
        ChargeCategoryResponse {
            id: self.id.0,
            name: d.name.to_string(),
            category_type: d.category_type.as_str().to_owned(),
            recovery_rate: d.recovery_rate,
            description: opt(&d.description),
            legal_reference: opt(&d.legal_reference),
            maintenance: maintenance(self),
            notification_threshold: d.notification_threshold,
            notification_frequency: opt(&d.notification_frequency),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &CategoryFilterParams) -> Result<CategoryFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let category_type = p
            .category_type
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errors.take("category_type", CategoryType::parse(s)));
        errors.into_result()?;
        Ok(CategoryFilter { category_type })
    }
}

crate::crud_handlers!(
    top ChargeCategory, ChargeCategoryId, ChargeCategoryRequest, ChargeCategoryResponse, CategoryFilterParams,
    tag = "Charges", collection = "/charge-categories", item = "/charge-categories/{id}",
    ops = ["create_charge_category", "list_charge_categories", "get_charge_category", "replace_charge_category", "patch_charge_category", "delete_charge_category"],
    docs = [
        "Create a charge category (400 naming the field for any value out of range).",
        "List charge categories, by name, with `search` on name and description and a `category_type` filter.",
        "Read a charge category.",
        "Replace a charge category.",
        "Change some fields of a charge category (JSON merge patch).",
        "Delete a charge category.",
    ],
);

/// A heading of the legal list of recoverable charges.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalHeadingResponse {
    #[schema(value_type = CategoryTypeDto)]
    pub category_type: String,
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
                category_type: h.category_type.as_str().to_owned(),
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
    // Before `/charge-categories/{id}`, which would read "legal-catalog" as an id.
    cfg.service(legal_catalog);
    crud_routes(cfg);
}
