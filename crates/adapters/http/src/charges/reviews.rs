//! `/api/charges/reviews`: the yearly charge review of a place.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    ChargeReview, ChargeReviewId, Regulation, RegulationFilter, ReviewStatus, Statement,
    StatementLine,
};
use faireplace_leases::LeaseId;
use faireplace_property::PlaceId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::PageParams;
use crate::common::{Manager, Paginated, created};
use crate::problem::ApiError;
use crate::property::uuid_param;

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
    pub status: ReviewStatus,
    pub period_days: i64,
    #[schema(value_type = f64)]
    pub expenses_total: Decimal,
    #[schema(value_type = f64)]
    pub recoverable_total: Decimal,
    pub statements: Vec<StatementResponse>,
    pub created_at: DateTime<Utc>,
    pub validated_at: Option<DateTime<Utc>>,
}

fn line(l: &StatementLine) -> StatementLineResponse {
    StatementLineResponse {
        category_id: l.category_id.0,
        category_name: l.category_name.clone(),
        distribution_key_id: l.distribution_key_id.0,
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
        lease_id: s.lease_id.0,
        estate_id: s.estate_id.0,
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
        place_id: r.place_id.0,
        period_start: r.period_start,
        period_end: r.period_end,
        status: r.status,
        period_days: r.result.period_days,
        expenses_total: r.result.expenses_total.normalize(),
        recoverable_total: r.result.recoverable_total.normalize(),
        statements: r.result.statements.iter().map(statement).collect(),
        created_at: r.created_at,
        validated_at: r.validated_at,
    }
}

crate::endpoint! {
    /// Compute the charge review of a place over a period (DRAFT): for each lease that covered
    /// some of it, a statement per category it pays provisions for (expense, recovery rate, share
    /// by the expense's key, prorata by days, due), the provisions called, the balance and a
    /// suggested monthly provision. FORFAIT charges are not reviewed.
    post "/charges/reviews", tag = "Charges", id = "create_charge_review",
    ok = (201, "The review", ReviewResponse),
    location = "URL of the review",
    errors = [403 Forbidden, 404 NotFound],
    json body: ReviewRequest,
    fn create_review(state, caller: Manager) {
        let (place, start, end) = crate::required!(body: place_id, period_start, period_end);
        let review = state
            .reviews
            .create(&caller.0, PlaceId(place), start, end)
            .await?;
        Ok(created(
            format!("/api/charges/reviews/{}", review.id),
            &response(&review),
        ))
    }
}

/// Filters of the review list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewListParams {
    #[param(value_type = Option<Uuid>)]
    pub place_id: Option<String>,
}

crate::endpoint! {
    /// List charge reviews, latest period first.
    get "/charges/reviews", tag = "Charges", id = "list_charge_reviews",
    ok = (200, "A page", Paginated<ReviewResponse>),
    errors = [403 Forbidden],
    query page: PageParams, params: ReviewListParams;
    fn list_reviews(state, caller: Manager) {
        let page = page.request()?;
        let place = uuid_param("place_id", &params.place_id)?.map(PlaceId);
        let page = state.reviews.list(&caller.0, place, page).await?;
        Ok(Paginated::from_page(page, |r| response(&r)).respond())
    }
}

crate::endpoint! {
    /// Read a charge review.
    get "/charges/reviews/{id}", tag = "Charges", id = "get_charge_review",
    ok = (200, "The review", ReviewResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn get_review(state, caller: Manager, path: web::Path<Uuid>) {
        let review = state
            .reviews
            .get(&caller.0, ChargeReviewId(path.into_inner()))
            .await?;
        Ok(HttpResponse::Ok().json(response(&review)))
    }
}

/// A statement with the regulations of its lease in the review.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementDetailResponse {
    #[serde(flatten)]
    pub statement: StatementResponse,
    pub regulations: Vec<crate::charges::regulations::RegulationResponse>,
    /// balance + Σ regulations.
    #[schema(value_type = f64)]
    pub balance_after_regulations: Decimal,
}

crate::endpoint! {
    /// One lease's statement in a review, with its regulations and the balance after them (404
    /// when the lease has none in it).
    get "/charges/reviews/{id}/statements/{lease_id}", tag = "Charges", id = "get_charge_review_statement",
    ok = (200, "The statement", StatementDetailResponse),
    errors = [403 Forbidden, 404 NotFound],
    fn get_statement(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
        let (id, lease) = path.into_inner();
        let (_, found, regulations) =
            statement_with_regulations(&state, &caller, ChargeReviewId(id), LeaseId(lease)).await?;
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
}

/// A review, one lease's statement in it, and that statement's regulations.
async fn statement_with_regulations(
    state: &AppState,
    caller: &Manager,
    id: ChargeReviewId,
    lease: LeaseId,
) -> Result<(ChargeReview, Statement, Vec<Regulation>), ApiError> {
    let review = state.reviews.get(&caller.0, id).await?;
    let found = review
        .result
        .statements
        .iter()
        .find(|s| s.lease_id == lease)
        .cloned()
        .ok_or_else(|| ApiError::not_found("statement"))?;
    let query = faireplace_ports::ListQuery {
        page: faireplace_kernel::PageRequest::new(Some(1), Some(100))?,
        sort: <Regulation as crate::crud::CrudResource>::DEFAULT_SORT,
        search: None,
        filter: RegulationFilter {
            review_id: Some(id),
            lease_id: Some(lease),
        },
    };
    let regulations = state.regulations.list(&caller.0, &query).await?.items;
    Ok((review, found, regulations))
}

crate::endpoint! {
    /// One lease's statement as a PDF to send the lessee: per category the expense, recovery rate,
    /// share, prorata and due; the provisions called and the balance (after regulations, if any).
    get "/charges/reviews/{id}/statements/{lease_id}/pdf", tag = "Charges", id = "charge_review_statement_pdf",
    ok = Pdf,
    errors = [403 Forbidden, 404 NotFound],
    fn statement_pdf(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
        let (id, lease) = path.into_inner();
        let (review, found, regulations) =
            statement_with_regulations(&state, &caller, ChargeReviewId(id), LeaseId(lease)).await?;
        let adjustments: Decimal = regulations.iter().map(|r| r.data.amount).sum();
        let place = state.places.get(&caller.0, review.place_id).await?;
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
}

crate::endpoint! {
    /// Validate a review: it no longer changes (409 when validated already).
    post "/charges/reviews/{id}/validate", tag = "Charges", id = "validate_charge_review",
    ok = (200, "The review, validated", ReviewResponse),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    fn validate_review(state, caller: Manager, path: web::Path<Uuid>) {
        let review = state
            .reviews
            .validate(&caller.0, ChargeReviewId(path.into_inner()))
            .await?;
        Ok(HttpResponse::Ok().json(response(&review)))
    }
}

crate::endpoint! {
    /// Delete a DRAFT review (409 for a validated one).
    delete "/charges/reviews/{id}", tag = "Charges", id = "delete_charge_review",
    ok = (204, "Deleted"),
    errors = [403 Forbidden, 404 NotFound, 409 Conflict],
    fn delete_review(state, caller: Manager, path: web::Path<Uuid>) {
        state
            .reviews
            .delete(&caller.0, ChargeReviewId(path.into_inner()))
            .await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(create_review)
        .service(list_reviews)
        .service(get_review)
        .service(get_statement)
        .service(statement_pdf)
        .service(validate_review)
        .service(delete_review);
}
