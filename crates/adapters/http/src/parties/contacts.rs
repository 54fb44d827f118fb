//! `/api/contacts`

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{Contact, ContactData, ContactFilter, ContactId, ContactInput, PartySort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{AddressDto, email_filter, opt};
use crate::AppState;
use crate::crud::CrudResource;

/// What a contact is to the portfolio.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum ContactKind {
    GUARANTOR,
    AGENT,
    SERVICE_PROVIDER,
    SYNDIC,
    OTHER,
}

/// A contact as sent. A SYNDIC or SERVICE_PROVIDER needs company_name; a GUARANTOR needs
/// first_name and last_name, or company_name; an AGENT or OTHER needs last_name or company_name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ContactRequest {
    #[schema(value_type = ContactKind, required = true)]
    pub kind: Option<String>,
    #[schema(example = "Paul")]
    pub first_name: Option<String>,
    #[schema(example = "Durand")]
    pub last_name: Option<String>,
    #[schema(example = "Cabinet Lamy")]
    pub company_name: Option<String>,
    #[schema(example = "contact@example.fr")]
    pub email: Option<String>,
    #[schema(example = "01 23 45 67 89")]
    pub phone: Option<String>,
    pub address: Option<AddressDto>,
    pub notes: Option<String>,
}

/// A contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactResponse {
    pub id: Uuid,
    #[schema(value_type = ContactKind)]
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressDto>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Equality filters of the contact list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactFilterParams {
    /// Exact e-mail address (case-insensitive).
    pub email: Option<String>,
    #[param(value_type = Option<ContactKind>)]
    pub kind: Option<String>,
}

impl From<ContactRequest> for ContactInput {
    fn from(r: ContactRequest) -> Self {
        ContactInput {
            kind: r.kind,
            first_name: r.first_name,
            last_name: r.last_name,
            company_name: r.company_name,
            email: r.email,
            phone: r.phone,
            address: r.address.map(Into::into),
            notes: r.notes,
        }
    }
}

impl CrudResource for Contact {
    crate::top_level!("/api/contacts");
    const AUDIT: Option<&'static str> = Some("contact");
    type Request = ContactRequest;
    type Response = ContactResponse;
    type FilterParams = ContactFilterParams;
    const DEFAULT_SORT: Sort<PartySort> = Sort {
        field: PartySort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.contacts
    }

    fn create(_: (), request: ContactRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Contact::new(ContactData::parse(&request.into())?, now))
    }

    fn replace(&mut self, request: ContactRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Contact::replace(self, ContactData::parse(&request.into())?, now);
        Ok(())
    }

    fn to_request(&self) -> ContactRequest {
        let d = &self.data;
        ContactRequest {
            kind: Some(d.kind.as_str().to_owned()),
            first_name: opt(&d.first_name),
            last_name: opt(&d.last_name),
            company_name: opt(&d.company_name),
            email: opt(&d.email),
            phone: opt(&d.phone),
            address: d.address.as_ref().map(AddressDto::from),
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> ContactResponse {
        let r = self.to_request();
        ContactResponse {
            id: self.id.0,
            kind: self.data.kind.as_str().to_owned(),
            first_name: r.first_name,
            last_name: r.last_name,
            company_name: r.company_name,
            email: r.email,
            phone: r.phone,
            address: r.address,
            notes: r.notes,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), params: &ContactFilterParams) -> Result<ContactFilter, ValidationErrors> {
        let email = email_filter(&params.email);
        let kind = params
            .kind
            .as_deref()
            .map(faireplace_parties::ContactKind::parse)
            .transpose()
            .map_err(|e| ValidationErrors::single("kind", e.to_string()));
        match (email, kind) {
            (Ok(email), Ok(kind)) => Ok(ContactFilter { email, kind }),
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }
}

crate::crud_handlers!(
    top Contact, ContactId, ContactRequest, ContactResponse, ContactFilterParams,
    tag = "Contacts", collection = "/contacts", item = "/contacts/{id}",
    ops = ["create_contact", "list_contacts", "get_contact", "replace_contact", "patch_contact", "delete_contact"],
    docs = [
        "Create a contact.",
        "List contacts, with paging, search on names, `?email=` and `?kind=`.",
        "Read a contact.",
        "Replace a contact (every field; absent ones are cleared).",
        "Change some fields of a contact (JSON merge patch: absent fields stay, null clears).",
        "Delete a contact (409 while a place or lease refers to it).",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
