//! `/api/api-keys`: OWNER keys manage their tenant's keys.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use faireplace_app::{KeyService, NewKeyRequest};
use faireplace_kernel::access::{Role, Scope};
use faireplace_kernel::ids::{ApiKeyId, LesseeId};
use faireplace_ports::ApiKeyRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::common::PageParams;
use crate::common::{OwnerOnly, Paginated, created};

/// A key to create. A LESSEE key needs lessee_id and takes lessee scopes (default
/// `lessee:leases:read`); OWNER and MANAGER keys take neither.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiKeyRequest {
    #[schema(example = "Accounting software", required = true)]
    pub name: Option<String>,
    /// OWNER, MANAGER or LESSEE (WORKER keys are made by the operator's command line).
    #[schema(value_type = Role, required = true)]
    pub role: Option<String>,
    #[schema(value_type = Option<Vec<Scope>>, example = json!(["lessee:leases:read"]))]
    pub scopes: Option<Vec<String>>,
    #[schema(value_type = Option<Uuid>)]
    pub lessee_id: Option<LesseeId>,
    /// After this instant the key authenticates nothing.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A key, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    #[schema(value_type = Uuid)]
    pub id: ApiKeyId,
    pub name: String,
    pub role: Role,
    pub scopes: Vec<Scope>,
    #[schema(value_type = Option<Uuid>)]
    pub lessee_id: Option<LesseeId>,
    /// The public beginning of the token, to recognise it.
    #[schema(example = "fp_live_k3j9x0a1b2c3")]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new key with its token, shown this once and never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub details: ApiKeyResponse,
    /// The whole token: `Authorization: Bearer <key>`. Store it now.
    #[schema(example = "fp_live_k3j9x0a1b2c3_…")]
    pub key: String,
}

fn response(r: &ApiKeyRecord) -> ApiKeyResponse {
    ApiKeyResponse {
        id: r.id,
        name: r.name.to_string(),
        role: r.role,
        scopes: r.scopes.clone(),
        lessee_id: r.lessee_id,
        prefix: KeyService::display_prefix(r),
        created_at: r.created_at,
        expires_at: r.expires_at,
        revoked_at: r.revoked_at,
    }
}

crate::endpoint! {
    /// Create a key (OWNER only). The answer holds the whole token once.
    post "/api-keys", tag = "API keys", id = "create_key",
    ok = (201, "Created; `key` is shown only now", CreatedApiKey),
    errors = [403 Forbidden],
    json body: ApiKeyRequest,
    fn create_key(state, caller: OwnerOnly) {
        let b = body.into_inner();
        let (record, token) = state
            .keys
            .create(
                &caller.0,
                NewKeyRequest {
                    name: b.name,
                    role: b.role,
                    scopes: b.scopes,
                    lessee_id: b.lessee_id,
                    expires_at: b.expires_at,
                },
            )
            .await?;
        let body = CreatedApiKey {
            details: response(&record),
            key: token,
        };
        Ok(created(format!("/api/api-keys/{}", record.id), &body))
    }
}

crate::endpoint! {
    /// List the tenant's keys, revoked ones included (OWNER only).
    get "/api-keys", tag = "API keys", id = "list_keys",
    ok = (200, "A page of keys", Paginated<ApiKeyResponse>),
    errors = [403 Forbidden],
    query params: PageParams;
    fn list_keys(state, caller: OwnerOnly) {
        let page = params.request()?;
        let page = state.keys.list(&caller.0, page).await?;
        Ok(Paginated::from_page(page, |r| response(&r)).respond())
    }
}

crate::endpoint! {
    /// Revoke a key (OWNER only): it authenticates nothing from now on.
    delete "/api-keys/{id}", tag = "API keys", id = "revoke_key",
    ok = (204, "Revoked"),
    errors = [403 Forbidden, 404 NotFound],
    fn revoke_key(state, caller: OwnerOnly, id: web::Path<Uuid>) {
        state.keys.revoke(&caller.0, ApiKeyId(*id)).await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(create_key)
        .service(list_keys)
        .service(revoke_key);
}
