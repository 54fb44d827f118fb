//! `/api/places`: buildings, and `GET /api/places/{id}/estates`.

use actix_web::web;
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::ids::ContactId;
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::ListQuery;
use faireplace_property::{
    EstateFilter, HeatingType, Place, PlaceData, PlaceFilter, PlaceId, PlaceInput, PlaceSort,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{bool_param, opt};
use crate::AppState;
use crate::common::{ListParams, Manager, Paginated};
use crate::crud::CrudResource;
use crate::parties::AddressDto;
use crate::property::estates::{EstateFilterParams, EstateResponse};

/// A place (building) as sent: a name and a full address are required.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PlaceRequest {
    #[schema(example = "Résidence des Tilleuls", required = true)]
    pub name: Option<String>,
    #[schema(required = true)]
    pub address: Option<AddressDto>,
    #[schema(example = 1965)]
    pub construction_year: Option<i64>,
    pub is_coownership: Option<bool>,
    /// The co-ownership's total shares; the estates' tantiemes may not exceed it.
    #[schema(example = 1000)]
    pub total_tantiemes: Option<i64>,
    /// A SYNDIC contact.
    pub syndic_contact_id: Option<Uuid>,
    #[schema(value_type = Option<HeatingType>)]
    pub heating_type: Option<String>,
    pub has_elevator: Option<bool>,
    pub floors_count: Option<i64>,
    pub notes: Option<String>,
}

/// A place.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceResponse {
    pub id: Uuid,
    pub name: String,
    pub address: AddressDto,
    pub construction_year: Option<i32>,
    pub is_coownership: bool,
    pub total_tantiemes: Option<i64>,
    pub syndic_contact_id: Option<Uuid>,
    pub heating_type: Option<HeatingType>,
    pub has_elevator: bool,
    pub floors_count: Option<i32>,
    pub notes: Option<String>,
    /// How many estates the place holds.
    pub estates_count: i64,
    /// The sum of its estates' tantiemes.
    pub allocated_tantiemes: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the place list (`search` looks in names and cities).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceFilterParams {
    #[param(value_type = Option<bool>)]
    pub is_coownership: Option<String>,
    /// Exact city (case-insensitive).
    pub city: Option<String>,
}

fn input(r: PlaceRequest) -> PlaceInput {
    PlaceInput {
        name: r.name,
        address: r.address.map(Into::into),
        construction_year: r.construction_year,
        is_coownership: r.is_coownership,
        total_tantiemes: r.total_tantiemes,
        syndic_contact_id: r.syndic_contact_id.map(ContactId),
        heating_type: r.heating_type,
        has_elevator: r.has_elevator,
        floors_count: r.floors_count,
        notes: r.notes,
    }
}

impl CrudResource for Place {
    crate::top_level!("/api/places");
    type Request = PlaceRequest;
    type Response = PlaceResponse;
    type FilterParams = PlaceFilterParams;
    const DEFAULT_SORT: Sort<PlaceSort> = Sort {
        field: PlaceSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.places
    }

    fn create(_: (), r: PlaceRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Place::new(
            PlaceData::parse(&input(r), now.date_naive())?,
            now,
        ))
    }

    fn replace(&mut self, r: PlaceRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Place::replace(self, PlaceData::parse(&input(r), now.date_naive())?, now);
        Ok(())
    }

    fn to_request(&self) -> PlaceRequest {
        let d = &self.data;
        PlaceRequest {
            name: Some(d.name.to_string()),
            address: Some(AddressDto::from(&d.address)),
            construction_year: d.construction_year.map(i64::from),
            is_coownership: Some(d.is_coownership),
            total_tantiemes: d.total_tantiemes,
            syndic_contact_id: d.syndic_contact_id.map(|c| c.0),
            heating_type: d.heating_type.map(|h| h.as_str().to_owned()),
            has_elevator: Some(d.has_elevator),
            floors_count: d.floors_count.map(i64::from),
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> PlaceResponse {
        let d = &self.data;
        PlaceResponse {
            id: self.id.0,
            name: d.name.to_string(),
            address: AddressDto::from(&d.address),
            construction_year: d.construction_year,
            is_coownership: d.is_coownership,
            total_tantiemes: d.total_tantiemes,
            syndic_contact_id: d.syndic_contact_id.map(|c| c.0),
            heating_type: d.heating_type,
            has_elevator: d.has_elevator,
            floors_count: d.floors_count,
            notes: opt(&d.notes),
            estates_count: self.estates_count,
            allocated_tantiemes: self.allocated_tantiemes,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &PlaceFilterParams) -> Result<PlaceFilter, ValidationErrors> {
        Ok(PlaceFilter {
            is_coownership: bool_param("is_coownership", &p.is_coownership)?,
            city: p
                .city
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        })
    }
}

crate::crud_handlers!(
    top Place, PlaceId, PlaceRequest, PlaceResponse, PlaceFilterParams,
    tag = "Places", collection = "/places", item = "/places/{id}",
    ops = ["create_place", "list_places", "get_place", "replace_place", "patch_place", "delete_place"],
    docs = [
        "Create a place (building).",
        "List places, with paging, search on names and cities, `?is_coownership=` and `?city=`.",
        "Read a place, with its estates count and allocated tantiemes.",
        "Replace a place (400 when its total tantiemes fall below what its estates hold).",
        "Change some fields of a place (JSON merge patch).",
        "Delete a place (409 while it holds estates).",
    ],
);

crate::endpoint! {
    /// List the estates of a place (paged; one statement per page, whatever its size; 404 for an
    /// unknown place).
    get "/places/{id}/estates", tag = "Places", id = "list_place_estates",
    ok = (200, "A page of the place's estates", Paginated<EstateResponse>),
    errors = [403 Forbidden, 404 NotFound],
    query params: ListParams, filter: EstateFilterParams;
    fn list_place_estates(state, caller: Manager, id: web::Path<Uuid>) {
        let place = PlaceId(*id);
        let (page, sort) = params.parse(crate::property::estates::DEFAULT_SORT)?;
        let mut filter: EstateFilter =
            <faireplace_property::Estate as CrudResource>::filter((), &filter)?;
        filter.place_id = Some(place);
        let query = ListQuery {
            page,
            sort,
            search: params.search(),
            filter,
        };
        let page = state.estates.list(&caller.0, &query).await?;
        // Estates of the place in this tenant prove the place is there (a foreign key holds them
        // to it); only an empty answer needs to ask whether the place exists, for a 404.
        if page.total == 0 {
            state.places.get(&caller.0, place).await?;
        }
        Ok(Paginated::from_page(page, |e| e.to_response()).respond())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
    cfg.service(list_place_estates);
}
