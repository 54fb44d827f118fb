//! `/api/owners`

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{Owner, OwnerData, OwnerFilter, OwnerId, OwnerInput, PartySort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{AddressDto, email_filter, opt};
use crate::AppState;
use crate::crud::CrudResource;

/// A natural person or a company.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, dead_code)]
pub enum OwnerKind {
    PERSON,
    COMPANY,
}

/// An owner as sent: a PERSON needs first_name and last_name, a COMPANY company_name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct OwnerRequest {
    #[schema(value_type = OwnerKind, required = true)]
    pub kind: Option<String>,
    #[schema(example = "Jeanne")]
    pub first_name: Option<String>,
    #[schema(example = "Martin")]
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    /// 14 digits with a valid Luhn checksum.
    #[schema(example = "73282932000074")]
    pub siret: Option<String>,
    #[schema(example = "jeanne.martin@example.fr")]
    pub email: Option<String>,
    #[schema(example = "+33 6 12 34 56 78")]
    pub phone: Option<String>,
    pub address: Option<AddressDto>,
    #[schema(example = "FR7630006000011234567890189")]
    pub iban: Option<String>,
    /// The owner's id in the client's own software.
    pub external_reference_id: Option<String>,
    pub notes: Option<String>,
}

/// An owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerResponse {
    pub id: Uuid,
    #[schema(value_type = OwnerKind)]
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub siret: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressDto>,
    pub iban: Option<String>,
    pub external_reference_id: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Equality filters of the owner list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerFilterParams {
    /// Exact e-mail address (case-insensitive).
    pub email: Option<String>,
    #[param(value_type = Option<OwnerKind>)]
    pub kind: Option<String>,
}

impl From<OwnerRequest> for OwnerInput {
    fn from(r: OwnerRequest) -> Self {
        OwnerInput {
            kind: r.kind,
            first_name: r.first_name,
            last_name: r.last_name,
            company_name: r.company_name,
            siret: r.siret,
            email: r.email,
            phone: r.phone,
            address: r.address.map(Into::into),
            iban: r.iban,
            external_reference_id: r.external_reference_id,
            notes: r.notes,
        }
    }
}

impl CrudResource for Owner {
    crate::top_level!("/api/owners");
    const AUDIT: Option<&'static str> = Some("owner");
    type Request = OwnerRequest;
    type Response = OwnerResponse;
    type FilterParams = OwnerFilterParams;
    const DEFAULT_SORT: Sort<PartySort> = Sort {
        field: PartySort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.owners
    }

    fn create(_: (), request: OwnerRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Owner::new(OwnerData::parse(&request.into())?, now))
    }

    fn replace(&mut self, request: OwnerRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Owner::replace(self, OwnerData::parse(&request.into())?, now);
        Ok(())
    }

    fn to_request(&self) -> OwnerRequest {
        let d = &self.data;
        OwnerRequest {
            kind: Some(d.kind.as_str().to_owned()),
            first_name: opt(&d.first_name),
            last_name: opt(&d.last_name),
            company_name: opt(&d.company_name),
            siret: opt(&d.siret),
            email: opt(&d.email),
            phone: opt(&d.phone),
            address: d.address.as_ref().map(AddressDto::from),
            iban: opt(&d.iban),
            external_reference_id: opt(&d.external_reference_id),
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> OwnerResponse {
        let r = self.to_request();
        OwnerResponse {
            id: self.id.0,
            kind: self.data.kind.as_str().to_owned(),
            first_name: r.first_name,
            last_name: r.last_name,
            company_name: r.company_name,
            siret: r.siret,
            email: r.email,
            phone: r.phone,
            address: r.address,
            iban: r.iban,
            external_reference_id: r.external_reference_id,
            notes: r.notes,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), params: &OwnerFilterParams) -> Result<OwnerFilter, ValidationErrors> {
        let email = email_filter(&params.email);
        let kind = params
            .kind
            .as_deref()
            .map(faireplace_parties::OwnerKind::parse)
            .transpose()
            .map_err(|e| ValidationErrors::single("kind", e.to_string()));
        match (email, kind) {
            (Ok(email), Ok(kind)) => Ok(OwnerFilter { email, kind }),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }
}

crate::crud_handlers!(
    top Owner, OwnerId, OwnerRequest, OwnerResponse, OwnerFilterParams,
    tag = "Owners", collection = "/owners", item = "/owners/{id}",
    ops = ["create_owner", "list_owners", "get_owner", "replace_owner", "patch_owner", "delete_owner"],
    docs = [
        "Create an owner.",
        "List owners, with paging, search on names, `?email=` and `?kind=`.",
        "Read an owner.",
        "Replace an owner (every field; absent ones are cleared).",
        "Change some fields of an owner (JSON merge patch: absent fields stay, null clears).",
        "Delete an owner (409 while an estate refers to it).",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
