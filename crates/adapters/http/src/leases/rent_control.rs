//! `/api/rent-control`: zones and reference rents (reference data), and the check of a rent.

use actix_web::{HttpResponse, get, post};
use chrono::NaiveDate;
use faireplace_ports::rent::{ReferenceRentCell, RentControlZone};
use faireplace_property::{ConstructionPeriod, EstateId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::common::PageParams;
use crate::common::{Manager, Paginated};
use crate::property::uuid_param;

/// A rent control zone: a published sector of a listed city.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneResponse {
    pub id: Uuid,
    #[schema(example = "Paris")]
    pub city: String,
    /// The published sector as text, e.g. "1" for Paris sector 1.
    #[schema(example = "1")]
    pub code: String,
    #[schema(example = "Paris secteur 1")]
    pub name: String,
}

impl From<RentControlZone> for ZoneResponse {
    fn from(z: RentControlZone) -> Self {
        Self {
            id: z.id,
            city: z.city,
            code: z.code,
            name: z.name,
        }
    }
}

/// One cell of reference rents (€/m², excluding charges).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceRentResponse {
    pub zone_id: Uuid,
    /// 1 to 4, 4 meaning four rooms or more.
    pub rooms: i16,
    pub construction_period: ConstructionPeriod,
    pub furnished: bool,
    #[schema(value_type = f64)]
    pub reference_m2: Decimal,
    /// The ceiling (référence majorée).
    #[schema(value_type = f64)]
    pub increased_m2: Decimal,
    /// The floor (référence minorée).
    #[schema(value_type = f64)]
    pub reduced_m2: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl From<ReferenceRentCell> for ReferenceRentResponse {
    fn from(c: ReferenceRentCell) -> Self {
        let r = c.rents;
        Self {
            zone_id: c.zone_id,
            rooms: r.rooms,
            construction_period: r.construction_period,
            furnished: r.furnished,
            reference_m2: r.reference_m2,
            increased_m2: r.increased_m2,
            reduced_m2: r.reduced_m2,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferenceRentParams {
    #[param(value_type = Option<Uuid>)]
    pub zone_id: Option<String>,
}

crate::endpoint! {
    /// The rent control zones.
    get "/rent-control/zones", tag = "Rent Regulation & Rent Control", id = "list_rent_control_zones",
    ok = (200, "A page of zones", Paginated<ZoneResponse>),
    errors = [403 Forbidden],
    query params: PageParams;
    fn zones(state, caller: Manager) {
        let page = params.request()?;
        let zones = state.rent_control.zones(&caller.0, page).await?;
        Ok(Paginated::from_page(zones, ZoneResponse::from).respond())
    }
}

crate::endpoint! {
    /// The reference rents, of one zone with `?zone_id=`.
    get "/rent-control/reference-rents", tag = "Rent Regulation & Rent Control", id = "list_reference_rents",
    ok = (200, "A page of reference rents", Paginated<ReferenceRentResponse>),
    errors = [403 Forbidden],
    query params: ReferenceRentParams, page: PageParams;
    fn reference_rents(state, caller: Manager) {
        let page = page.request()?;
        let zone = uuid_param("zone_id", &params.zone_id)?;
        let cells = state
            .rent_control
            .reference_rents(&caller.0, zone, page)
            .await?;
        Ok(Paginated::from_page(cells, ReferenceRentResponse::from).respond())
    }
}

/// A rent to check against the ceiling of its estate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckRequest {
    #[schema(required = true)]
    pub estate_id: Option<Uuid>,
    /// Base rent excluding charges.
    #[schema(value_type = f64, format = "amount", example = 1250.0, required = true)]
    pub rent_amount: Option<Decimal>,
    /// A rent supplement claimed for exceptional features.
    #[schema(value_type = Option<crate::schema::Amount>)]
    pub rent_supplement: Option<Decimal>,
}

/// The verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResponse {
    /// The estate is in a zone with a reference rent in force today.
    pub applicable: bool,
    #[schema(value_type = Option<f64>)]
    pub reference_m2: Option<Decimal>,
    /// Ceiling per m² × living surface.
    #[schema(value_type = Option<f64>)]
    pub max_rent: Option<Decimal>,
    /// Null when not applicable.
    pub compliant: Option<bool>,
    #[schema(value_type = Option<f64>)]
    pub excess: Option<Decimal>,
    /// False for an F or G estate.
    pub supplement_allowed: bool,
}

crate::endpoint! {
    /// Check a base rent against the rent control ceiling of an estate (its zone, rooms,
    /// construction period, furnishing and surface; no supplement for F and G).
    post "/rent-control/check", tag = "Rent Regulation & Rent Control", id = "check_rent_control",
    ok = (200, "The verdict", CheckResponse),
    errors = [403 Forbidden, 404 NotFound],
    json body: CheckRequest,
    fn check(state, caller: Manager) {
        let (estate, rent) = crate::required!(body: estate_id, rent_amount);
        let today = chrono::Utc::now().date_naive();
        let verdict = state
            .rent_control
            .check(
                &caller.0,
                EstateId(estate),
                rent,
                body.rent_supplement,
                today,
            )
            .await?;
        Ok(HttpResponse::Ok().json(CheckResponse {
            applicable: verdict.applicable,
            reference_m2: verdict.reference.as_ref().map(|c| c.rents.reference_m2),
            max_rent: verdict.outcome.map(|o| o.max_rent),
            compliant: verdict.outcome.map(|o| o.compliant),
            excess: verdict.outcome.map(|o| o.excess),
            supplement_allowed: verdict.supplement_allowed,
        }))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(zones).service(reference_rents).service(check);
}
