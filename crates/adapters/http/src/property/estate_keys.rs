//! `/api/estates/{estate_id}/keys/{id}/history`: the hand-overs of a set of keys. The keys
//! themselves are declared once (`faireplace_property::KeyData`) and served by `items`.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use faireplace_app::AppError;
use faireplace_property::{EstateId, HolderKind, KeyData, KeyId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::common::Manager;
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, NotFound, Unauthorized};

/// One hand-over.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverResponse {
    pub holder_kind: Option<HolderKind>,
    pub holder_id: Option<Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    /// When the change was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// The hand-over history of a set of keys, oldest first.
#[utoipa::path(
    tag = "Keys", operation_id = "estate_key_history",
    responses(
        (status = 200, description = "Every hand-over, oldest first", body = Vec<HandoverResponse>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/estates/{estate_id}/keys/{id}/history")]
pub async fn key_history(
    state: web::Data<AppState>,
    caller: Manager,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (estate, key) = path.into_inner();
    // The key, under this estate and in the caller's tenant (404 otherwise).
    let key = state
        .items
        .get::<KeyData>()?
        .get(&caller.0, EstateId(estate), KeyId(key))
        .await?;
    let tenant = caller.0.manage()?;
    let history = state
        .key_history
        .history(tenant, key.id)
        .await
        .map_err(|e| AppError::from_repo("estate key", e))?;
    let body: Vec<HandoverResponse> = history
        .into_iter()
        .map(|h| HandoverResponse {
            holder_kind: h.holder_kind,
            holder_id: h.holder_id,
            handed_over_at: h.handed_over_at,
            returned_at: h.returned_at,
            recorded_at: h.recorded_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(key_history);
}
