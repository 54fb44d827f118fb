//! The generic flow of a CRUD resource: request form → validated domain data → use case →
//! response form. Each resource module declares its forms and routes; the flow lives here once.

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use faireplace_app::{CrudService, Principal};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::{ListQuery, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::AppState;
use crate::common::{ListParams, Paginated, created, merge_patch};
use crate::problem::ApiError;

/// A resource served with create, list, read, replace, patch and delete.
pub trait CrudResource: Resource {
    /// What a client sends (also the form a PATCH is merged into).
    type Request: Serialize + DeserializeOwned + Send;
    /// What a client receives.
    type Response: Serialize + ToSchema;
    /// The list's equality filters, from the query string.
    type FilterParams;
    /// Where the collection lives, e.g. `/api/owners`.
    const COLLECTION: &'static str;
    const DEFAULT_SORT: Sort<Self::SortField>;

    fn service(state: &AppState) -> &CrudService<Self>;
    fn create(request: Self::Request, now: DateTime<Utc>) -> Result<Self, ValidationErrors>;
    fn replace(
        &mut self,
        request: Self::Request,
        now: DateTime<Utc>,
    ) -> Result<(), ValidationErrors>;
    fn to_request(&self) -> Self::Request;
    fn to_response(&self) -> Self::Response;
    fn filter(params: &Self::FilterParams) -> Result<Self::Filter, ValidationErrors>;
}

pub async fn create<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    request: R::Request,
) -> Result<HttpResponse, ApiError> {
    let service = R::service(state);
    let item = R::create(request, service.now())?;
    let item = service.create(caller, move |_| item).await?;
    Ok(created(
        format!("{}/{}", R::COLLECTION, item.id()),
        &item.to_response(),
    ))
}

pub async fn list<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    params: &ListParams,
    filter: &R::FilterParams,
) -> Result<HttpResponse, ApiError> {
    let (page, sort) = params.parse(R::DEFAULT_SORT)?;
    let query = ListQuery {
        page,
        sort,
        search: params.search(),
        filter: R::filter(filter)?,
    };
    let page = R::service(state).list(caller, &query).await?;
    Ok(HttpResponse::Ok().json(Paginated::from_page(page, |item| item.to_response())))
}

pub async fn get<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    id: R::Id,
) -> Result<HttpResponse, ApiError> {
    let item = R::service(state).get(caller, id).await?;
    Ok(HttpResponse::Ok().json(item.to_response()))
}

pub async fn replace<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    id: R::Id,
    request: R::Request,
) -> Result<HttpResponse, ApiError> {
    let item = R::service(state)
        .update(caller, id, move |item, now| Ok(item.replace(request, now)?))
        .await?;
    Ok(HttpResponse::Ok().json(item.to_response()))
}

pub async fn patch<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    id: R::Id,
    patch: serde_json::Value,
) -> Result<HttpResponse, ApiError> {
    let service = R::service(state);
    let current = service.get(caller, id).await?;
    let request = merge_patch(&current.to_request(), patch)?;
    replace::<R>(state, caller, id, request).await
}

pub async fn delete<R: CrudResource>(
    state: &AppState,
    caller: &Principal,
    id: R::Id,
) -> Result<HttpResponse, ApiError> {
    R::service(state).delete(caller, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
