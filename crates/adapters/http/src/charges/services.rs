//! `/api/places/{place_id}/services`: what a building offers, and how lessees pay for it.

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    ChargeCategoryId, DistributionKeyId, PlaceService, PlaceServiceData, PlaceServiceFilter,
    PlaceServiceId, PlaceServiceInput, PlaceServiceSort, SpaceType,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_property::PlaceId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::crud::CrudResource;
use crate::property::{bool_param, enum_param, opt};

/// A service as sent. When `is_chargeable` is true, `category_id` and
/// `default_distribution_key_id` are required (400 naming the missing one); when false they
/// are ignored and stored as null.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PlaceServiceRequest {
    #[schema(required = true, example = "Ascenseur")]
    pub name: Option<String>,
    pub description: Option<String>,
    #[schema(required = true)]
    pub is_chargeable: Option<bool>,
    pub category_id: Option<Uuid>,
    #[schema(value_type = Option<SpaceType>, required = true)]
    pub space_type: Option<String>,
    pub default_distribution_key_id: Option<Uuid>,
}

/// A service of a place.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceServiceResponse {
    pub id: Uuid,
    pub place_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub is_chargeable: bool,
    pub category_id: Option<Uuid>,
    pub space_type: SpaceType,
    pub default_distribution_key_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of a place's services.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ServiceFilterParams {
    #[param(value_type = Option<SpaceType>)]
    pub space_type: Option<String>,
    #[param(value_type = Option<bool>)]
    pub is_chargeable: Option<String>,
}

fn input(r: PlaceServiceRequest) -> PlaceServiceInput {
    PlaceServiceInput {
        name: r.name,
        description: r.description,
        is_chargeable: r.is_chargeable,
        category_id: r.category_id.map(ChargeCategoryId),
        space_type: r.space_type,
        default_distribution_key_id: r.default_distribution_key_id.map(DistributionKeyId),
    }
}

impl CrudResource for PlaceService {
    crate::under_place!("services");
    type Request = PlaceServiceRequest;
    type Response = PlaceServiceResponse;
    type FilterParams = ServiceFilterParams;
    const DEFAULT_SORT: Sort<PlaceServiceSort> = Sort {
        field: PlaceServiceSort::Name,
        descending: false,
    };

    const AUDIT: Option<&'static str> = Some("place_service");

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.place_services
    }

    fn create(
        place: PlaceId,
        r: PlaceServiceRequest,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        Ok(PlaceService::new(
            place,
            PlaceServiceData::parse(&input(r))?,
            now,
        ))
    }

    fn replace(&mut self, r: PlaceServiceRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        PlaceService::replace(self, PlaceServiceData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> PlaceServiceRequest {
        let d = &self.data;
        PlaceServiceRequest {
            name: Some(d.name.to_string()),
            description: opt(&d.description),
            is_chargeable: Some(d.billing.is_some()),
            category_id: d.billing.map(|b| b.category_id.0),
            space_type: Some(d.space_type.as_str().to_owned()),
            default_distribution_key_id: d.billing.map(|b| b.default_distribution_key_id.0),
        }
    }

    fn to_response(&self) -> PlaceServiceResponse {
        let d = &self.data;
        PlaceServiceResponse {
            id: self.id.0,
            place_id: self.place_id.0,
            name: d.name.to_string(),
            description: opt(&d.description),
            is_chargeable: d.billing.is_some(),
            category_id: d.billing.map(|b| b.category_id.0),
            space_type: d.space_type,
            default_distribution_key_id: d.billing.map(|b| b.default_distribution_key_id.0),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(
        place: PlaceId,
        p: &ServiceFilterParams,
    ) -> Result<PlaceServiceFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let space_type = errors
            .merge(enum_param("space_type", &p.space_type))
            .flatten();
        let is_chargeable = errors
            .merge(bool_param("is_chargeable", &p.is_chargeable))
            .flatten();
        errors.into_result()?;
        Ok(PlaceServiceFilter {
            place_id: Some(place),
            space_type,
            is_chargeable,
        })
    }
}

crate::crud_handlers!(
    place PlaceService, PlaceServiceId, PlaceServiceRequest, PlaceServiceResponse, ServiceFilterParams,
    tag = "Place services", collection = "/places/{place_id}/services", item = "/places/{place_id}/services/{service_id}",
    ops = ["create_place_service", "list_place_services", "get_place_service", "replace_place_service", "patch_place_service", "delete_place_service"],
    docs = [
        "Add a service to a place (400 when is_chargeable is true and category_id or default_distribution_key_id is missing; 404 for an unknown place). A place may hold several services of one space_type.",
        "List a place's services, with `space_type` and `is_chargeable` filters.",
        "Read a service of a place.",
        "Replace a service of a place.",
        "Change some fields of a service (JSON merge patch).",
        "Remove a service from a place (409 SERVICE_IN_USE while an active lease charge references it).",
    ],
);
