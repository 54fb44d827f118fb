//! `/api/dev/outbox`: the messages the development notifier kept (one-time codes included), so
//! that a developer without a mail server can sign. Registered only when the server runs with
//! the development outbox; in production the route does not exist (404) and is not documented.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::common::Manager;
use crate::problem::ApiError;

#[derive(Deserialize)]
pub struct OutboxQuery {
    to: Option<String>,
}

#[derive(Serialize)]
struct Message {
    to_email: String,
    subject: String,
    body: String,
    kind: String,
}

pub async fn outbox(
    state: web::Data<AppState>,
    caller: Manager,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let Some(mailbox) = &state.dev_outbox else {
        return Err(ApiError::not_found("route"));
    };
    let to = query
        .to
        .as_deref()
        .ok_or_else(|| ApiError::field("to", "is required"))?;
    // Each tenant reads only what was sent on its behalf.
    let tenant = caller.0.tenant_id().map(|t| t.as_uuid());
    let data: Vec<Message> = mailbox
        .messages_to(to)
        .into_iter()
        .filter(|m| m.tenant_id.is_some() && m.tenant_id == tenant)
        .map(|m| Message {
            to_email: m.to_email,
            subject: m.subject,
            body: m.body,
            kind: m.kind,
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "data": data })))
}
