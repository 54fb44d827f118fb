//! `/api/charges/distribution-references`: an estate's tantiemes, surface or occupants valid
//! over a period, used by splits on a date within it.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    DistributionReference, DistributionReferenceData, DistributionReferenceId,
    DistributionReferenceInput, ReferenceFilter, ReferenceKind, ReferenceSort,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_property::EstateId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::uuid_param;

/// A reference as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReferenceRequest {
    #[schema(required = true)]
    pub estate_id: Option<Uuid>,
    #[schema(value_type = Option<ReferenceKind>, required = true)]
    pub kind: Option<String>,
    /// Whole for TANTIEMES and OCCUPANTS, at most 2 decimals for SURFACE.
    #[schema(value_type = Option<f64>, required = true, example = 250)]
    pub value: Option<Decimal>,
    #[schema(required = true)]
    pub valid_from: Option<NaiveDate>,
    /// Null: until further notice.
    pub valid_to: Option<NaiveDate>,
}

/// A distribution reference.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    pub kind: ReferenceKind,
    #[schema(value_type = f64)]
    pub value: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the references.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferenceFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub estate_id: Option<String>,
    #[param(value_type = Option<ReferenceKind>)]
    pub kind: Option<String>,
}

fn input(r: ReferenceRequest) -> DistributionReferenceInput {
    DistributionReferenceInput {
        estate_id: r.estate_id.map(EstateId),
        kind: r.kind,
        value: r.value,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
    }
}

impl CrudResource for DistributionReference {
    crate::top_level!("/api/charges/distribution-references");
    type Request = ReferenceRequest;
    type Response = ReferenceResponse;
    type FilterParams = ReferenceFilterParams;
    const DEFAULT_SORT: Sort<ReferenceSort> = Sort {
        field: ReferenceSort::ValidFrom,
        descending: true,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.distribution_references
    }

    fn create(_: (), r: ReferenceRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(DistributionReference::new(
            DistributionReferenceData::parse(&input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: ReferenceRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        DistributionReference::replace(self, DistributionReferenceData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> ReferenceRequest {
        let d = &self.data;
        ReferenceRequest {
            estate_id: Some(d.estate_id.0),
            kind: Some(d.kind.as_str().to_owned()),
            value: Some(d.value),
            valid_from: Some(d.valid_from),
            valid_to: d.valid_to,
        }
    }

    fn to_response(&self) -> ReferenceResponse {
        let d = &self.data;
        ReferenceResponse {
            id: self.id.0,
            estate_id: d.estate_id.0,
            kind: d.kind,
            value: d.value,
            valid_from: d.valid_from,
            valid_to: d.valid_to,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &ReferenceFilterParams) -> Result<ReferenceFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let estate_id = errors
            .merge(uuid_param("estate_id", &p.estate_id))
            .flatten()
            .map(EstateId);
        let kind = p
            .kind
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errors.take("kind", ReferenceKind::parse(s)));
        errors.into_result()?;
        Ok(ReferenceFilter { estate_id, kind })
    }
}

crate::crud_handlers!(
    top DistributionReference, DistributionReferenceId, ReferenceRequest, ReferenceResponse, ReferenceFilterParams,
    tag = "Charges", collection = "/charges/distribution-references", item = "/charges/distribution-references/{id}",
    ops = ["create_distribution_reference", "list_distribution_references", "get_distribution_reference", "replace_distribution_reference", "patch_distribution_reference", "delete_distribution_reference"],
    docs = [
        "Give an estate a tantiemes, surface or occupants value for a period (409 when another reference of that kind covers some of its days). A split on a date within the period uses it instead of the estate's value.",
        "List distribution references, latest first, with `estate_id` and `kind` filters.",
        "Read a distribution reference.",
        "Replace a distribution reference.",
        "Change some fields of a distribution reference (JSON merge patch).",
        "Delete a distribution reference.",
    ],
);
