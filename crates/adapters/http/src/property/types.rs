//! `/api/types/{estate|room|equipment}`: system types (seeded, read-only) and the tenant's own.

use chrono::{DateTime, Utc};
use faireplace_app::{AppError, CrudService};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::{Sort, ValidationErrors};
use faireplace_ports::property::{TypeFilter, TypeSort};
use faireplace_property::{PropertyType, TypeData, TypeId, TypeInput, TypeKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::bool_param;
use crate::AppState;
use crate::crud::CrudResource;

/// A type as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TypeRequest {
    /// Upper-case letters, digits and `_`, unique per kind in the tenant.
    #[schema(example = "GARAGE_BOX", required = true)]
    pub code: Option<String>,
    #[schema(example = "Garage box", required = true)]
    pub name: Option<String>,
    /// Defaults to true.
    pub is_active: Option<bool>,
}

/// An estate, room or equipment type.
#[derive(Debug, Serialize, ToSchema)]
pub struct TypeResponse {
    pub id: Uuid,
    pub kind: TypeKind,
    pub code: String,
    pub name: String,
    /// Seeded by the platform: cannot be changed or deleted.
    pub is_system: bool,
    pub is_active: bool,
    /// Whether an estate, room or equipment uses it.
    pub is_used: bool,
    /// Neither system nor used.
    pub can_delete: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the type list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TypeFilterParams {
    #[param(value_type = Option<bool>)]
    pub is_active: Option<String>,
}

impl CrudResource for PropertyType {
    type Parent = TypeKind;
    type Request = TypeRequest;
    type Response = TypeResponse;
    type FilterParams = TypeFilterParams;
    const DEFAULT_SORT: Sort<TypeSort> = Sort {
        field: TypeSort::Code,
        descending: false,
    };

    fn service(state: &AppState) -> &CrudService<Self> {
        &state.types
    }

    fn location(kind: TypeKind, id: TypeId) -> String {
        format!("/api/types/{}/{id}", kind.as_str().to_lowercase())
    }

    fn create(kind: TypeKind, r: TypeRequest, now: DateTime<Utc>) -> Result<Self, AppError> {
        let data = TypeData::parse(&TypeInput {
            code: r.code,
            name: r.name,
            is_active: r.is_active,
        })?;
        Ok(PropertyType::new(kind, data, now))
    }

    fn replace(&mut self, r: TypeRequest, now: DateTime<Utc>) -> Result<(), AppError> {
        if self.is_system {
            return Err(AppError::Conflict {
                code: ErrorCode::Conflict,
                message: "system types cannot be changed; create a type of your own".into(),
            });
        }
        self.data = TypeData::parse(&TypeInput {
            code: r.code,
            name: r.name,
            is_active: r.is_active,
        })?;
        self.updated_at = now;
        Ok(())
    }

    fn to_request(&self) -> TypeRequest {
        TypeRequest {
            code: Some(self.data.code.clone()),
            name: Some(self.data.name.to_string()),
            is_active: Some(self.data.is_active),
        }
    }

    fn to_response(&self) -> TypeResponse {
        TypeResponse {
            id: self.id.0,
            kind: self.kind,
            code: self.data.code.clone(),
            name: self.data.name.to_string(),
            is_system: self.is_system,
            is_active: self.data.is_active,
            is_used: self.is_used,
            can_delete: self.can_delete(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    fn filter(kind: TypeKind, params: &TypeFilterParams) -> Result<TypeFilter, ValidationErrors> {
        Ok(TypeFilter {
            kind,
            is_active: bool_param("is_active", &params.is_active)?,
            code: None,
        })
    }

    fn parent(&self) -> TypeKind {
        self.kind
    }

    fn same_parent(a: TypeKind, b: TypeKind) -> bool {
        a == b
    }

    fn check_delete(&self) -> Result<(), AppError> {
        if self.is_system {
            Err(AppError::Conflict {
                code: ErrorCode::Conflict,
                message: "system types cannot be deleted".into(),
            })
        } else if self.is_used {
            Err(AppError::Conflict {
                code: ErrorCode::Conflict,
                message: "this type is used and cannot be deleted; deactivate it instead".into(),
            })
        } else {
            Ok(())
        }
    }
}

crate::crud_handlers!(
    kind PropertyType, TypeId, TypeRequest, TypeResponse, TypeFilterParams,
    tag = "Types", collection = "/types/{kind}", item = "/types/{kind}/{id}",
    ops = ["create_type", "list_types", "get_type", "replace_type", "patch_type", "delete_type"],
    docs = [
        "Create a type of the tenant's own (`kind`: estate, room or equipment).",
        "List the system types and the tenant's own, with `is_used` and `can_delete`.",
        "Read a type.",
        "Replace a type of the tenant's own (409 for a system type).",
        "Change some fields of a type of the tenant's own (JSON merge patch; 409 for a system type).",
        "Delete a type (409 when it is a system type or in use).",
    ],
);

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    crud_routes(cfg);
}
