//! `/api/estates`: lots, and `PUT /api/estates/{id}/owner`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService, Principal};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{Owner, OwnerData, OwnerId};
use faireplace_ports::property::TypeFilter;
use faireplace_property::{
    ConstructionPeriod, Estate, EstateData, EstateFilter, EstateId, EstateInput, EstateSort,
    EstateStatus, PlaceId, PropertyType, TypeId, TypeKind,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{bool_param, enum_param, opt, uuid_param};
use crate::AppState;
use crate::common::Manager;
use crate::crud::{CrudResource, id_by_code};
use crate::parties::AddressDto;
use crate::problem::ApiError;

pub(crate) const DEFAULT_SORT: Sort<EstateSort> = Sort {
    field: EstateSort::Reference,
    descending: false,
};

/// An estate (lot) as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EstateRequest {
    /// The place (building); absent for a standalone house.
    pub place_id: Option<Uuid>,
    #[schema(required = true)]
    pub owner_id: Option<Uuid>,
    /// An ESTATE type (`GET /api/types/estate`); this or `type_code`.
    pub type_id: Option<Uuid>,
    /// The code of an ESTATE type, instead of `type_id`.
    #[schema(example = "FLAT")]
    pub type_code: Option<String>,
    /// Unique in the tenant; generated (LOT-00001…) when absent.
    #[schema(example = "A-12")]
    pub reference: Option<String>,
    /// Absent: the place's address, which the estate then follows.
    pub address: Option<AddressDto>,
    #[schema(example = 3)]
    pub floor: Option<i64>,
    #[schema(example = "12")]
    pub door: Option<String>,
    /// Living surface, at most 2 decimals.
    #[schema(value_type = Option<f64>, format = "amount", example = 45.5)]
    pub surface_m2: Option<Decimal>,
    #[schema(example = 2)]
    pub rooms_count: Option<i64>,
    pub is_furnished: Option<bool>,
    /// The estate's share of its place's total_tantiemes.
    #[schema(example = 120)]
    pub tantiemes: Option<i64>,
    #[schema(value_type = Option<ConstructionPeriod>)]
    pub construction_period: Option<String>,
    pub rent_control_zone_id: Option<Uuid>,
    /// VACANT (default) or UNAVAILABLE.
    #[schema(value_type = Option<EstateStatus>)]
    pub status: Option<String>,
    pub notes: Option<String>,
}

/// An estate.
#[derive(Debug, Serialize, ToSchema)]
pub struct EstateResponse {
    pub id: Uuid,
    pub place_id: Option<Uuid>,
    pub owner_id: Uuid,
    pub type_id: Uuid,
    pub reference: String,
    /// The address in force: the estate's own, or its place's.
    pub address: Option<AddressDto>,
    /// Whether `address` is the place's.
    pub address_inherited: bool,
    pub floor: Option<i32>,
    pub door: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub surface_m2: Option<Decimal>,
    pub rooms_count: Option<i32>,
    pub is_furnished: bool,
    pub tantiemes: Option<i64>,
    pub construction_period: Option<ConstructionPeriod>,
    pub rent_control_zone_id: Option<Uuid>,
    pub status: EstateStatus,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Equality filters of the estate list (`search` looks in references and doors).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EstateFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub place_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub owner_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub type_id: Option<String>,
    #[param(value_type = Option<EstateStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<bool>)]
    pub is_furnished: Option<String>,
}

fn input(r: EstateRequest) -> EstateInput {
    EstateInput {
        place_id: r.place_id.map(PlaceId),
        owner_id: r.owner_id.map(OwnerId),
        type_id: r.type_id.map(TypeId),
        reference: r.reference,
        address: r.address.map(Into::into),
        floor: r.floor,
        door: r.door,
        surface_m2: r.surface_m2,
        rooms_count: r.rooms_count,
        is_furnished: r.is_furnished,
        tantiemes: r.tantiemes,
        construction_period: r.construction_period,
        rent_control_zone_id: r.rent_control_zone_id,
        status: r.status,
        notes: r.notes,
    }
}

impl CrudResource for Estate {
    crate::top_level!("/api/estates");
    type Request = EstateRequest;
    type Response = EstateResponse;
    type FilterParams = EstateFilterParams;
    const DEFAULT_SORT: Sort<EstateSort> = DEFAULT_SORT;
    const BY_CODE: &'static [(&'static str, &'static str)] = &[("type_id", "type_code")];

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.estates
    }

    async fn resolve(
        state: &AppState,
        caller: &Principal,
        r: &mut EstateRequest,
    ) -> Result<ValidationErrors, ApiError> {
        let by_code = |code| TypeFilter {
            kind: TypeKind::Estate,
            code: Some(code),
            ..TypeFilter::default()
        };
        let fields = ("type_id", "type_code");
        let (given, code) = (r.type_id.is_some(), r.type_code.take());
        let mut errors = ValidationErrors::new();
        let found =
            id_by_code::<PropertyType>(state, caller, fields, given, code, by_code, &mut errors);
        if let Some(id) = found.await? {
            r.type_id = Some(id.0);
        }
        Ok(errors)
    }

    fn create(_: (), r: EstateRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Estate::new(EstateData::parse(&input(r))?, now))
    }

    fn replace(&mut self, r: EstateRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Estate::replace(self, EstateData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> EstateRequest {
        let d = &self.data;
        EstateRequest {
            place_id: d.place_id.map(|p| p.0),
            owner_id: Some(d.owner_id.0),
            type_id: Some(d.type_id.0),
            type_code: None,
            reference: Some(self.reference.to_string()),
            address: d.address.as_ref().map(AddressDto::from),
            floor: d.floor.map(i64::from),
            door: opt(&d.door),
            surface_m2: d.surface_m2,
            rooms_count: d.rooms_count.map(i64::from),
            is_furnished: Some(d.is_furnished),
            tantiemes: d.tantiemes,
            construction_period: d
                .construction_period
                .map(|c: ConstructionPeriod| c.as_str().to_owned()),
            rent_control_zone_id: d.rent_control_zone_id,
            status: Some(d.requested_status.as_str().to_owned()),
            notes: opt(&d.notes),
        }
    }

    fn to_response(&self) -> EstateResponse {
        let d = &self.data;
        EstateResponse {
            id: self.id.0,
            place_id: d.place_id.map(|p| p.0),
            owner_id: d.owner_id.0,
            type_id: d.type_id.0,
            reference: self.reference.to_string(),
            address: self.effective_address().map(AddressDto::from),
            address_inherited: d.address.is_none() && self.place_address.is_some(),
            floor: d.floor,
            door: opt(&d.door),
            surface_m2: d.surface_m2,
            rooms_count: d.rooms_count,
            is_furnished: d.is_furnished,
            tantiemes: d.tantiemes,
            construction_period: d.construction_period,
            rent_control_zone_id: d.rent_control_zone_id,
            status: self.status,
            notes: opt(&d.notes),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &EstateFilterParams) -> Result<EstateFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let place_id = errors.merge(uuid_param("place_id", &p.place_id)).flatten();
        let owner_id = errors.merge(uuid_param("owner_id", &p.owner_id)).flatten();
        let type_id = errors.merge(uuid_param("type_id", &p.type_id)).flatten();
        let status = errors.merge(enum_param("status", &p.status)).flatten();
        let is_furnished = errors
            .merge(bool_param("is_furnished", &p.is_furnished))
            .flatten();
        errors.into_result()?;
        Ok(EstateFilter {
            place_id: place_id.map(PlaceId),
            owner_id: owner_id.map(OwnerId),
            type_id: type_id.map(TypeId),
            status,
            is_furnished,
        })
    }
}

crate::crud_handlers!(
    top Estate, EstateId, EstateRequest, EstateResponse, EstateFilterParams,
    tag = "Estates", collection = "/estates", item = "/estates/{id}",
    ops = ["create_estate", "list_estates", "get_estate", "replace_estate", "patch_estate", "delete_estate"],
    docs = [
        "Create an estate (400 when the place's tantiemes would be exceeded; 409 for a reference already used).",
        "List estates, with paging, search on references and doors, and equality filters.",
        "Read an estate; `address` is its own or its place's.",
        "Replace an estate (every field; an absent reference keeps the current one).",
        "Change some fields of an estate (JSON merge patch).",
        "Delete an estate with its rooms, equipment, inventory, keys and diagnostics (409 while a lease refers to it).",
    ],
);

/// The new owner of an estate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OwnerChange {
    #[schema(required = true)]
    pub owner_id: Option<Uuid>,
}

/// An owner, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerSummary {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
}

impl From<&Owner> for OwnerSummary {
    fn from(o: &Owner) -> Self {
        Self {
            id: o.id.0,
            kind: o.data.kind.as_str().to_owned(),
            name: o.data.display_name(),
        }
    }
}

/// The change of an estate's owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerChanged {
    pub estate_id: Uuid,
    pub old_owner: OwnerSummary,
    pub new_owner: OwnerSummary,
}

crate::endpoint! {
    /// Give an estate to another owner of the tenant.
    put "/estates/{id}/owner", tag = "Estates", id = "change_estate_owner",
    ok = (200, "The owner changed", OwnerChanged),
    errors = [403 Forbidden, 404 NotFound],
    json body: OwnerChange,
    fn change_owner(state, caller: Manager, id: web::Path<Uuid>) {
        let Some(new_owner_id) = body.owner_id else {
            return Err(ApiError::field("owner_id", "is required"));
        };
        let estate = state.estates.get(&caller.0, EstateId(*id)).await?;
        let owners = state.items.get::<OwnerData>()?;
        let new_owner = match owners.get(&caller.0, (), OwnerId(new_owner_id)).await {
            Ok(o) => o,
            Err(AppError::NotFound(_)) => {
                return Err(ApiError::field(
                    "owner_id",
                    "refers to a record that does not exist",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let old_owner = owners.get(&caller.0, (), estate.data.owner_id).await?;
        let estate = state
            .estates
            .change(&caller.0, estate, |e, now| {
                e.data.owner_id = new_owner.id;
                e.updated_at = now;
                Ok(())
            })
            .await?;
        Ok(HttpResponse::Ok().json(OwnerChanged {
            estate_id: estate.id.0,
            old_owner: OwnerSummary::from(&old_owner),
            new_owner: OwnerSummary::from(&new_owner),
        }))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
    cfg.service(change_owner);
}
