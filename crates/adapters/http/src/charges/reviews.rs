//! `/api/charges/reviews`: the yearly charge review of a place.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{ChargeReview, ChargeReviewId, Statement, StatementLine};
use faireplace_kernel::ValidationErrors;
use faireplace_property::PlaceId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, Paginated, created, page_request};
use crate::problem::ApiError;
use crate::property::uuid_param;
use crate::responses::{BadRequest, Conflict, Forbidden, NotFound, Unauthorized};

/// A review asked for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReviewRequest {
    #[schema(required = true)]
    pub place_id: Option<Uuid>,
    #[schema(required = true, example = "2025-01-01")]
    pub period_start: Option<NaiveDate>,
    /// At most 731 days after period_start.
    #[schema(required = true, example = "2025-12-31")]
    pub period_end: Option<NaiveDate>,
}

/// One category (under one key) of a statement: due = estate_amount × prorata, to the cent.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineResponse {
    pub category_id: Uuid,
    pub category_name: String,
    pub distribution_key_id: Uuid,
    /// The place's expenses of the category under this key over the period.
    #[schema(value_type = f64)]
    pub expense: Decimal,
    #[schema(value_type = f64)]
    pub recovery_rate: Decimal,
    /// expense × recovery rate, to the cent.
    #[schema(value_type = f64)]
    pub recoverable: Decimal,
    /// The estate's ratio under the key.
    #[schema(value_type = f64)]
    pub share: Decimal,
    /// The estate's exact part of `recoverable`.
    #[schema(value_type = f64)]
    pub estate_amount: Decimal,
    /// Days the lease covered ÷ days of the period.
    #[schema(value_type = f64)]
    pub prorata: Decimal,
    #[schema(value_type = f64)]
    pub due: Decimal,
}

/// What one lease owes over the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementResponse {
    pub lease_id: Uuid,
    pub estate_id: Uuid,
    pub covered_from: NaiveDate,
    pub covered_to: NaiveDate,
    pub covered_days: i64,
    pub lines: Vec<StatementLineResponse>,
    #[schema(value_type = f64)]
    pub total_due: Decimal,
    /// The lease's monthly PROVISION amounts for each payment day it covered.
    #[schema(value_type = f64)]
    pub provisions_called: Decimal,
    /// total_due − provisions_called: positive is owed by the lessee, negative refunded.
    #[schema(value_type = f64)]
    pub balance: Decimal,
    #[schema(value_type = f64)]
    pub suggested_monthly_provision: Decimal,
}

/// A charge review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: Uuid,
    pub place_id: Uuid,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// DRAFT, or VALIDATED (immutable).
    #[schema(example = "DRAFT")]
    pub status: String,
    pub period_days: i64,
    #[schema(value_type = f64)]
    pub expenses_total: Decimal,
    #[schema(value_type = f64)]
    pub recoverable_total: Decimal,
    pub statements: Vec<StatementResponse>,
    pub created_at: DateTime<Utc>,
    pub validated_at: Option<DateTime<Utc>>,
}

/// What the audit log keeps of a review: its figures, not every statement.
fn summary(r: &ChargeReview) -> serde_json::Value {
    serde_json::json!({
        "id": r.id.0, "place_id": r.place_id, "period_start": r.period_start,
        "period_end": r.period_end, "status": r.status.as_str(),
        "statements": r.result.statements.len(),
        "recoverable_total": r.result.recoverable_total.normalize(),
    })
}

async fn audit(
    state: &AppState,
    caller: &Manager,
    id: Uuid,
    action: faireplace_ports::audit::AuditAction,
    before: Option<&ChargeReview>,
    after: Option<&ChargeReview>,
) -> Result<(), ApiError> {
    state
        .audit
        .record(
            &caller.0,
            "charge_review",
            id,
            action,
            before.map(summary),
            after.map(summary),
        )
        .await?;
    Ok(())
}

fn line(l: &StatementLine) -> StatementLineResponse {
    StatementLineResponse {
        category_id: l.category_id,
        category_name: l.category_name.clone(),
        distribution_key_id: l.distribution_key_id,
        expense: l.expense.normalize(),
        recovery_rate: l.recovery_rate.normalize(),
        recoverable: l.recoverable.normalize(),
        share: l.share.normalize(),
        estate_amount: l.estate_amount.normalize(),
        prorata: l.prorata.normalize(),
        due: l.due.normalize(),
    }
}

fn statement(s: &Statement) -> StatementResponse {
    StatementResponse {
        lease_id: s.lease_id,
        estate_id: s.estate_id,
        covered_from: s.covered_from,
        covered_to: s.covered_to,
        covered_days: s.covered_days,
        lines: s.lines.iter().map(line).collect(),
        total_due: s.total_due.normalize(),
        provisions_called: s.provisions_called.normalize(),
        balance: s.balance.normalize(),
        suggested_monthly_provision: s.suggested_monthly_provision.normalize(),
    }
}

fn response(r: &ChargeReview) -> ReviewResponse {
    ReviewResponse {
        id: r.id.0,
        place_id: r.place_id,
        period_start: r.period_start,
        period_end: r.period_end,
        status: r.status.as_str().to_owned(),
        period_days: r.result.period_days,
        expenses_total: r.result.expenses_total.normalize(),
        recoverable_total: r.result.recoverable_total.normalize(),
        statements: r.result.statements.iter().map(statement).collect(),
        created_at: r.created_at,
        validated_at: r.validated_at,
    }
}

/// Compute the charge review of a place over a period (DRAFT): for each lease that covered
/// some of it, a statement per category it pays provisions for (expense, recovery rate, share
/// by the expense's key, prorata by days, due), the provisions called, the balance and a
/// suggested monthly provision. FORFAIT charges are not reviewed.
#[utoipa::path(
    tag = "Charges", operation_id = "create_charge_review",
    request_body = ReviewRequest,
    responses(
        (status = 201, description = "The review", body = ReviewResponse,
            headers(("Location" = String, description = "URL of the review"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[post("/charges/reviews")]
pub async fn create_review(
    state: web::Data<AppState>,
    caller: Manager,
    body: crate::json::Json<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = ValidationErrors::new();
    for (field, missing) in [
        ("place_id", body.place_id.is_none()),
        ("period_start", body.period_start.is_none()),
        ("period_end", body.period_end.is_none()),
    ] {
        if missing {
            errors.push(field, "is required");
        }
    }
    errors.into_result()?;
    let (Some(place), Some(start), Some(end)) = (body.place_id, body.period_start, body.period_end)
    else {
        return Err(ApiError::field("place_id", "is required"));
    };
    let review = state
        .reviews
        .create(&caller.0, PlaceId(place), start, end)
        .await?;
    audit(
        &state,
        &caller,
        review.id.0,
        faireplace_ports::audit::AuditAction::Create,
        None,
        Some(&review),
    )
    .await?;
    Ok(created(
        format!("/api/charges/reviews/{}", review.id),
        &response(&review),
    ))
}

/// Filters of the review list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewListParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub place_id: Option<String>,
}

/// List charge reviews, latest period first.
#[utoipa::path(
    tag = "Charges", operation_id = "list_charge_reviews",
    params(ReviewListParams),
    responses(
        (status = 200, description = "A page", body = Paginated<ReviewResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/charges/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<ReviewListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(&params.page, &params.limit)?;
    let place = uuid_param("place_id", &params.place_id)?.map(PlaceId);
    let page = state.reviews.list(&caller.0, place, page).await?;
    Ok(Paginated::from_page(page, |r| response(&r)).respond())
}

/// Read a charge review.
#[utoipa::path(
    tag = "Charges", operation_id = "get_charge_review",
    responses(
        (status = 200, description = "The review", body = ReviewResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/charges/reviews/{id}")]
pub async fn get_review(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let review = state
        .reviews
        .get(&caller.0, ChargeReviewId(path.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(response(&review)))
}

/// A statement with the regulations of its lease in the review.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementDetailResponse {
    #[serde(flatten)]
    pub statement: StatementResponse,
    pub regulations: Vec<crate::charges::notifications::RegulationResponse>,
    /// balance + Σ regulations.
    #[schema(value_type = f64)]
    pub balance_after_regulations: Decimal,
}

/// One lease's statement in a review, with its regulations and the balance after them (404
/// when the lease has none in it).
#[utoipa::path(
    tag = "Charges", operation_id = "get_charge_review_statement",
    responses(
        (status = 200, description = "The statement", body = StatementDetailResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/charges/reviews/{id}/statements/{lease_id}")]
pub async fn get_statement(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, lease) = path.into_inner();
    let (_, found, regulations) = statement_with_regulations(&state, &caller, id, lease).await?;
    let adjustments: Decimal = regulations.iter().map(|r| r.data.amount).sum();
    Ok(HttpResponse::Ok().json(StatementDetailResponse {
        balance_after_regulations: (found.balance + adjustments).normalize(),
        statement: statement(&found),
        regulations: regulations
            .iter()
            .map(crate::crud::CrudResource::to_response)
            .collect(),
    }))
}

/// A review, one lease's statement in it, and that statement's regulations.
async fn statement_with_regulations(
    state: &AppState,
    caller: &Manager,
    id: Uuid,
    lease: Uuid,
) -> Result<(ChargeReview, Statement, Vec<faireplace_charges::Regulation>), ApiError> {
    let review = state.reviews.get(&caller.0, ChargeReviewId(id)).await?;
    let found = review
        .result
        .statements
        .iter()
        .find(|s| s.lease_id == lease)
        .cloned()
        .ok_or_else(|| ApiError::not_found("statement"))?;
    let query = faireplace_ports::ListQuery {
        page: faireplace_kernel::PageRequest::new(Some(1), Some(100))?,
        sort: <faireplace_charges::Regulation as crate::crud::CrudResource>::DEFAULT_SORT,
        search: None,
        filter: faireplace_charges::RegulationFilter {
            review_id: Some(id),
            lease_id: Some(lease),
        },
    };
    let regulations = state.regulations.list(&caller.0, &query).await?.items;
    Ok((review, found, regulations))
}

/// One lease's statement as a PDF to send the lessee: per category the expense, recovery rate,
/// share, prorata and due; the provisions called and the balance (after regulations, if any).
#[utoipa::path(
    tag = "Charges", operation_id = "charge_review_statement_pdf",
    responses(
        (status = 200, response = crate::responses::Pdf),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/charges/reviews/{id}/statements/{lease_id}/pdf")]
pub async fn statement_pdf(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, lease) = path.into_inner();
    let (review, found, regulations) =
        statement_with_regulations(&state, &caller, id, lease).await?;
    let adjustments: Decimal = regulations.iter().map(|r| r.data.amount).sum();
    let place = state
        .places
        .get(&caller.0, faireplace_property::PlaceId(review.place_id))
        .await?;
    let document = faireplace_app::documents::statement_document(
        place.data.name.as_str(),
        (review.period_start, review.period_end),
        &found,
        found.balance + adjustments,
    );
    let bytes = state.documents.render(document).await?;
    Ok(crate::common::pdf(
        bytes,
        &format!("regularisation-charges-{lease}.pdf"),
    ))
}

/// Validate a review: it no longer changes (409 when validated already).
#[utoipa::path(
    tag = "Charges", operation_id = "validate_charge_review",
    responses(
        (status = 200, description = "The review, validated", body = ReviewResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/charges/reviews/{id}/validate")]
pub async fn validate_review(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let before = state.reviews.get(&caller.0, ChargeReviewId(id)).await?;
    let review = state
        .reviews
        .validate(&caller.0, ChargeReviewId(id))
        .await?;
    audit(
        &state,
        &caller,
        id,
        faireplace_ports::audit::AuditAction::Validate,
        Some(&before),
        Some(&review),
    )
    .await?;
    Ok(HttpResponse::Ok().json(response(&review)))
}

/// Delete a DRAFT review (409 for a validated one).
#[utoipa::path(
    tag = "Charges", operation_id = "delete_charge_review",
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = []))
)]
#[delete("/charges/reviews/{id}")]
pub async fn delete_review(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let before = state.reviews.get(&caller.0, ChargeReviewId(id)).await?;
    state.reviews.delete(&caller.0, ChargeReviewId(id)).await?;
    audit(
        &state,
        &caller,
        id,
        faireplace_ports::audit::AuditAction::Delete,
        Some(&before),
        None,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// charge_category, distribution_key, place_service, lease_charge, charge_expense,
    /// freeze_period, charge_review; on `/api/audit-logs` also owner, lessee and contact.
    pub entity_type: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub entity_id: Option<String>,
}

/// One change of an audited entity.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    pub id: Uuid,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: faireplace_ports::audit::AuditAction,
    /// The entity as it was (null for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The entity as it became (null for a deletion).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// The API key that made the change.
    pub key_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

const CHARGE_ENTITIES: [&str; 7] = [
    "charge_category",
    "distribution_key",
    "place_service",
    "lease_charge",
    "charge_expense",
    "freeze_period",
    "charge_review",
];

/// The parties, audited too: where a signer's one-time codes go is its party's e-mail and
/// phone, so a change of them is on record.
const PARTY_ENTITIES: [&str; 3] = ["owner", "lessee", "contact"];

/// A page of the audit log, of `entity_type` when given (one of `allowed`), else of every
/// type in `allowed`.
async fn audit_page(
    state: &AppState,
    caller: &Manager,
    params: &AuditParams,
    allowed: &[&'static str],
) -> Result<HttpResponse, ApiError> {
    let page = page_request(&params.page, &params.limit)?;
    let entity_type = params
        .entity_type
        .as_deref()
        .filter(|t| !t.trim().is_empty());
    let types: Vec<&str> = match entity_type {
        Some(t) => match allowed.iter().find(|a| **a == t) {
            Some(a) => vec![*a],
            None => {
                return Err(ApiError::field(
                    "entity_type",
                    &format!("must be one of {}", allowed.join(", ")),
                ));
            }
        },
        None => allowed.to_vec(),
    };
    let entity_id = uuid_param("entity_id", &params.entity_id)?;
    let page = state.audit.list(&caller.0, &types, entity_id, page).await?;
    Ok(Paginated::from_page(page, |e| AuditEntryResponse {
        id: e.id,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        action: e.action,
        before: e.before,
        after: e.after,
        key_id: e.key_id,
        created_at: e.created_at,
    })
    .respond())
}

/// Every change of the charge entities (categories, keys, services, lease charges, expenses,
/// freeze periods, reviews) with before, after, key id and time; latest first.
#[utoipa::path(
    tag = "Charges", operation_id = "list_charge_audit_logs",
    params(AuditParams),
    responses(
        (status = 200, description = "A page", body = Paginated<AuditEntryResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/charges/audit-logs")]
pub async fn audit_logs(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    audit_page(&state, &caller, &params, &CHARGE_ENTITIES).await
}

/// Every audited change of the account: the charge entities and the parties (owners, lessees,
/// contacts, whose e-mail and phone are where signature codes go), with before, after, key id
/// and time; latest first.
#[utoipa::path(
    tag = "Parties", operation_id = "list_audit_logs",
    params(AuditParams),
    responses(
        (status = 200, description = "A page", body = Paginated<AuditEntryResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/audit-logs")]
pub async fn all_audit_logs(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, ApiError> {
    let all: Vec<&'static str> = CHARGE_ENTITIES
        .iter()
        .chain(PARTY_ENTITIES.iter())
        .copied()
        .collect();
    audit_page(&state, &caller, &params, &all).await
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(audit_logs);
    cfg.service(all_audit_logs);
    cfg.service(create_review)
        .service(list_reviews)
        .service(get_review)
        .service(get_statement)
        .service(statement_pdf)
        .service(validate_review)
        .service(delete_review);
}
