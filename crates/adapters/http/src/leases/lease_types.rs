//! `/api/lease-types`: the system's lease types (seeded, read-only) and the tenant's own.

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_leases::{AnnexCode, LeaseType, LeaseTypeData, LeaseTypeId, LeaseTypeInput};
use faireplace_ports::leases::{LeaseTypeFilter, LeaseTypeSort};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::bool_param;

/// A lease type as sent. Durations must hold min ≤ default ≤ max.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct LeaseTypeRequest {
    #[schema(example = "FURNISHED_SEASONAL", required = true)]
    pub code: Option<String>,
    #[schema(example = "Furnished, seasonal", required = true)]
    pub name: Option<String>,
    /// False when absent.
    pub furnished: Option<bool>,
    #[schema(example = 12, required = true)]
    pub default_duration_months: Option<i64>,
    #[schema(example = 12, required = true)]
    pub min_duration_months: Option<i64>,
    /// Null: no maximum.
    pub max_duration_months: Option<i64>,
    /// Months of rent excluding charges, at most 2 decimals; null: no legal cap.
    #[schema(value_type = Option<f64>, format = "amount", example = 2)]
    pub max_deposit_months: Option<Decimal>,
    #[schema(example = 1, required = true)]
    pub lessee_notice_months: Option<i64>,
    /// In a zone tendue or a listed case; not longer than lessee_notice_months.
    pub lessee_reduced_notice_months: Option<i64>,
    /// 0: the owner cannot give notice, the lease ends at its term.
    #[schema(example = 3, required = true)]
    pub owner_notice_months: Option<i64>,
    /// True when absent.
    pub renewable: Option<bool>,
    /// True when absent.
    pub rent_revision_allowed: Option<bool>,
    #[schema(value_type = Option<Vec<AnnexCode>>)]
    pub mandatory_annexes: Option<Vec<String>>,
}

/// A lease type.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaseTypeResponse {
    #[schema(value_type = Uuid)]
    pub id: LeaseTypeId,
    pub code: String,
    pub name: String,
    pub furnished: bool,
    pub default_duration_months: i32,
    pub min_duration_months: i32,
    pub max_duration_months: Option<i32>,
    #[schema(value_type = Option<f64>)]
    pub max_deposit_months: Option<Decimal>,
    pub lessee_notice_months: i32,
    pub lessee_reduced_notice_months: Option<i32>,
    pub owner_notice_months: i32,
    pub renewable: bool,
    pub rent_revision_allowed: bool,
    pub mandatory_annexes: Vec<AnnexCode>,
    /// Seeded by the platform: cannot be changed or deleted.
    pub is_system: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the lease type list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaseTypeFilterParams {
    #[param(value_type = Option<bool>)]
    pub furnished: Option<String>,
}

fn input(r: LeaseTypeRequest) -> LeaseTypeInput {
    LeaseTypeInput {
        code: r.code,
        name: r.name,
        furnished: r.furnished,
        default_duration_months: r.default_duration_months,
        min_duration_months: r.min_duration_months,
        max_duration_months: r.max_duration_months,
        max_deposit_months: r.max_deposit_months,
        lessee_notice_months: r.lessee_notice_months,
        lessee_reduced_notice_months: r.lessee_reduced_notice_months,
        owner_notice_months: r.owner_notice_months,
        renewable: r.renewable,
        rent_revision_allowed: r.rent_revision_allowed,
        mandatory_annexes: r.mandatory_annexes,
    }
}

fn system_conflict(what: &str) -> AppError {
    AppError::Conflict {
        code: ErrorCode::Conflict,
        message: format!("system lease types cannot be {what}; create a lease type of your own"),
    }
}

impl CrudResource for LeaseType {
    crate::top_level!("/api/lease-types");
    type Request = LeaseTypeRequest;
    type Response = LeaseTypeResponse;
    type FilterParams = LeaseTypeFilterParams;
    const DEFAULT_SORT: Sort<LeaseTypeSort> = Sort {
        field: LeaseTypeSort::Code,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.lease_types
    }

    fn create(_: (), r: LeaseTypeRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(LeaseType::new(LeaseTypeData::parse(&input(r))?, now))
    }

    fn replace(&mut self, r: LeaseTypeRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        if self.is_system {
            return Err(system_conflict("changed"));
        }
        self.data = LeaseTypeData::parse(&input(r))?;
        self.updated_at = now;
        Ok(())
    }

    fn to_request(&self) -> LeaseTypeRequest {
        let d = &self.data;
        LeaseTypeRequest {
            code: Some(d.code.clone()),
            name: Some(d.name.to_string()),
            furnished: Some(d.furnished),
            default_duration_months: Some(i64::from(d.default_duration_months)),
            min_duration_months: Some(i64::from(d.min_duration_months)),
            max_duration_months: d.max_duration_months.map(i64::from),
            max_deposit_months: d.max_deposit_months,
            lessee_notice_months: Some(i64::from(d.lessee_notice_months)),
            lessee_reduced_notice_months: d.lessee_reduced_notice_months.map(i64::from),
            owner_notice_months: Some(i64::from(d.owner_notice_months)),
            renewable: Some(d.renewable),
            rent_revision_allowed: Some(d.rent_revision_allowed),
            mandatory_annexes: Some(
                d.mandatory_annexes
                    .iter()
                    .map(|a| a.as_str().to_owned())
                    .collect(),
            ),
        }
    }

    fn to_response(&self) -> LeaseTypeResponse {
        let d = &self.data;
        LeaseTypeResponse {
            id: self.id,
            code: d.code.clone(),
            name: d.name.to_string(),
            furnished: d.furnished,
            default_duration_months: d.default_duration_months,
            min_duration_months: d.min_duration_months,
            max_duration_months: d.max_duration_months,
            max_deposit_months: d.max_deposit_months,
            lessee_notice_months: d.lessee_notice_months,
            lessee_reduced_notice_months: d.lessee_reduced_notice_months,
            owner_notice_months: d.owner_notice_months,
            renewable: d.renewable,
            rent_revision_allowed: d.rent_revision_allowed,
            mandatory_annexes: d.mandatory_annexes.clone(),
            is_system: self.is_system,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &LeaseTypeFilterParams) -> Result<LeaseTypeFilter, ValidationErrors> {
        Ok(LeaseTypeFilter {
            furnished: bool_param("furnished", &p.furnished)?,
            code: None,
        })
    }

    fn check_delete(&self) -> Result<(), AppError> {
        if self.is_system {
            Err(system_conflict("deleted"))
        } else {
            Ok(())
        }
    }
}

crate::crud_handlers!(
    top LeaseType, LeaseTypeId, LeaseTypeRequest, LeaseTypeResponse, LeaseTypeFilterParams,
    tag = "Lease Types", collection = "/lease-types", item = "/lease-types/{id}",
    ops = ["create_lease_type", "list_lease_types", "get_lease_type", "replace_lease_type", "patch_lease_type", "delete_lease_type"],
    docs = [
        "Create a lease type of the tenant's own.",
        "List the system lease types (UNFURNISHED, FURNISHED, STUDENT, MOBILITY, COMMERCIAL, PARKING) and the tenant's own.",
        "Read a lease type.",
        "Replace a lease type of the tenant's own (409 for a system type).",
        "Change some fields of a lease type of the tenant's own (JSON merge patch; 409 for a system type).",
        "Delete a lease type of the tenant's own (409 for a system type, or while a lease uses it).",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
