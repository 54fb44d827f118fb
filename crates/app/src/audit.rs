//! The audit log of the charge entities and the parties: who changed what, from what, to what,
//! and when. Each change writes its own entry, in its own transaction (a `Journal`); this is
//! how the log is read.

use std::sync::Arc;

use faireplace_kernel::{Page, PageRequest};
use faireplace_ports::audit::{AuditEntry, AuditLog};

use crate::{AppError, Principal};

#[derive(Clone)]
pub struct AuditService {
    log: Arc<dyn AuditLog>,
}

impl AuditService {
    pub fn new(log: Arc<dyn AuditLog>) -> Self {
        Self { log }
    }

    /// Entries, latest first, of the entity types given, optionally of one entity.
    pub async fn list(
        &self,
        principal: &Principal,
        entity_types: &[&str],
        entity_id: Option<uuid::Uuid>,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>, AppError> {
        let tenant = principal.manage()?;
        self.log
            .list(tenant, entity_types, entity_id, page)
            .await
            .map_err(|e| AppError::from_repo("audit log", e))
    }
}
