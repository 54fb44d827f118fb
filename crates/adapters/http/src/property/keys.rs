//! `/api/estates/{estate_id}/keys` and each key's hand-over history.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService, Principal};
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_parties::{ContactData, ContactId, LesseeData, LesseeId, OwnerData, OwnerId};
use faireplace_ports::property::{ChildFilter, ChildSort};
use faireplace_property::{EstateId, EstateKey, HolderKind, KeyData, KeyId, KeyInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::Manager;
use crate::crud::CrudResource;
use crate::problem::ApiError;
use crate::responses::{BadRequest, Forbidden, NotFound, Unauthorized};

#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, dead_code)]
pub enum KeyKindDto {
    DOOR,
    MAILBOX,
    BADGE,
    GARAGE,
    REMOTE,
    OTHER,
}

/// Who holds a key: AGENCY takes no holder_id; the others name an owner, lessee or contact.
#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, dead_code)]
pub enum HolderKindDto {
    OWNER,
    LESSEE,
    AGENCY,
    CONTACT,
}

/// A set of keys as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct KeyRequest {
    #[schema(value_type = KeyKindDto, required = true)]
    pub kind: Option<String>,
    #[schema(example = "Porte d'entrée", required = true)]
    pub label: Option<String>,
    #[schema(example = 2)]
    pub quantity: Option<i64>,
    #[schema(value_type = Option<HolderKindDto>)]
    pub holder_kind: Option<String>,
    pub holder_id: Option<Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
}

/// A set of keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyResponse {
    pub id: Uuid,
    pub estate_id: Uuid,
    #[schema(value_type = KeyKindDto)]
    pub kind: String,
    pub label: String,
    pub quantity: i32,
    #[schema(value_type = Option<HolderKindDto>)]
    pub holder_kind: Option<String>,
    pub holder_id: Option<Uuid>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyFilterParams {}

fn input(r: KeyRequest) -> KeyInput {
    KeyInput {
        kind: r.kind,
        label: r.label,
        quantity: r.quantity,
        holder_kind: r.holder_kind,
        holder_id: r.holder_id,
        handed_over_at: r.handed_over_at,
        returned_at: r.returned_at,
    }
}

impl CrudResource for EstateKey {
    crate::under_estate!("keys");
    type Request = KeyRequest;
    type Response = KeyResponse;
    type FilterParams = KeyFilterParams;
    const DEFAULT_SORT: Sort<ChildSort> = Sort {
        field: ChildSort::CreatedAt,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.keys_of_estates
    }

    fn create(estate: EstateId, r: KeyRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(EstateKey::new(estate, KeyData::parse(&input(r), now)?, now))
    }

    fn replace(&mut self, r: KeyRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        EstateKey::replace(self, KeyData::parse(&input(r), now)?, now);
        Ok(())
    }

    fn to_request(&self) -> KeyRequest {
        let d = &self.data;
        KeyRequest {
            kind: Some(d.kind.as_str().to_owned()),
            label: Some(d.label.to_string()),
            quantity: Some(i64::from(d.quantity)),
            holder_kind: d.holder_kind.map(|h| h.as_str().to_owned()),
            holder_id: d.holder_id,
            handed_over_at: d.handed_over_at,
            returned_at: d.returned_at,
        }
    }

    fn to_response(&self) -> KeyResponse {
        let d = &self.data;
        KeyResponse {
            id: self.id.0,
            estate_id: self.estate_id.0,
            kind: d.kind.as_str().to_owned(),
            label: d.label.to_string(),
            quantity: d.quantity,
            holder_kind: d.holder_kind.map(|h| h.as_str().to_owned()),
            holder_id: d.holder_id,
            handed_over_at: d.handed_over_at,
            returned_at: d.returned_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(estate: EstateId, _: &KeyFilterParams) -> Result<ChildFilter, ValidationErrors> {
        Ok(ChildFilter { estate_id: estate })
    }

    /// The holder must be an owner, lessee or contact of the tenant.
    async fn check(&mut self, state: &AppState, caller: &Principal) -> Result<(), ApiError> {
        let (Some(kind), Some(id)) = (self.data.holder_kind, self.data.holder_id) else {
            return Ok(());
        };
        let found = match kind {
            HolderKind::Owner => {
                let owners = state.items.get::<OwnerData>()?;
                owners.get(caller, (), OwnerId(id)).await.map(|_| ())
            }
            HolderKind::Lessee => {
                let lessees = state.items.get::<LesseeData>()?;
                lessees.get(caller, (), LesseeId(id)).await.map(|_| ())
            }
            HolderKind::Contact => {
                let contacts = state.items.get::<ContactData>()?;
                contacts.get(caller, (), ContactId(id)).await.map(|_| ())
            }
            HolderKind::Agency => Ok(()),
        };
        match found {
            Ok(()) => Ok(()),
            Err(AppError::NotFound(_)) => Err(ApiError::field(
                "holder_id",
                &format!("no {} with this id", kind.as_str().to_lowercase()),
            )),
            Err(e) => Err(e.into()),
        }
    }
}

crate::crud_handlers!(
    estate EstateKey, KeyId, KeyRequest, KeyResponse, KeyFilterParams,
    tag = "Keys", collection = "/estates/{estate_id}/keys", item = "/estates/{estate_id}/keys/{id}",
    ops = ["create_estate_key", "list_estate_keys", "get_estate_key", "replace_estate_key", "patch_estate_key", "delete_estate_key"],
    docs = [
        "Add a set of keys to an estate (a holder given now starts its history).",
        "List an estate's keys.",
        "Read a set of keys.",
        "Replace a set of keys; a change of holder or dates is added to its history.",
        "Change some fields of a set of keys (JSON merge patch); hand-overs are added to its history.",
        "Delete a set of keys and its history.",
    ],
);

/// One hand-over.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverResponse {
    #[schema(value_type = Option<HolderKindDto>)]
    pub holder_kind: Option<String>,
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
    let found = state.keys_of_estates.get(&caller.0, KeyId(key)).await?;
    if found.estate_id != EstateId(estate) {
        return Err(ApiError::not_found("key"));
    }
    let tenant = caller.0.manage()?;
    let history = state
        .key_history
        .history(tenant, KeyId(key))
        .await
        .map_err(|e| AppError::from_repo("key", e))?
        .ok_or_else(|| ApiError::not_found("key"))?;
    let body: Vec<HandoverResponse> = history
        .into_iter()
        .map(|h| HandoverResponse {
            holder_kind: h.holder_kind.map(|k| k.as_str().to_owned()),
            holder_id: h.holder_id,
            handed_over_at: h.handed_over_at,
            returned_at: h.returned_at,
            recorded_at: h.recorded_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
    cfg.service(key_history);
}
