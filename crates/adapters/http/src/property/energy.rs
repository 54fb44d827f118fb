//! `/api/estates/{estate_id}/energy-diagnoses`: DPE history, and the current one with what
//! follows from it.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{PageRequest, Sort, ValidationErrors};
use faireplace_ports::ListQuery;
use faireplace_ports::property::{ChildFilter, EnergySort};
use faireplace_property::{
    EnergyClass, EnergyDiagnosis, EnergyDiagnosisData, EnergyDiagnosisId, EnergyDiagnosisInput,
    EstateId,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::opt;
use crate::AppState;
use crate::common::Manager;
use crate::crud::CrudResource;
use crate::problem::ApiError;

/// A DPE as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EnergyDiagnosisRequest {
    #[schema(value_type = EnergyClass, required = true)]
    pub energy_class: Option<String>,
    #[schema(value_type = EnergyClass, required = true)]
    pub ghg_class: Option<String>,
    #[schema(value_type = f64, format = "amount", example = 182.5, required = true)]
    pub energy_kwh_m2_year: Option<Decimal>,
    #[schema(value_type = f64, format = "amount", example = 21.0, required = true)]
    pub ghg_kg_m2_year: Option<Decimal>,
    #[schema(required = true)]
    pub performed_on: Option<NaiveDate>,
    #[schema(value_type = Option<crate::schema::Amount>)]
    pub estimated_cost_min: Option<Decimal>,
    #[schema(value_type = Option<crate::schema::Amount>)]
    pub estimated_cost_max: Option<Decimal>,
    /// The 13-character ADEME number.
    #[schema(example = "2375E0123456X")]
    pub ademe_number: Option<String>,
    pub media_id: Option<Uuid>,
}

/// A DPE.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnergyDiagnosisResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    pub energy_class: EnergyClass,
    pub ghg_class: EnergyClass,
    #[schema(value_type = f64)]
    pub energy_kwh_m2_year: Decimal,
    #[schema(value_type = f64)]
    pub ghg_kg_m2_year: Decimal,
    pub performed_on: NaiveDate,
    /// performed_on + 10 years.
    pub valid_until: NaiveDate,
    #[schema(value_type = Option<f64>)]
    pub estimated_cost_min: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub estimated_cost_max: Option<Decimal>,
    pub ademe_number: Option<String>,
    pub media_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnergyFilterParams {}

fn input(r: EnergyDiagnosisRequest) -> EnergyDiagnosisInput {
    EnergyDiagnosisInput {
        energy_class: r.energy_class,
        ghg_class: r.ghg_class,
        energy_kwh_m2_year: r.energy_kwh_m2_year,
        ghg_kg_m2_year: r.ghg_kg_m2_year,
        performed_on: r.performed_on,
        estimated_cost_min: r.estimated_cost_min,
        estimated_cost_max: r.estimated_cost_max,
        ademe_number: r.ademe_number,
        media_id: r.media_id,
    }
}

impl CrudResource for EnergyDiagnosis {
    crate::under_estate!("energy-diagnoses");
    type Request = EnergyDiagnosisRequest;
    type Response = EnergyDiagnosisResponse;
    type FilterParams = EnergyFilterParams;
    const DEFAULT_SORT: Sort<EnergySort> = Sort {
        field: EnergySort::PerformedOn,
        descending: true,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.energy
    }

    fn create(
        estate: EstateId,
        r: EnergyDiagnosisRequest,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        Ok(EnergyDiagnosis::new(
            estate,
            EnergyDiagnosisData::parse(&input(r), now.date_naive())?,
            now,
        ))
    }

    fn replace(&mut self, r: EnergyDiagnosisRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        EnergyDiagnosis::replace(
            self,
            EnergyDiagnosisData::parse(&input(r), now.date_naive())?,
            now,
        );
        Ok(())
    }

    fn to_request(&self) -> EnergyDiagnosisRequest {
        let d = &self.data;
        EnergyDiagnosisRequest {
            energy_class: Some(d.energy_class.as_str().to_owned()),
            ghg_class: Some(d.ghg_class.as_str().to_owned()),
            energy_kwh_m2_year: Some(d.energy_kwh_m2_year),
            ghg_kg_m2_year: Some(d.ghg_kg_m2_year),
            performed_on: Some(d.performed_on),
            estimated_cost_min: d.estimated_cost_min,
            estimated_cost_max: d.estimated_cost_max,
            ademe_number: opt(&d.ademe_number),
            media_id: d.media_id,
        }
    }

    fn to_response(&self) -> EnergyDiagnosisResponse {
        let d = &self.data;
        EnergyDiagnosisResponse {
            id: self.id.0,
            estate_id: self.estate_id.0,
            energy_class: d.energy_class,
            ghg_class: d.ghg_class,
            energy_kwh_m2_year: d.energy_kwh_m2_year,
            ghg_kg_m2_year: d.ghg_kg_m2_year,
            performed_on: d.performed_on,
            valid_until: d.valid_until(),
            estimated_cost_min: d.estimated_cost_min,
            estimated_cost_max: d.estimated_cost_max,
            ademe_number: opt(&d.ademe_number),
            media_id: d.media_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(estate: EstateId, _: &EnergyFilterParams) -> Result<ChildFilter, ValidationErrors> {
        Ok(ChildFilter { estate_id: estate })
    }
}

crate::crud_handlers!(
    estate EnergyDiagnosis, EnergyDiagnosisId, EnergyDiagnosisRequest, EnergyDiagnosisResponse, EnergyFilterParams,
    tag = "Energy diagnosis", collection = "/estates/{estate_id}/energy-diagnoses",
    item = "/estates/{estate_id}/energy-diagnoses/{id}",
    ops = ["create_energy_diagnosis", "list_energy_diagnoses", "get_energy_diagnosis", "replace_energy_diagnosis", "patch_energy_diagnosis", "delete_energy_diagnosis"],
    docs = [
        "Record a DPE of an estate (valid 10 years).",
        "The DPE history of an estate, newest first.",
        "Read a DPE.",
        "Correct a DPE.",
        "Correct some fields of a DPE (JSON merge patch).",
        "Delete a DPE.",
    ],
);

/// The current DPE and what the law draws from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentEnergyDiagnosis {
    #[serde(flatten)]
    pub diagnosis: EnergyDiagnosisResponse,
    /// The worse of the energy and greenhouse-gas classes: the label the letting rules use.
    pub label: EnergyClass,
    /// Whether it is still within its ten years.
    pub is_valid: bool,
    /// The first day the estate may no longer be let (450 kWh/m²/year from 2023, G from 2025,
    /// F from 2028, E from 2034), or null.
    pub rental_ban_from: Option<NaiveDate>,
    /// Rent revision is frozen for F and G (since 2022-08-24).
    pub rent_revision_frozen: bool,
}

crate::endpoint! {
    /// The estate's latest DPE, with its letting ban date and the rent revision freeze.
    get "/estates/{estate_id}/energy-diagnoses/current", tag = "Energy diagnosis", id = "current_energy_diagnosis",
    ok = (200, "The latest DPE", CurrentEnergyDiagnosis),
    errors = [403 Forbidden, 404 NotFound],
    fn current(state, caller: Manager, estate_id: web::Path<Uuid>) {
        let estate = state.estates.get(&caller.0, EstateId(*estate_id)).await?;
        let query = ListQuery {
            page: PageRequest::new(Some(1), Some(1))?,
            sort: Sort {
                field: EnergySort::PerformedOn,
                descending: true,
            },
            search: None,
            filter: ChildFilter {
                estate_id: estate.id,
            },
        };
        let page = state.energy.list(&caller.0, &query).await?;
        let dpe = page
            .items
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("energy diagnosis"))?;
        let today = state.energy.now().date_naive();
        Ok(HttpResponse::Ok().json(CurrentEnergyDiagnosis {
            label: dpe.data.label(),
            is_valid: dpe.data.valid_until() >= today,
            rental_ban_from: dpe.data.rental_ban_from(),
            rent_revision_frozen: dpe.data.rent_revision_frozen(),
            diagnosis: dpe.to_response(),
        }))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    // Before `/energy-diagnoses/{id}`, which would otherwise read "current" as an id.
    cfg.service(current);
    crud_routes(cfg);
}
