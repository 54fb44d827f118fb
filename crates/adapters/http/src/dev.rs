//! `/api/dev/outbox`: the messages the development notifier kept (one-time codes included), so
//! that a developer without a mail server can sign. In production (no outbox) it answers 404.

use actix_web::{HttpResponse, get};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::common::Manager;
use crate::problem::ApiError;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// The e-mail address the messages were sent to.
    #[param(example = "lea.bernard@example.org")]
    to: Option<String>,
}

/// A message the development notifier kept instead of sending it.
#[derive(Serialize, ToSchema)]
pub struct Message {
    to_email: String,
    subject: String,
    /// The text of the message: a one-time code reads "Votre code de signature du bail est :
    /// 123456".
    body: String,
    /// What the message is (`signature_otp`…).
    kind: String,
}

/// The messages sent to an address, oldest first.
#[derive(Serialize, ToSchema)]
pub struct Outbox {
    data: Vec<Message>,
}

crate::endpoint! {
    /// Development only: the messages (one-time signature codes included) sent to an address on
    /// behalf of the caller's tenant, kept in memory instead of being e-mailed (no `SMTP_HOST`).
    /// In production the outbox does not exist: 404.
    get "/dev/outbox", tag = "Development", id = "read_dev_outbox",
    ok = (200, "The messages", Outbox),
    errors = [403 Forbidden, 404 NotFound],
    query query: OutboxQuery;
    fn outbox(state, caller: Manager) {
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
        Ok(HttpResponse::Ok().json(Outbox { data }))
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(outbox);
}
