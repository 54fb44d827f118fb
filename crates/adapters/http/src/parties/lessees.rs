//! `/api/lessees`

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService, Principal};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{Lessee, LesseeData, LesseeFilter, LesseeId, LesseeInput, LesseeSort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{AddressDto, email_filter, opt};
use crate::AppState;
use crate::crud::CrudResource;

/// A lessee as sent: first_name and last_name are required.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct LesseeRequest {
    #[schema(example = "Léa", required = true)]
    pub first_name: Option<String>,
    #[schema(example = "Bernard", required = true)]
    pub last_name: Option<String>,
    /// Not in the future, not before 1900.
    #[schema(example = "1990-05-17")]
    pub birth_date: Option<NaiveDate>,
    #[schema(example = "lea.bernard@example.fr")]
    pub email: Option<String>,
    #[schema(example = "06 98 76 54 32")]
    pub phone: Option<String>,
    pub address: Option<AddressDto>,
    pub notes: Option<String>,
}

/// A lessee (the person renting).
#[derive(Debug, Serialize, ToSchema)]
pub struct LesseeResponse {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressDto>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Equality filters of the lessee list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LesseeFilterParams {
    /// Exact e-mail address (case-insensitive).
    pub email: Option<String>,
}

impl From<LesseeRequest> for LesseeInput {
    fn from(r: LesseeRequest) -> Self {
        LesseeInput {
            first_name: r.first_name,
            last_name: r.last_name,
            birth_date: r.birth_date,
            email: r.email,
            phone: r.phone,
            address: r.address.map(Into::into),
            notes: r.notes,
        }
    }
}

impl CrudResource for Lessee {
    crate::top_level!("/api/lessees");
    const AUDIT: Option<&'static str> = Some("lessee");
    type Request = LesseeRequest;
    type Response = LesseeResponse;
    type FilterParams = LesseeFilterParams;
    const DEFAULT_SORT: Sort<LesseeSort> = Sort {
        field: LesseeSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.lessees
    }

    fn create(_: (), request: LesseeRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Lessee::new(
            LesseeData::parse(&request.into(), now.date_naive())?,
            now,
        ))
    }

    fn replace(&mut self, request: LesseeRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Lessee::replace(
            self,
            LesseeData::parse(&request.into(), now.date_naive())?,
            now,
        );
        Ok(())
    }

    fn to_request(&self) -> LesseeRequest {
        let d = &self.data;
        LesseeRequest {
            first_name: Some(d.first_name.to_string()),
            last_name: Some(d.last_name.to_string()),
            birth_date: d.birth_date,
            email: opt(&d.email),
            phone: opt(&d.phone),
            address: d.address.as_ref().map(AddressDto::from),
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> LesseeResponse {
        let d = &self.data;
        LesseeResponse {
            id: self.id.0,
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            birth_date: d.birth_date,
            email: opt(&d.email),
            phone: opt(&d.phone),
            address: d.address.as_ref().map(AddressDto::from),
            notes: opt(&d.notes),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), params: &LesseeFilterParams) -> Result<LesseeFilter, ValidationErrors> {
        Ok(LesseeFilter {
            email: email_filter(&params.email)?,
        })
    }

    /// The lessee's keys went with it: this instance forgets them at once.
    fn after_delete(&self, state: &AppState, caller: &Principal) {
        if let Some(tenant) = caller.tenant_id() {
            state.auth.invalidate_lessee(tenant, self.id);
        }
    }
}

crate::crud_handlers!(
    top Lessee, LesseeId, LesseeRequest, LesseeResponse, LesseeFilterParams,
    tag = "Lessees", collection = "/lessees", item = "/lessees/{id}",
    ops = ["create_lessee", "list_lessees", "get_lessee", "replace_lessee", "patch_lessee", "delete_lessee"],
    docs = [
        "Create a lessee.",
        "List lessees, with paging, search on names and `?email=`.",
        "Read a lessee.",
        "Replace a lessee (every field; absent ones are cleared).",
        "Change some fields of a lessee (JSON merge patch: absent fields stay, null clears).",
        "Delete a lessee (409 while a lease refers to them; their portal keys go with them).",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
