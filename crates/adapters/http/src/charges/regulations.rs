//! `/api/charges/regulations`: adjustments of one lease's balance in a DRAFT charge review.

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    ChargeReviewId, Regulation, RegulationData, RegulationFilter, RegulationId, RegulationInput,
    RegulationKind, RegulationSort,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_leases::LeaseId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::uuid_param;

/// A regulation as sent: an adjustment of one lease's balance in a DRAFT review.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct RegulationRequest {
    #[schema(required = true)]
    pub review_id: Option<Uuid>,
    /// A lease with a statement in the review.
    #[schema(required = true)]
    pub lease_id: Option<Uuid>,
    #[schema(value_type = Option<RegulationKind>, required = true)]
    pub kind: Option<String>,
    /// Positive adds to what the lessee owes, negative takes off; at most 2 decimals.
    #[schema(value_type = Option<f64>, format = "amount", required = true, example = -25.5)]
    pub amount: Option<Decimal>,
    #[schema(required = true)]
    pub reason: Option<String>,
}

/// A regulation.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegulationResponse {
    pub id: Uuid,
    pub review_id: Uuid,
    pub lease_id: Uuid,
    pub kind: RegulationKind,
    #[schema(value_type = f64)]
    pub amount: Decimal,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the regulations.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegulationFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub review_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub lease_id: Option<String>,
}

fn input(r: RegulationRequest) -> RegulationInput {
    RegulationInput {
        review_id: r.review_id.map(ChargeReviewId),
        lease_id: r.lease_id.map(LeaseId),
        kind: r.kind,
        amount: r.amount,
        reason: r.reason,
    }
}

impl CrudResource for Regulation {
    crate::top_level!("/api/charges/regulations");
    type Request = RegulationRequest;
    type Response = RegulationResponse;
    type FilterParams = RegulationFilterParams;
    const DEFAULT_SORT: Sort<RegulationSort> = Sort {
        field: RegulationSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.regulations
    }

    fn create(_: (), r: RegulationRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Regulation::new(RegulationData::parse(&input(r))?, now))
    }

    fn replace(&mut self, r: RegulationRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Regulation::replace(self, RegulationData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> RegulationRequest {
        let d = &self.data;
        RegulationRequest {
            review_id: Some(d.review_id.0),
            lease_id: Some(d.lease_id.0),
            kind: Some(d.kind.as_str().to_owned()),
            amount: Some(d.amount),
            reason: Some(d.reason.to_string()),
        }
    }

    fn to_response(&self) -> RegulationResponse {
        let d = &self.data;
        RegulationResponse {
            id: self.id.0,
            review_id: d.review_id.0,
            lease_id: d.lease_id.0,
            kind: d.kind,
            amount: d.amount,
            reason: d.reason.to_string(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &RegulationFilterParams) -> Result<RegulationFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let review_id = errors
            .merge(uuid_param("review_id", &p.review_id))
            .flatten()
            .map(ChargeReviewId);
        let lease_id = errors
            .merge(uuid_param("lease_id", &p.lease_id))
            .flatten()
            .map(LeaseId);
        errors.into_result()?;
        Ok(RegulationFilter {
            review_id,
            lease_id,
        })
    }
}

crate::crud_handlers!(
    top Regulation, RegulationId, RegulationRequest, RegulationResponse, RegulationFilterParams,
    tag = "Charges", collection = "/charges/regulations", item = "/charges/regulations/{id}",
    ops = ["create_charge_regulation", "list_charge_regulations", "get_charge_regulation", "replace_charge_regulation", "patch_charge_regulation", "delete_charge_regulation"],
    docs = [
        "Adjust one lease's balance in a DRAFT review (409 once the review is validated; 400 for a lease without a statement in it).",
        "List regulations, with `review_id` and `lease_id` filters.",
        "Read a regulation.",
        "Replace a regulation.",
        "Change some fields of a regulation (JSON merge patch).",
        "Delete a regulation.",
    ],
);
