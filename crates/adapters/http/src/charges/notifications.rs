//! `/api/charges/notifications` and `/api/charges/regulations`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_charges::{
    NotificationKind, Regulation, RegulationData, RegulationFilter, RegulationId, RegulationInput,
    RegulationSort,
};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::charges::Notification;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, Paginated, page_request};
use crate::crud::CrudResource;
use crate::problem::ApiError;
use crate::property::{bool_param, uuid_param};
use crate::responses::{BadRequest, Forbidden, NotFound, Unauthorized};

#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum NotificationKindDto {
    CONSUMPTION_ALERT,
    OVER_THRESHOLD,
    REVIEW_NOTICE,
    REGULARIZATION_REMINDER,
}

/// A notification about charges.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: Uuid,
    #[schema(value_type = NotificationKindDto)]
    pub kind: String,
    /// meter_reading, charge_expense or charge_review.
    pub entity_type: String,
    pub entity_id: Uuid,
    pub message: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

fn notification(n: Notification) -> NotificationResponse {
    NotificationResponse {
        id: n.id,
        kind: n.kind.as_str().to_owned(),
        entity_type: n.entity_type,
        entity_id: n.entity_id,
        message: n.message,
        read: n.read,
        created_at: n.created_at,
    }
}

/// Filters of the notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    #[param(value_type = Option<NotificationKindDto>)]
    pub kind: Option<String>,
    #[param(value_type = Option<bool>)]
    pub read: Option<String>,
}

/// Notifications about charges, latest first: meter anomalies (CONSUMPTION_ALERT), expenses
/// beyond their category's threshold (OVER_THRESHOLD), validated reviews to send
/// (REVIEW_NOTICE).
#[utoipa::path(
    tag = "Charges", operation_id = "list_charge_notifications",
    params(NotificationParams),
    responses(
        (status = 200, description = "A page", body = Paginated<NotificationResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/charges/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<NotificationParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(&params.page, &params.limit)?;
    let kind = match params.kind.as_deref().filter(|k| !k.trim().is_empty()) {
        None => None,
        Some(k) => Some(NotificationKind::parse(k).map_err(|e| ApiError::field("kind", &e.0))?),
    };
    let read = bool_param("read", &params.read)?;
    let page = state
        .notifications
        .list(&caller.0, kind, read, page)
        .await?;
    Ok(Paginated::from_page(page, notification).respond())
}

/// A notification marked read or unread.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NotificationPatch {
    #[schema(required = true)]
    pub read: Option<bool>,
}

/// Mark a notification read (or unread).
#[utoipa::path(
    tag = "Charges", operation_id = "patch_charge_notification",
    request_body = NotificationPatch,
    responses(
        (status = 200, description = "The notification", body = NotificationResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[patch("/charges/notifications/{id}")]
pub async fn patch_notification(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<Uuid>,
    body: crate::json::Json<NotificationPatch>,
) -> Result<HttpResponse, ApiError> {
    let read = body
        .read
        .ok_or_else(|| ApiError::field("read", "is required"))?;
    let n = state
        .notifications
        .mark(&caller.0, path.into_inner(), read)
        .await?;
    Ok(HttpResponse::Ok().json(notification(n)))
}

#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
pub enum RegulationKindDto {
    FREEZE_EXCEPTION,
    LEGAL_EXCEPTION,
    CORRECTION,
}

/// A regulation as sent: an adjustment of one lease's balance in a DRAFT review.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct RegulationRequest {
    #[schema(required = true)]
    pub review_id: Option<Uuid>,
    /// A lease with a statement in the review.
    #[schema(required = true)]
    pub lease_id: Option<Uuid>,
    #[schema(value_type = Option<RegulationKindDto>, required = true)]
    pub kind: Option<String>,
    /// Positive adds to what the lessee owes, negative takes off; at most 2 decimals.
    #[schema(value_type = Option<f64>, required = true, example = -25.5)]
    pub amount: Option<Decimal>,
    #[schema(required = true)]
    pub reason: Option<String>,
}

/// A regulation.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegulationResponse {
    pub id: Uuid,
    pub review_id: Uuid,
    pub lease_id: Uuid,
    #[schema(value_type = RegulationKindDto)]
    pub kind: String,
    #[schema(value_type = f64)]
    pub amount: Decimal,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the regulations.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegulationFilterParams {
    #[param(value_type = Option<Uuid>)]
    pub review_id: Option<String>,
    #[param(value_type = Option<Uuid>)]
    pub lease_id: Option<String>,
}

fn input(r: RegulationRequest) -> RegulationInput {
    RegulationInput {
        review_id: r.review_id,
        lease_id: r.lease_id,
        kind: r.kind,
        amount: r.amount,
        reason: r.reason,
    }
}

impl CrudResource for Regulation {
    crate::top_level!("/api/charges/regulations");
    type Request = RegulationRequest;
    type Response = RegulationResponse;
    type FilterParams = RegulationFilterParams;
    const DEFAULT_SORT: Sort<RegulationSort> = Sort {
        field: RegulationSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.regulations
    }

    fn create(_: (), r: RegulationRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Regulation::new(RegulationData::parse(&input(r))?, now))
    }

    fn replace(&mut self, r: RegulationRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        Regulation::replace(self, RegulationData::parse(&input(r))?, now);
        Ok(())
    }

    fn to_request(&self) -> RegulationRequest {
        let d = &self.data;
        RegulationRequest {
            review_id: Some(d.review_id),
            lease_id: Some(d.lease_id),
            kind: Some(d.kind.as_str().to_owned()),
            amount: Some(d.amount),
            reason: Some(d.reason.to_string()),
        }
    }

    fn to_response(&self) -> RegulationResponse {
        let d = &self.data;
        RegulationResponse {
            id: self.id.0,
            review_id: d.review_id,
            lease_id: d.lease_id,
            kind: d.kind.as_str().to_owned(),
            amount: d.amount,
            reason: d.reason.to_string(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(_: (), p: &RegulationFilterParams) -> Result<RegulationFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let review_id = errors
            .merge(uuid_param("review_id", &p.review_id))
            .flatten();
        let lease_id = errors.merge(uuid_param("lease_id", &p.lease_id)).flatten();
        errors.into_result()?;
        Ok(RegulationFilter {
            review_id,
            lease_id,
        })
    }
}

crate::crud_handlers!(
    top Regulation, RegulationId, RegulationRequest, RegulationResponse, RegulationFilterParams,
    tag = "Charges", collection = "/charges/regulations", item = "/charges/regulations/{id}",
    ops = ["create_charge_regulation", "list_charge_regulations", "get_charge_regulation", "replace_charge_regulation", "patch_charge_regulation", "delete_charge_regulation"],
    docs = [
        "Adjust one lease's balance in a DRAFT review (409 once the review is validated; 400 for a lease without a statement in it).",
        "List regulations, with `review_id` and `lease_id` filters.",
        "Read a regulation.",
        "Replace a regulation.",
        "Change some fields of a regulation (JSON merge patch).",
        "Delete a regulation.",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(list_notifications).service(patch_notification);
    crud_routes(cfg);
}
