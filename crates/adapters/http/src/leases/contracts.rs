//! `/api/leases`: leases with their co-lessees and guarantors, their rent history and their
//! yearly revision (a lessee's own leases are in `lessee_portal`).

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_app::leases::{RevisionPreview, RevisionRequest};
use faireplace_app::{AppError, CrudService, Principal};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::ids::{ContactId, EstateId, LesseeId};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_leases::{
    BlockedReason, ChargesMode, Lease, LeaseData, LeaseFilter, LeaseId, LeaseInput, LeaseSort,
    LeaseStatus, LeaseType, LeaseTypeId, RentChangeReason, RentHistoryEntry,
};
use faireplace_ports::leases::LeaseTypeFilter;
use faireplace_ports::rent::IndexValue;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::Manager;
use crate::crud::{CrudResource, id_by_code};
use crate::problem::ApiError;
use crate::property::{enum_param, opt, uuid_param};

/// A lessee party to a lease.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LeaseLessee {
    #[schema(value_type = Uuid)]
    pub lessee_id: LesseeId,
}

/// A lease as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct LeaseRequest {
    #[schema(value_type = Option<Uuid>, required = true)]
    pub estate_id: Option<EstateId>,
    /// A lease type (`GET /api/lease-types`); this or `lease_type_code`.
    #[schema(value_type = Option<Uuid>)]
    pub lease_type_id: Option<LeaseTypeId>,
    /// The code of a lease type, instead of `lease_type_id`.
    #[schema(example = "UNFURNISHED")]
    pub lease_type_code: Option<String>,
    /// The co-lessees, at least one, at most 10.
    #[schema(required = true)]
    pub lessees: Option<Vec<LeaseLessee>>,
    /// Contacts of kind GUARANTOR, at most 10.
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub guarantor_ids: Option<Vec<ContactId>>,
    #[schema(required = true, example = "2026-01-01")]
    pub start_date: Option<NaiveDate>,
    /// The last day of the lease; absent: the day before the anniversary of the type's
    /// default duration (a 3-year lease from 2026-01-01 ends on 2028-12-31). The duration
    /// must be whole months within the type's bounds (six years at least for an unfurnished
    /// lease of a company owner); once notice is given, the end date only moves earlier, to
    /// the notice's end.
    #[schema(example = "2028-12-31")]
    pub end_date: Option<NaiveDate>,
    /// Rent excluding charges, at most 2 decimals.
    #[schema(value_type = Option<f64>, format = "amount", required = true, example = 850.5)]
    pub rent_amount: Option<Decimal>,
    /// Monthly charges (0 when absent).
    #[schema(value_type = Option<f64>, format = "amount", example = 50)]
    pub charges_amount: Option<Decimal>,
    /// PROVISION when absent.
    #[schema(value_type = Option<ChargesMode>)]
    pub charges_mode: Option<String>,
    /// Day of the month the rent is due, 1 to 28 (1 when absent).
    #[schema(minimum = 1, maximum = 28)]
    pub payment_day: Option<i64>,
    /// At most the type's cap in months of rent excluding charges (0 when absent).
    #[schema(value_type = Option<f64>, format = "amount", example = 850.5)]
    pub deposit_amount: Option<Decimal>,
    /// Absent: as the lease type allows rent revision.
    pub has_revision_clause: Option<bool>,
    /// The IRL quarter of reference; absent: the last published at the start of the lease.
    #[schema(example = "2025-Q2", pattern = "^[0-9]{4}-Q[1-4]$")]
    pub irl_reference_quarter: Option<String>,
    /// The first yearly revision date; absent: the lease's anniversary.
    pub revision_date: Option<NaiveDate>,
    pub in_zone_tendue: Option<bool>,
    pub special_clauses: Option<String>,
    /// DRAFT when absent. A new lease may start DRAFT, PENDING_SIGNATURE or ACTIVE (signed
    /// on paper); afterwards it moves one step at a time (409 otherwise).
    #[schema(value_type = Option<LeaseStatus>)]
    pub status: Option<String>,
    /// Write-only: why the rent or charges change (kept in the rent history).
    pub change_comment: Option<String>,
    /// Write-only: when a change of rent or charges takes effect (default today).
    pub change_effective_date: Option<NaiveDate>,
}

/// A lease.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeaseResponse {
    #[schema(value_type = Uuid)]
    pub id: LeaseId,
    #[schema(value_type = Uuid)]
    pub estate_id: EstateId,
    #[schema(value_type = Uuid)]
    pub lease_type_id: LeaseTypeId,
    pub lessees: Vec<LeaseLessee>,
    #[schema(value_type = Vec<Uuid>)]
    pub guarantor_ids: Vec<ContactId>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[schema(value_type = f64)]
    pub rent_amount: Decimal,
    #[schema(value_type = f64)]
    pub charges_amount: Decimal,
    pub charges_mode: ChargesMode,
    pub payment_day: u32,
    #[schema(value_type = f64)]
    pub deposit_amount: Decimal,
    pub has_revision_clause: bool,
    #[schema(example = "2025-Q2")]
    pub irl_reference_quarter: Option<String>,
    pub revision_date: Option<NaiveDate>,
    pub in_zone_tendue: bool,
    pub special_clauses: Option<String>,
    pub status: LeaseStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the lease list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaseFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub estate_id: Option<String>,
    /// Leases on which this lessee is a party.
    #[param(value_type = Option<Uuid>)]
    pub lessee_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub lease_type_id: Option<String>,
    #[param(value_type = Option<LeaseStatus>)]
    pub status: Option<String>,
}

fn input(r: LeaseRequest) -> LeaseInput {
    LeaseInput {
        estate_id: r.estate_id,
        lease_type_id: r.lease_type_id,
        lessee_ids: r
            .lessees
            .map(|l| l.into_iter().map(|p| p.lessee_id).collect()),
        guarantor_ids: r.guarantor_ids,
        start_date: r.start_date,
        end_date: r.end_date,
        rent_amount: r.rent_amount,
        charges_amount: r.charges_amount,
        charges_mode: r.charges_mode,
        payment_day: r.payment_day,
        deposit_amount: r.deposit_amount,
        has_revision_clause: r.has_revision_clause,
        irl_reference_quarter: r.irl_reference_quarter,
        revision_date: r.revision_date,
        in_zone_tendue: r.in_zone_tendue,
        special_clauses: r.special_clauses,
        status: r.status,
        change_comment: r.change_comment,
        change_effective_date: r.change_effective_date,
    }
}

pub(crate) fn response(l: &Lease) -> LeaseResponse {
    let d = &l.data;
    LeaseResponse {
        id: l.id,
        estate_id: d.estate_id,
        lease_type_id: d.lease_type_id,
        lessees: d
            .lessee_ids
            .iter()
            .map(|&lessee_id| LeaseLessee { lessee_id })
            .collect(),
        guarantor_ids: d.guarantor_ids.clone(),
        start_date: d.start_date,
        end_date: l.end_date(),
        rent_amount: d.rent_amount,
        charges_amount: d.charges_amount,
        charges_mode: d.charges_mode,
        payment_day: d.payment_day,
        deposit_amount: d.deposit_amount,
        has_revision_clause: l.has_revision_clause(),
        irl_reference_quarter: opt(&d.irl_reference_quarter),
        revision_date: d.revision_date,
        in_zone_tendue: d.in_zone_tendue,
        special_clauses: opt(&d.special_clauses),
        status: d.status,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

pub(crate) const DEFAULT_SORT: Sort<LeaseSort> = Sort {
    field: LeaseSort::StartDate,
    descending: true,
};

impl CrudResource for Lease {
    crate::top_level!("/api/leases");
    type Request = LeaseRequest;
    type Response = LeaseResponse;
    type FilterParams = LeaseFilterParams;
    const DEFAULT_SORT: Sort<LeaseSort> = DEFAULT_SORT;
    const BY_CODE: &'static [(&'static str, &'static str)] =
        &[("lease_type_id", "lease_type_code")];

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.leases
    }

    async fn resolve(
        state: &AppState,
        caller: &Principal,
        r: &mut LeaseRequest,
    ) -> Result<ValidationErrors, ApiError> {
        let by_code = |code| LeaseTypeFilter {
            code: Some(code),
            ..LeaseTypeFilter::default()
        };
        let fields = ("lease_type_id", "lease_type_code");
        let (given, code) = (r.lease_type_id.is_some(), r.lease_type_code.take());
        let mut errors = ValidationErrors::new();
        let found =
            id_by_code::<LeaseType>(state, caller, fields, given, code, by_code, &mut errors);
        if let Some(id) = found.await? {
            r.lease_type_id = Some(id);
        }
        Ok(errors)
    }

    fn create(_: (), r: LeaseRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Lease::new(LeaseData::parse(&input(r))?, now)?)
    }

    fn replace(&mut self, r: LeaseRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        let data = LeaseData::parse(&input(r))?;
        Lease::replace(self, data, now).map_err(|c| AppError::Conflict {
            code: ErrorCode::Conflict,
            message: c.0,
        })
    }

    fn to_request(&self) -> LeaseRequest {
        let d = &self.data;
        LeaseRequest {
            estate_id: Some(d.estate_id),
            lease_type_id: Some(d.lease_type_id),
            lease_type_code: None,
            lessees: Some(
                d.lessee_ids
                    .iter()
                    .map(|&lessee_id| LeaseLessee { lessee_id })
                    .collect(),
            ),
            guarantor_ids: Some(d.guarantor_ids.clone()),
            start_date: Some(d.start_date),
            end_date: d.end_date,
            rent_amount: Some(d.rent_amount),
            charges_amount: Some(d.charges_amount),
            charges_mode: Some(d.charges_mode.as_str().to_owned()),
            payment_day: Some(i64::from(d.payment_day)),
            deposit_amount: Some(d.deposit_amount),
            has_revision_clause: d.has_revision_clause,
            irl_reference_quarter: opt(&d.irl_reference_quarter),
            revision_date: d.revision_date,
            in_zone_tendue: Some(d.in_zone_tendue),
            special_clauses: opt(&d.special_clauses),
            status: Some(d.status.as_str().to_owned()),
            change_comment: None,
            change_effective_date: None,
        }
    }

    fn to_response(&self) -> LeaseResponse {
        response(self)
    }

    fn filter(_: (), p: &LeaseFilterParams) -> Result<LeaseFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let estate_id = errors
            .merge(uuid_param("estate_id", &p.estate_id))
            .flatten();
        let lessee_id = errors
            .merge(uuid_param("lessee_id", &p.lessee_id))
            .flatten();
        let lease_type_id = errors
            .merge(uuid_param("lease_type_id", &p.lease_type_id))
            .flatten();
        let status = errors.merge(enum_param("status", &p.status)).flatten();
        errors.into_result()?;
        Ok(LeaseFilter {
            estate_id: estate_id.map(EstateId),
            lessee_id: lessee_id.map(LesseeId),
            lease_type_id: lease_type_id.map(LeaseTypeId),
            status,
        })
    }

    async fn check(&mut self, state: &AppState, caller: &Principal) -> Result<(), ApiError> {
        state.lease_rules.complete(caller, self).await?;
        Ok(())
    }
}

crate::crud_handlers!(
    top Lease, LeaseId, LeaseRequest, LeaseResponse, LeaseFilterParams,
    tag = "Leases", collection = "/leases", item = "/leases/{id}",
    ops = ["create_lease", "list_leases", "get_lease", "replace_lease", "patch_lease", "delete_lease"],
    docs = [
        "Create a lease (400 for a deposit over the type's cap, with the cap in the message, or a duration outside the type's bounds; 409 when another lease awaiting signature, active or under notice holds the estate on overlapping dates).",
        "List leases, newest start first, with filters on estate, lessee, type and status; `search` looks in the co-lessees' names.",
        "Read a lease.",
        "Replace a lease (409 for a status that is not the next step, for a TERMINATED lease, for overlapping dates, or when the lease changed since it was read). A change of rent or charges is written to the rent history.",
        "Change some fields of a lease (JSON merge patch; same rules as PUT).",
        "Delete a DRAFT lease (409 for any other status: a lease once sent for signature is kept).",
    ],
);

/// One change of a lease's rent or charges.
#[derive(Debug, Serialize, ToSchema)]
pub struct RentHistoryResponse {
    pub id: Uuid,
    #[schema(value_type = Uuid)]
    pub lease_id: LeaseId,
    pub reason: RentChangeReason,
    pub comment: Option<String>,
    #[schema(value_type = f64)]
    pub rent_amount: Decimal,
    #[schema(value_type = f64)]
    pub charges_amount: Decimal,
    #[schema(value_type = Option<f64>)]
    pub previous_rent_amount: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub previous_charges_amount: Option<Decimal>,
    pub effective_date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<RentHistoryEntry> for RentHistoryResponse {
    fn from(h: RentHistoryEntry) -> Self {
        let c = h.change;
        Self {
            id: h.id,
            lease_id: h.lease_id,
            reason: c.reason,
            comment: opt(&c.comment),
            rent_amount: c.rent_amount,
            charges_amount: c.charges_amount,
            previous_rent_amount: c.previous_rent_amount,
            previous_charges_amount: c.previous_charges_amount,
            effective_date: c.effective_date,
            created_at: h.created_at,
        }
    }
}

/// The rent history of a lease.
#[derive(Debug, Serialize, ToSchema)]
pub struct RentHistoryList {
    pub data: Vec<RentHistoryResponse>,
}

crate::endpoint! {
    /// Every change of a lease's rent or charges, oldest first, with its reason and effective date.
    get "/leases/{id}/rent-history", tag = "Leases", id = "lease_rent_history",
    ok = (200, "The history", RentHistoryList),
    errors = [403 Forbidden, 404 NotFound],
    fn rent_history(state, caller: Manager, path: web::Path<Uuid>) {
        let entries = state
            .lease_rules
            .rent_history(&caller.0, LeaseId(path.into_inner()))
            .await?;
        Ok(HttpResponse::Ok().json(RentHistoryList {
            data: entries.into_iter().map(Into::into).collect(),
        }))
    }
}

/// A rent revision asked for. Both fields are optional; the body may be empty.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct RevisionRequestBody {
    /// The day the owner claims the revision (default today); it takes effect from that day.
    /// A preview may simulate any day; applying takes today or a day of the last 31.
    pub as_of: Option<NaiveDate>,
    /// The revision date claimed (default: the latest one on or before `as_of`). A date
    /// claimed more than a year later is TOO_LATE.
    pub revision_date: Option<NaiveDate>,
}

/// An index value of a quarter.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexPoint {
    #[schema(example = "2024-Q2")]
    pub quarter: String,
    #[schema(value_type = f64, example = 145.17)]
    pub value: Decimal,
}

/// A revision by the IRL: current × new_index / reference, rounded to the cent.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionResponse {
    #[schema(value_type = f64)]
    pub current_rent: Decimal,
    /// The reference quarter a year before `new_index`.
    pub reference: Option<IndexPoint>,
    pub new_index: Option<IndexPoint>,
    /// Null when an index is missing.
    #[schema(value_type = Option<f64>)]
    pub new_rent: Option<Decimal>,
    /// The revision date claimed.
    pub revision_date: NaiveDate,
    /// From when the new rent applies: the claim, never earlier (no retroactivity).
    pub effective_date: NaiveDate,
    pub allowed: bool,
    pub blocked_reason: Option<BlockedReason>,
    /// True when this answer applied the revision.
    pub applied: bool,
}

fn point(v: Option<IndexValue>) -> Option<IndexPoint> {
    v.map(|v| IndexPoint {
        quarter: v.quarter.to_string(),
        value: v.value.normalize(),
    })
}

fn revision_response(p: RevisionPreview, applied: bool) -> RevisionResponse {
    RevisionResponse {
        allowed: p.allowed(),
        current_rent: p.current_rent,
        reference: point(p.reference),
        new_index: point(p.new_index),
        new_rent: p.new_rent.map(|r| r.normalize()),
        revision_date: p.revision_date,
        effective_date: p.effective_date,
        blocked_reason: p.blocked_reason,
        applied,
    }
}

/// A rent revision request as it came: its optional JSON body, read in the handler (after the
/// caller is known, so that a bad body never answers before a bad key).
pub struct RevisionBody {
    content_type: Option<String>,
    body: web::Bytes,
}

impl RevisionBody {
    /// The request: an empty body is the default, anything else must be JSON (415) and parse
    /// (400).
    fn read(&self) -> Result<RevisionRequest, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(RevisionRequest::default());
        }
        let json = self
            .content_type
            .as_deref()
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || v.ends_with("+json")
            });
        if !json {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the revision request as application/json (or no body at all)",
            ));
        }
        let parsed: RevisionRequestBody = serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::new(
                actix_web::http::StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                format!("the body is not a valid revision request: {e}"),
            )
        })?;
        Ok(RevisionRequest {
            as_of: parsed.as_of,
            revision_date: parsed.revision_date,
        })
    }
}

impl actix_web::FromRequest for RevisionBody {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let body = body.await?;
            Ok(RevisionBody { content_type, body })
        })
    }
}

crate::endpoint! {
    /// Preview the yearly rent revision by the IRL (Art. 17-1 of the 1989 law): the reference
    /// quarter of the lease (or the last published at its start), F and G estates frozen, one
    /// revision a year, claimed within a year of its date. 409 REVISION_NOT_DUE before the first
    /// revision date; 409 for a lease that is not ACTIVE or NOTICE_GIVEN.
    post "/leases/{id}/rent-revision/preview", tag = "Leases", id = "preview_rent_revision",
    ok = (200, "The revision and whether it may be applied", RevisionResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    request_body(content = RevisionRequestBody, description = "Optional"),
    fn preview_revision(state, caller: Manager, path: web::Path<Uuid>, body: RevisionBody) {
        let lease = LeaseId(path.into_inner());
        let preview = state.lease_rules.preview_revision(&caller.0, lease, body.read()?);
        Ok(HttpResponse::Ok().json(revision_response(preview.await?, false)))
    }
}

crate::endpoint! {
    /// Apply the yearly rent revision: the new rent from the effective date, written to the rent
    /// history. 409 with the blocked reason as `code` (NO_REVISION_CLAUSE, ENERGY_CLASS_F_G,
    /// INDEX_NOT_PUBLISHED, ALREADY_REVISED, TOO_LATE) when it may not be applied.
    post "/leases/{id}/rent-revision", tag = "Leases", id = "apply_rent_revision",
    ok = (200, "The revision applied", RevisionResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    request_body(content = RevisionRequestBody, description = "Optional"),
    fn apply_revision(state, caller: Manager, path: web::Path<Uuid>, body: RevisionBody) {
        let lease = LeaseId(path.into_inner());
        let (preview, _lease) = state.lease_rules.apply_revision(&caller.0, lease, body.read()?).await?;
        Ok(HttpResponse::Ok().json(revision_response(preview, true)))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
    cfg.service(rent_history)
        .service(preview_revision)
        .service(apply_revision);
}
