//! `/api/charges/freeze-periods`: periods during which charges may not change.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    FreezePeriod, FreezePeriodData, FreezePeriodFilter, FreezePeriodId, FreezePeriodInput,
    FreezePeriodSort, FreezeScope,
};
use faireplace_kernel::{Sort, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::{enum_param, opt, uuid_param};

/// A freeze period as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct FreezePeriodRequest {
    #[schema(value_type = Option<FreezeScope>, required = true)]
    pub scope: Option<String>,
    /// The place, estate or lease frozen.
    #[schema(required = true)]
    pub scope_id: Option<Uuid>,
    #[schema(required = true)]
    pub start_date: Option<NaiveDate>,
    #[schema(required = true)]
    pub end_date: Option<NaiveDate>,
    #[schema(required = true)]
    pub reason: Option<String>,
    pub legal_reference: Option<String>,
}

/// A period during which the charges of a place, an estate or a lease may not change.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreezePeriodResponse {
    pub id: Uuid,
    pub scope: FreezeScope,
    /// The place, estate or lease frozen.
    pub scope_id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub reason: String,
    pub legal_reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the freeze periods.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FreezeFilterParams {
    #[param(value_type = Option<FreezeScope>)]
    pub scope: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub scope_id: Option<String>,
    /// Periods in force on this day (`YYYY-MM-DD`).
    #[param(value_type = Option<NaiveDate>)]
    pub active_on: Option<String>,
}

fn freeze_input(r: FreezePeriodRequest) -> FreezePeriodInput {
    FreezePeriodInput {
        scope: r.scope,
        scope_id: r.scope_id,
        start_date: r.start_date,
        end_date: r.end_date,
        reason: r.reason,
        legal_reference: r.legal_reference,
    }
}

impl CrudResource for FreezePeriod {
    crate::top_level!("/api/charges/freeze-periods");
    type Request = FreezePeriodRequest;
    type Response = FreezePeriodResponse;
    type FilterParams = FreezeFilterParams;
    const DEFAULT_SORT: Sort<FreezePeriodSort> = Sort {
        field: FreezePeriodSort::StartDate,
        descending: true,
    };

    const AUDIT: Option<&'static str> = Some("freeze_period");

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.freeze_periods
    }

    fn create(_: (), r: FreezePeriodRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(FreezePeriod::new(
            FreezePeriodData::parse(&freeze_input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: FreezePeriodRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        FreezePeriod::replace(self, FreezePeriodData::parse(&freeze_input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> FreezePeriodRequest {
        let d = &self.data;
        FreezePeriodRequest {
            scope: Some(d.target.scope().as_str().to_owned()),
            scope_id: Some(d.target.id()),
            start_date: Some(d.start_date),
            end_date: Some(d.end_date),
            reason: Some(d.reason.to_string()),
            legal_reference: opt(&d.legal_reference),
        }
    }

    fn to_response(&self) -> FreezePeriodResponse {
        let d = &self.data;
        FreezePeriodResponse {
            id: self.id.0,
            scope: d.target.scope(),
            scope_id: d.target.id(),
            start_date: d.start_date,
            end_date: d.end_date,
            reason: d.reason.to_string(),
            legal_reference: opt(&d.legal_reference),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &FreezeFilterParams) -> Result<FreezePeriodFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let scope = errors.merge(enum_param("scope", &p.scope)).flatten();
        let scope_id = errors.merge(uuid_param("scope_id", &p.scope_id)).flatten();
        let active_on = p.active_on.as_deref().and_then(|s| {
            errors.take(
                "active_on",
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| "must be a date such as 2026-01-31"),
            )
        });
        errors.into_result()?;
        Ok(FreezePeriodFilter {
            scope,
            scope_id,
            active_on,
        })
    }
}

crate::crud_handlers!(
    top FreezePeriod, FreezePeriodId, FreezePeriodRequest, FreezePeriodResponse, FreezeFilterParams,
    tag = "Charges", collection = "/charges/freeze-periods", item = "/charges/freeze-periods/{id}",
    ops = ["create_freeze_period", "list_freeze_periods", "get_freeze_period", "replace_freeze_period", "patch_freeze_period", "delete_freeze_period"],
    docs = [
        "Freeze the charges of a place, an estate or a lease for a period (400 when the scope's record does not exist).",
        "List freeze periods, latest start first, with `scope`, `scope_id` and `active_on` filters.",
        "Read a freeze period.",
        "Replace a freeze period.",
        "Change some fields of a freeze period (JSON merge patch).",
        "Delete a freeze period.",
    ],
);
