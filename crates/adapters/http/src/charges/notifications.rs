//! `/api/charges/notifications`: what changes raised (meter anomalies, expenses beyond their
//! threshold, validated reviews), marked read by users.

use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use faireplace_charges::{NotificationId, NotificationKind};
use faireplace_ports::charges::Notification;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, Paginated, page_request};
use crate::problem::ApiError;
use crate::property::bool_param;
use crate::responses::{BadRequest, Forbidden, NotFound, Unauthorized};

/// A notification about charges.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: Uuid,
    pub kind: NotificationKind,
    /// meter_reading, charge_expense or charge_review.
    pub entity_type: String,
    pub entity_id: Uuid,
    pub message: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

fn notification(n: Notification) -> NotificationResponse {
    NotificationResponse {
        id: n.id.0,
        kind: n.kind,
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
    #[param(value_type = Option<NotificationKind>)]
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
        .mark(&caller.0, NotificationId(path.into_inner()), read)
        .await?;
    Ok(HttpResponse::Ok().json(notification(n)))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(list_notifications).service(patch_notification);
}
