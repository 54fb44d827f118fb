//! The audit log of changes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::{Page, PageRequest, TenantId};

use crate::RepoError;

faireplace_kernel::text_enum!(
    /// What a change did.
    pub AuditAction {
        Create => "CREATE",
        Update => "UPDATE",
        Delete => "DELETE",
        /// A charge review validated.
        Validate => "VALIDATE",
    }
);

/// One change of an audited entity.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: uuid::Uuid,
    pub entity_type: String,
    pub entity_id: uuid::Uuid,
    pub action: AuditAction,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub key_id: Option<uuid::Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The audit log as it is read: each change writes its own entry in its transaction (a
/// [`Journal`]).
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Entries, latest first, of the entity types given (every type when empty), optionally
    /// of one entity.
    async fn list(
        &self,
        tenant: TenantId,
        entity_types: &[&str],
        entity_id: Option<uuid::Uuid>,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>, RepoError>;
}

/// What a write leaves in its own transaction besides its rows, so that neither exists without
/// the other: the audit entry of the change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journal {
    pub audit: Option<AuditEntry>,
}

impl Journal {
    /// Nothing besides the rows.
    pub const NONE: Journal = Journal { audit: None };

    pub fn audit(entry: AuditEntry) -> Self {
        Self { audit: Some(entry) }
    }
}
