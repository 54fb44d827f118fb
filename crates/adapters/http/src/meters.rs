//! `/api/meters`: the meter tree, readings, consumption, anomalies; `/api/leases/{id}/meters`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::ids::{EstateId, LeaseId, MediaId, PlaceId};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_meters::{
    BillingType, Meter, MeterData, MeterFilter, MeterId, MeterInput, MeterSite, MeterSort,
    MeterType, Reading, ReadingId, ReadingInput, ReadingSource,
};
use faireplace_ports::meters::LeaseMeter;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::PageParams;
use crate::common::{Manager, Paginated, created};
use crate::crud::CrudResource;
use crate::problem::ApiError;
use crate::property::{bool_param, enum_param, opt, uuid_param};

/// A meter as sent: on an estate or on a place (one of the two).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct MeterRequest {
    #[schema(value_type = Option<Uuid>)]
    pub estate_id: Option<EstateId>,
    #[schema(value_type = Option<Uuid>)]
    pub place_id: Option<PlaceId>,
    /// A meter of the same place; no cycle may form (400).
    #[schema(value_type = Option<Uuid>)]
    pub parent_meter_id: Option<MeterId>,
    #[schema(value_type = Option<MeterType>, required = true)]
    pub meter_type: Option<String>,
    /// INDIVIDUAL when absent.
    #[schema(value_type = Option<BillingType>)]
    pub billing_type: Option<String>,
    pub serial_number: Option<String>,
    /// kWh or m3 from the type when absent.
    pub unit: Option<String>,
    /// The largest value the meter displays before rolling over to 0.
    #[schema(value_type = Option<f64>, format = "amount", example = 99999)]
    pub max_value: Option<Decimal>,
    pub location: Option<String>,
    pub installed_on: Option<NaiveDate>,
    /// True when absent.
    pub active: Option<bool>,
}

/// A meter.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeterResponse {
    #[schema(value_type = Uuid)]
    pub id: MeterId,
    #[schema(value_type = Option<Uuid>)]
    pub estate_id: Option<EstateId>,
    #[schema(value_type = Option<Uuid>)]
    pub place_id: Option<PlaceId>,
    #[schema(value_type = Option<Uuid>)]
    pub parent_meter_id: Option<MeterId>,
    pub meter_type: MeterType,
    pub billing_type: BillingType,
    pub serial_number: Option<String>,
    pub unit: String,
    #[schema(value_type = Option<f64>)]
    pub max_value: Option<Decimal>,
    pub location: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the meter list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeterFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub estate_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub place_id: Option<String>,
    #[param(value_type = Option<MeterType>)]
    pub meter_type: Option<String>,
    #[param(value_type = Option<bool>)]
    pub active: Option<String>,
}

fn input(r: MeterRequest) -> MeterInput {
    MeterInput {
        estate_id: r.estate_id,
        place_id: r.place_id,
        parent_meter_id: r.parent_meter_id,
        meter_type: r.meter_type,
        billing_type: r.billing_type,
        serial_number: r.serial_number,
        unit: r.unit,
        max_value: r.max_value,
        location: r.location,
        installed_on: r.installed_on,
        active: r.active,
    }
}

fn site(d: &MeterData) -> (Option<EstateId>, Option<PlaceId>) {
    match d.site {
        MeterSite::Estate(e) => (Some(e), None),
        MeterSite::Place(p) => (None, Some(p)),
    }
}

pub(crate) fn meter_response(m: &Meter) -> MeterResponse {
    let d = &m.data;
    let (estate_id, place_id) = site(d);
    MeterResponse {
        id: m.id,
        estate_id,
        place_id,
        parent_meter_id: d.parent_meter_id,
        meter_type: d.meter_type,
        billing_type: d.billing_type,
        serial_number: opt(&d.serial_number),
        unit: d.unit.to_string(),
        max_value: d.max_value,
        location: opt(&d.location),
        installed_on: d.installed_on,
        active: d.active,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

impl CrudResource for Meter {
    crate::top_level!("/api/meters");
    type Request = MeterRequest;
    type Response = MeterResponse;
    type FilterParams = MeterFilterParams;
    const DEFAULT_SORT: Sort<MeterSort> = Sort {
        field: MeterSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.meters
    }

    fn create(_: (), r: MeterRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Meter::new(MeterData::parse(&input(r))?, now)?)
    }

    fn replace(&mut self, r: MeterRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Meter::replace(self, MeterData::parse(&input(r))?, now)?;
        Ok(())
    }

    fn to_request(&self) -> MeterRequest {
        let d = &self.data;
        let (estate_id, place_id) = site(d);
        MeterRequest {
            estate_id,
            place_id,
            parent_meter_id: d.parent_meter_id,
            meter_type: Some(d.meter_type.as_str().to_owned()),
            billing_type: Some(d.billing_type.as_str().to_owned()),
            serial_number: opt(&d.serial_number),
            unit: Some(d.unit.to_string()),
            max_value: d.max_value,
            location: opt(&d.location),
            installed_on: d.installed_on,
            active: Some(d.active),
        }
    }

    fn to_response(&self) -> MeterResponse {
        meter_response(self)
    }

    fn filter(_: (), p: &MeterFilterParams) -> Result<MeterFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let estate_id = errors
            .merge(uuid_param("estate_id", &p.estate_id))
            .flatten();
        let place_id = errors.merge(uuid_param("place_id", &p.place_id)).flatten();
        let meter_type = errors
            .merge(enum_param("meter_type", &p.meter_type))
            .flatten();
        let active = errors.merge(bool_param("active", &p.active)).flatten();
        errors.into_result()?;
        Ok(MeterFilter {
            estate_id: estate_id.map(EstateId),
            place_id: place_id.map(PlaceId),
            parent_meter_id: None,
            meter_type,
            active,
        })
    }
}

crate::crud_handlers!(
    top Meter, MeterId, MeterRequest, MeterResponse, MeterFilterParams,
    tag = "Meters", collection = "/meters", item = "/meters/{id}",
    ops = ["create_meter", "list_meters", "get_meter", "replace_meter", "patch_meter", "delete_meter"],
    docs = [
        "Create a meter on an estate or a place (400 for a parent in another place or a cycle).",
        "List meters, with `estate_id`, `place_id`, `meter_type` and `active` filters; `search` on serial numbers and locations.",
        "Read a meter.",
        "Replace a meter (400 when the new parent would form a cycle).",
        "Change some fields of a meter (JSON merge patch).",
        "Delete a meter and its readings (409 while it has sub-meters or a lease is billed from it).",
    ],
);

crate::endpoint! {
    /// The direct sub-meters of a meter.
    get "/meters/{id}/children", tag = "Meters", id = "list_meter_children",
    ok = (200, "A page", Paginated<MeterResponse>),
    errors = [403 Forbidden, 404 NotFound],
    query params: crate::common::ListParams;
    fn children(state, caller: Manager, path: web::Path<Uuid>) {
        let id = MeterId(path.into_inner());
        state.meters.get(&caller.0, id).await?;
        let (page, sort) = params.parse(Meter::DEFAULT_SORT)?;
        let query = faireplace_ports::ListQuery {
            page,
            sort,
            search: params.search(),
            filter: MeterFilter {
                parent_meter_id: Some(id),
                ..MeterFilter::default()
            },
        };
        let page = state.meters.list(&caller.0, &query).await?;
        Ok(Paginated::from_page(page, |m| meter_response(&m)).respond())
    }
}

/// A reading as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ReadingRequest {
    /// The index shown, ≥ 0, at most 3 decimals.
    #[schema(value_type = Option<f64>, format = "amount", required = true, example = 12345.6)]
    pub value: Option<Decimal>,
    /// Now when absent; after the meter's latest reading.
    pub read_at: Option<DateTime<Utc>>,
    /// MANUAL when absent.
    #[schema(value_type = Option<ReadingSource>)]
    pub source: Option<String>,
    /// Required for PHOTO: a media uploaded through `/api/media`.
    #[schema(value_type = Option<Uuid>)]
    pub photo_media_id: Option<MediaId>,
    /// The meter went past its max_value back to 0 since the previous reading.
    pub rollover: Option<bool>,
}

/// A reading, with what it measured.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadingResponse {
    #[schema(value_type = Uuid)]
    pub id: ReadingId,
    #[schema(value_type = Uuid)]
    pub meter_id: MeterId,
    #[schema(value_type = f64)]
    pub value: Decimal,
    pub read_at: DateTime<Utc>,
    pub source: ReadingSource,
    #[schema(value_type = Option<Uuid>)]
    pub photo_media_id: Option<MediaId>,
    pub rollover: bool,
    /// Since the previous reading (null for the first): new − previous, or with a rollover
    /// (max_value − previous) + 1 + new.
    #[schema(value_type = Option<f64>)]
    pub consumption: Option<Decimal>,
    /// The daily rate of this consumption strays more than 50 % from the meter's average.
    pub anomaly: bool,
    pub created_at: DateTime<Utc>,
}

fn reading_response(r: &Reading) -> ReadingResponse {
    ReadingResponse {
        id: r.id,
        meter_id: r.meter_id,
        value: r.data.value,
        read_at: r.data.read_at,
        source: r.data.source,
        photo_media_id: r.data.photo_media_id,
        rollover: r.data.rollover,
        consumption: r.consumption,
        anomaly: r.anomaly,
        created_at: r.created_at,
    }
}

crate::endpoint! {
    /// Record a reading (400 when lower than the previous one without rollover, or not after it).
    post "/meters/{id}/readings", tag = "Meters", id = "create_meter_reading",
    ok = (201, "The reading", ReadingResponse),
    errors = [403 Forbidden, 404 NotFound],
    json body: ReadingRequest,
    fn add_reading(state, caller: Manager, path: web::Path<Uuid>) {
        let id = MeterId(path.into_inner());
        let b = body.into_inner();
        let reading = state
            .meter_rules
            .add_reading(
                &caller.0,
                id,
                &ReadingInput {
                    value: b.value,
                    read_at: b.read_at,
                    source: b.source,
                    photo_media_id: b.photo_media_id,
                    rollover: b.rollover,
                },
            )
            .await?;
        Ok(created(
            format!("/api/meters/{id}/readings"),
            &reading_response(&reading),
        ))
    }
}

crate::endpoint! {
    /// A meter's readings, latest first.
    get "/meters/{id}/readings", tag = "Meters", id = "list_meter_readings",
    ok = (200, "A page", Paginated<ReadingResponse>),
    errors = [403 Forbidden, 404 NotFound],
    query params: PageParams;
    fn readings(state, caller: Manager, path: web::Path<Uuid>) {
        let page = params.request()?;
        let page = state
            .meter_rules
            .readings(&caller.0, MeterId(path.into_inner()), page)
            .await?;
        Ok(Paginated::from_page(page, |r| reading_response(&r)).respond())
    }
}

crate::endpoint! {
    /// Readings flagged as anomalies, over every meter, latest first.
    get "/meters/anomalies", tag = "Meters", id = "list_meter_anomalies",
    ok = (200, "A page", Paginated<ReadingResponse>),
    errors = [403 Forbidden],
    query params: PageParams;
    fn anomalies(state, caller: Manager) {
        let page = params.request()?;
        let page = state.meter_rules.anomalies(&caller.0, page).await?;
        Ok(Paginated::from_page(page, |r| reading_response(&r)).respond())
    }
}

/// The days of a consumption query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsumptionParams {
    /// First day (`YYYY-MM-DD`).
    #[param(value_type = NaiveDate, required = true)]
    pub from: Option<String>,
    /// Last day, included.
    #[param(value_type = NaiveDate, required = true)]
    pub to: Option<String>,
}

/// A meter's consumption over some days.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsumptionResponse {
    #[schema(value_type = Uuid)]
    pub meter_id: MeterId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Σ consumption of the readings taken over these days.
    #[schema(value_type = f64)]
    pub total: Decimal,
    /// total ÷ days, 3 decimals.
    #[schema(value_type = f64)]
    pub daily_average: Decimal,
    pub readings_used: i64,
}

fn day(field: &str, raw: &Option<String>) -> Result<NaiveDate, ApiError> {
    let raw = raw
        .as_deref()
        .ok_or_else(|| ApiError::field(field, "is required"))?;
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::field(field, "must be a date such as 2026-01-31"))
}

crate::endpoint! {
    /// A meter's consumption from the start of `from` to the end of `to`.
    get "/meters/{id}/consumption", tag = "Meters", id = "get_meter_consumption",
    ok = (200, "The consumption", ConsumptionResponse),
    errors = [403 Forbidden, 404 NotFound],
    query params: ConsumptionParams;
    fn consumption(state, caller: Manager, path: web::Path<Uuid>) {
        let id = MeterId(path.into_inner());
        let (from, to) = (day("from", &params.from)?, day("to", &params.to)?);
        let c = state
            .meter_rules
            .consumption(&caller.0, id, from, to)
            .await?;
        Ok(HttpResponse::Ok().json(ConsumptionResponse {
            meter_id: id,
            from: c.from,
            to: c.to,
            total: c.total,
            daily_average: c.daily_average.normalize(),
            readings_used: c.readings_used,
        }))
    }
}

/// A meter a lease is billed from.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct LeaseMeterRequest {
    #[schema(value_type = Option<Uuid>, required = true)]
    pub meter_id: Option<MeterId>,
    /// The meter's reading at the start of the lease.
    #[schema(value_type = Option<Uuid>)]
    pub start_reading_id: Option<ReadingId>,
    /// The meter's reading at its end.
    #[schema(value_type = Option<Uuid>)]
    pub end_reading_id: Option<ReadingId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaseMeterResponse {
    #[schema(value_type = Uuid)]
    pub lease_id: LeaseId,
    #[schema(value_type = Uuid)]
    pub meter_id: MeterId,
    #[schema(value_type = Option<Uuid>)]
    pub start_reading_id: Option<ReadingId>,
    #[schema(value_type = Option<Uuid>)]
    pub end_reading_id: Option<ReadingId>,
    pub created_at: DateTime<Utc>,
}

fn link_response(l: &LeaseMeter) -> LeaseMeterResponse {
    LeaseMeterResponse {
        lease_id: l.lease_id,
        meter_id: l.meter_id,
        start_reading_id: l.start_reading_id,
        end_reading_id: l.end_reading_id,
        created_at: l.created_at,
    }
}

/// The meters of a lease.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaseMeterList {
    pub data: Vec<LeaseMeterResponse>,
}

crate::endpoint! {
    /// Link a meter to a lease with its start and end readings (linking it again replaces them).
    post "/leases/{lease_id}/meters", tag = "Meters", id = "link_lease_meter",
    ok = (201, "The link", LeaseMeterResponse),
    errors = [403 Forbidden, 404 NotFound],
    json body: LeaseMeterRequest,
    fn link_meter(state, caller: Manager, path: web::Path<Uuid>) {
        let lease = LeaseId(path.into_inner());
        let meter = body
            .meter_id
            .ok_or_else(|| ApiError::field("meter_id", "is required"))?;
        let link = state
            .meter_rules
            .link(
                &caller.0,
                lease,
                meter,
                body.start_reading_id,
                body.end_reading_id,
            )
            .await?;
        Ok(created(
            format!("/api/leases/{lease}/meters"),
            &link_response(&link),
        ))
    }
}

crate::endpoint! {
    /// The meters a lease is billed from.
    get "/leases/{lease_id}/meters", tag = "Meters", id = "list_lease_meters",
    ok = (200, "The links", LeaseMeterList),
    errors = [403 Forbidden, 404 NotFound],
    fn lease_meters(state, caller: Manager, path: web::Path<Uuid>) {
        let links = state
            .meter_rules
            .links(&caller.0, LeaseId(path.into_inner()))
            .await?;
        Ok(HttpResponse::Ok().json(LeaseMeterList {
            data: links.iter().map(link_response).collect(),
        }))
    }
}

crate::endpoint! {
    /// Unlink a meter from a lease.
    delete "/leases/{lease_id}/meters/{meter_id}", tag = "Meters", id = "unlink_lease_meter",
    ok = (204, "Unlinked"),
    errors = [403 Forbidden, 404 NotFound],
    fn unlink_meter(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
        let (lease, meter) = path.into_inner();
        state
            .meter_rules
            .unlink(&caller.0, LeaseId(lease), MeterId(meter))
            .await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    // Before `/meters/{id}`, which would read "anomalies" as an id.
    cfg.service(anomalies);
    crud_routes(cfg);
    cfg.service(children)
        .service(add_reading)
        .service(readings)
        .service(consumption)
        .service(link_meter)
        .service(lease_meters)
        .service(unlink_meter);
}
