//! The audit log: `/api/charges/audit-logs` (the charge entities) and `/api/audit-logs` (those
//! and the parties), latest first. Each change writes its own entry in its transaction.

use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, Paginated, page_request};
use crate::problem::ApiError;
use crate::property::uuid_param;

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

crate::endpoint! {
    /// Every change of the charge entities (categories, keys, services, lease charges, expenses,
    /// freeze periods, reviews) with before, after, key id and time; latest first.
    get "/charges/audit-logs", tag = "Charges", id = "list_charge_audit_logs",
    ok = (200, "A page", Paginated<AuditEntryResponse>),
    errors = [403 Forbidden],
    query params: AuditParams;
    fn audit_logs(state, caller: Manager) {
        audit_page(&state, &caller, &params, &CHARGE_ENTITIES).await
    }
}

crate::endpoint! {
    /// Every audited change of the account: the charge entities and the parties (owners, lessees,
    /// contacts, whose e-mail and phone are where signature codes go), with before, after, key id
    /// and time; latest first.
    get "/audit-logs", tag = "Parties", id = "list_audit_logs",
    ok = (200, "A page", Paginated<AuditEntryResponse>),
    errors = [403 Forbidden],
    query params: AuditParams;
    fn all_audit_logs(state, caller: Manager) {
        let all: Vec<&'static str> = CHARGE_ENTITIES
            .iter()
            .chain(PARTY_ENTITIES.iter())
            .copied()
            .collect();
        audit_page(&state, &caller, &params, &all).await
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(audit_logs);
    cfg.service(all_audit_logs);
}
