//! Property resources and the storage operations beyond plain CRUD.

use async_trait::async_trait;
use faireplace_kernel::{TenantId, sort_fields};
use faireplace_property::{
    Diagnostic, DiagnosticId, DiagnosticType, EnergyDiagnosis, EnergyDiagnosisId, Estate,
    EstateFilter, EstateId, EstateSort, KeyHandover, KeyId, Place, PlaceFilter, PlaceId, PlaceSort,
    PropertyType, TypeId, TypeKind,
};

use crate::RepoError;

sort_fields!(
    /// Diagnostics of an estate list by creation or change.
    pub ChildSort {
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

sort_fields!(
    pub TypeSort {
        Code => "code",
        Name => "name",
        CreatedAt => "created_at",
    }
);

sort_fields!(
    pub EnergySort {
        PerformedOn => "performed_on",
        CreatedAt => "created_at",
    }
);

/// Filters of a type list: the kind is always given (it is in the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeFilter {
    pub kind: TypeKind,
    pub is_active: Option<bool>,
    /// The type of this code (a client may name a type by its code).
    pub code: Option<String>,
}

impl Default for TypeFilter {
    fn default() -> Self {
        Self {
            kind: TypeKind::Estate,
            is_active: None,
            code: None,
        }
    }
}

/// The estate a list of its energy diagnoses belongs to (always given: it is in the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFilter {
    pub estate_id: EstateId,
}

impl Default for ChildFilter {
    fn default() -> Self {
        Self {
            estate_id: EstateId(uuid::Uuid::nil()),
        }
    }
}

/// Diagnostics of an estate, optionally only the active ones or one type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticFilter {
    pub estate_id: EstateId,
    pub active: Option<bool>,
    pub diagnostic_type: Option<DiagnosticType>,
}

impl Default for DiagnosticFilter {
    fn default() -> Self {
        Self {
            estate_id: EstateId(uuid::Uuid::nil()),
            active: None,
            diagnostic_type: None,
        }
    }
}

resource!(PropertyType, TypeId, TypeFilter, TypeSort, "type");
resource!(Place, PlaceId, PlaceFilter, PlaceSort, "place");
resource!(Estate, EstateId, EstateFilter, EstateSort, "estate");
resource!(
    EnergyDiagnosis,
    EnergyDiagnosisId,
    ChildFilter,
    EnergySort,
    "energy diagnosis"
);
resource!(
    Diagnostic,
    DiagnosticId,
    DiagnosticFilter,
    ChildSort,
    "diagnostic"
);

/// The hand-over history of estate keys, which storage records as keys change.
#[async_trait]
pub trait KeyHistory: Send + Sync {
    /// Every hand-over of a key, oldest first (none for a key not in this tenant).
    async fn history(&self, tenant: TenantId, key: KeyId) -> Result<Vec<KeyHandover>, RepoError>;
}
