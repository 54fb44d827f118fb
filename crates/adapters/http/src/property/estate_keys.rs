//! `/api/estates/{estate_id}/keys/{id}/history`: the hand-overs of a set of keys. The keys
//! themselves are declared once (`faireplace_property::KeyData`) and served by `items`.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use faireplace_app::AppError;
use faireplace_property::{EstateId, HolderKind, KeyData, KeyId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::common::Manager;

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

crate::endpoint! {
    /// The hand-over history of a set of keys, oldest first.
    get "/estates/{estate_id}/keys/{id}/history", tag = "Keys", id = "estate_key_history",
    ok = (200, "Every hand-over, oldest first", Vec<HandoverResponse>),
    errors = [403 Forbidden, 404 NotFound],
    fn key_history(state, caller: Manager, path: web::Path<(Uuid, Uuid)>) {
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
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(key_history);
}
