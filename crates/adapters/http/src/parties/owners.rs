//! `/api/owners`

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use faireplace_app::CrudService;
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{Owner, OwnerData, OwnerFilter, OwnerId, OwnerInput, PartySort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{AddressDto, email_filter, opt};
use crate::AppState;
use crate::common::{ListParams, Manager, Paginated};
use crate::crud::{self, CrudResource};
use crate::problem::ApiError;
use crate::responses::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized};

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
    type Request = OwnerRequest;
    type Response = OwnerResponse;
    type FilterParams = OwnerFilterParams;
    const COLLECTION: &'static str = "/api/owners";
    const DEFAULT_SORT: Sort<PartySort> = Sort {
        field: PartySort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.owners
    }

    fn create(request: OwnerRequest, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        Ok(Owner::new(OwnerData::parse(&request.into())?, now))
    }

    fn replace(
        &mut self,
        request: OwnerRequest,
        now: DateTime<Utc>,
    ) -> Result<(), ValidationErrors> {
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

    fn filter(params: &OwnerFilterParams) -> Result<OwnerFilter, ValidationErrors> {
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

/// Create an owner.
#[utoipa::path(
    tag = "Owners",
    request_body = OwnerRequest,
    responses(
        (status = 201, description = "Created", body = OwnerResponse,
            headers(("Location" = String, description = "URL of the new owner"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[post("/owners")]
pub async fn create_owner(
    state: web::Data<AppState>,
    caller: Manager,
    body: web::Json<OwnerRequest>,
) -> Result<HttpResponse, ApiError> {
    crud::create::<Owner>(&state, &caller.0, body.into_inner()).await
}

/// List owners, with paging, search on names, `?email=` and `?kind=`.
#[utoipa::path(
    tag = "Owners",
    params(ListParams, OwnerFilterParams),
    responses(
        (status = 200, description = "A page of owners", body = Paginated<OwnerResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/owners")]
pub async fn list_owners(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<ListParams>,
    filter: web::Query<OwnerFilterParams>,
) -> Result<HttpResponse, ApiError> {
    crud::list::<Owner>(&state, &caller.0, &params, &filter).await
}

/// Read an owner.
#[utoipa::path(
    tag = "Owners",
    responses(
        (status = 200, description = "The owner", body = OwnerResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/owners/{id}")]
pub async fn get_owner(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    crud::get::<Owner>(&state, &caller.0, OwnerId(*id)).await
}

/// Replace an owner (every field; absent ones are cleared).
#[utoipa::path(
    tag = "Owners",
    request_body = OwnerRequest,
    responses(
        (status = 200, description = "The owner", body = OwnerResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[put("/owners/{id}")]
pub async fn replace_owner(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
    body: web::Json<OwnerRequest>,
) -> Result<HttpResponse, ApiError> {
    crud::replace::<Owner>(&state, &caller.0, OwnerId(*id), body.into_inner()).await
}

/// Change some fields of an owner (JSON merge patch: absent fields stay, null clears).
#[utoipa::path(
    tag = "Owners",
    request_body = OwnerRequest,
    responses(
        (status = 200, description = "The owner", body = OwnerResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[patch("/owners/{id}")]
pub async fn patch_owner(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    crud::patch::<Owner>(&state, &caller.0, OwnerId(*id), body.into_inner()).await
}

/// Delete an owner (409 while an estate refers to it).
#[utoipa::path(
    tag = "Owners",
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[delete("/owners/{id}")]
pub async fn delete_owner(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    crud::delete::<Owner>(&state, &caller.0, OwnerId(*id)).await
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_owner)
        .service(list_owners)
        .service(get_owner)
        .service(replace_owner)
        .service(patch_owner)
        .service(delete_owner);
}
