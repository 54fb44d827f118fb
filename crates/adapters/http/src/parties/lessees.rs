//! `/api/lessees`

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::CrudService;
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{Lessee, LesseeData, LesseeFilter, LesseeId, LesseeInput, LesseeSort};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{AddressDto, email_filter, opt};
use crate::AppState;
use crate::common::{ListParams, Manager, Paginated};
use crate::crud::{self, CrudResource};
use crate::problem::ApiError;
use crate::responses::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized};

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
    type Request = LesseeRequest;
    type Response = LesseeResponse;
    type FilterParams = LesseeFilterParams;
    const COLLECTION: &'static str = "/api/lessees";
    const DEFAULT_SORT: Sort<LesseeSort> = Sort {
        field: LesseeSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.lessees
    }

    fn create(request: LesseeRequest, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        Ok(Lessee::new(
            LesseeData::parse(&request.into(), now.date_naive())?,
            now,
        ))
    }

    fn replace(
        &mut self,
        request: LesseeRequest,
        now: DateTime<Utc>,
    ) -> Result<(), ValidationErrors> {
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

    fn filter(params: &LesseeFilterParams) -> Result<LesseeFilter, ValidationErrors> {
        Ok(LesseeFilter {
            email: email_filter(&params.email)?,
        })
    }
}

/// Create a lessee.
#[utoipa::path(
    tag = "Lessees",
    request_body = LesseeRequest,
    responses(
        (status = 201, description = "Created", body = LesseeResponse,
            headers(("Location" = String, description = "URL of the new lessee"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[post("/lessees")]
pub async fn create_lessee(
    state: web::Data<AppState>,
    caller: Manager,
    body: web::Json<LesseeRequest>,
) -> Result<HttpResponse, ApiError> {
    crud::create::<Lessee>(&state, &caller.0, body.into_inner()).await
}

/// List lessees, with paging, search on names and `?email=`.
#[utoipa::path(
    tag = "Lessees",
    params(ListParams, LesseeFilterParams),
    responses(
        (status = 200, description = "A page of lessees", body = Paginated<LesseeResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/lessees")]
pub async fn list_lessees(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<ListParams>,
    filter: web::Query<LesseeFilterParams>,
) -> Result<HttpResponse, ApiError> {
    crud::list::<Lessee>(&state, &caller.0, &params, &filter).await
}

/// Read a lessee.
#[utoipa::path(
    tag = "Lessees",
    responses(
        (status = 200, description = "The lessee", body = LesseeResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/lessees/{id}")]
pub async fn get_lessee(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    crud::get::<Lessee>(&state, &caller.0, LesseeId(*id)).await
}

/// Replace a lessee (every field; absent ones are cleared).
#[utoipa::path(
    tag = "Lessees",
    request_body = LesseeRequest,
    responses(
        (status = 200, description = "The lessee", body = LesseeResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[put("/lessees/{id}")]
pub async fn replace_lessee(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
    body: web::Json<LesseeRequest>,
) -> Result<HttpResponse, ApiError> {
    crud::replace::<Lessee>(&state, &caller.0, LesseeId(*id), body.into_inner()).await
}

/// Change some fields of a lessee (JSON merge patch: absent fields stay, null clears).
#[utoipa::path(
    tag = "Lessees",
    request_body = LesseeRequest,
    responses(
        (status = 200, description = "The lessee", body = LesseeResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[patch("/lessees/{id}")]
pub async fn patch_lessee(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    crud::patch::<Lessee>(&state, &caller.0, LesseeId(*id), body.into_inner()).await
}

/// Delete a lessee (409 while a lease refers to them; their portal keys go with them).
#[utoipa::path(
    tag = "Lessees",
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
#[delete("/lessees/{id}")]
pub async fn delete_lessee(
    state: web::Data<AppState>,
    caller: Manager,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    crud::delete::<Lessee>(&state, &caller.0, LesseeId(*id)).await
}

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_lessee)
        .service(list_lessees)
        .service(get_lessee)
        .service(replace_lessee)
        .service(patch_lessee)
        .service(delete_lessee);
}
