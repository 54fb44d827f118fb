//! `/api/charges/notifications`: what changes raised (meter anomalies, expenses beyond their
//! threshold, validated reviews), marked read by users.

use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use faireplace_charges::{NotificationId, NotificationKind};
use faireplace_ports::charges::Notification;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::common::PageParams;
use crate::common::{Manager, Paginated};
use crate::problem::ApiError;
use crate::property::{bool_param, enum_param};

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
    #[param(value_type = Option<NotificationKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<bool>)]
    pub read: Option<String>,
}

crate::endpoint! {
    /// Notifications about charges, latest first: meter anomalies (CONSUMPTION_ALERT), expenses
    /// beyond their category's threshold (OVER_THRESHOLD), validated reviews to send
    /// (REVIEW_NOTICE).
    get "/charges/notifications", tag = "Charges", id = "list_charge_notifications",
    ok = (200, "A page", Paginated<NotificationResponse>),
    errors = [403 Forbidden],
    query page: PageParams, params: NotificationParams;
    fn list_notifications(state, caller: Manager) {
        let page = page.request()?;
        let kind: Option<NotificationKind> = enum_param("kind", &params.kind)?;
        let read = bool_param("read", &params.read)?;
        let page = state
            .notifications
            .list(&caller.0, kind, read, page)
            .await?;
        Ok(Paginated::from_page(page, notification).respond())
    }
}

/// A notification marked read or unread.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NotificationPatch {
    #[schema(required = true)]
    pub read: Option<bool>,
}

crate::endpoint! {
    /// Mark a notification read (or unread).
    patch "/charges/notifications/{id}", tag = "Charges", id = "patch_charge_notification",
    ok = (200, "The notification", NotificationResponse),
    errors = [403 Forbidden, 404 NotFound],
    json body: NotificationPatch,
    fn patch_notification(state, caller: Manager, path: web::Path<Uuid>) {
        let read = body
            .read
            .ok_or_else(|| ApiError::field("read", "is required"))?;
        let n = state
            .notifications
            .mark(&caller.0, NotificationId(path.into_inner()), read)
            .await?;
        Ok(HttpResponse::Ok().json(notification(n)))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(list_notifications).service(patch_notification);
}
