//! The audit log of the charge entities and the parties: who changed what, from what, to what,
//! and when.

use std::sync::Arc;

use faireplace_kernel::{Page, PageRequest};
use faireplace_ports::Clock;
use faireplace_ports::audit::{AuditEntry, AuditLog};

use crate::{AppError, Principal};

#[derive(Clone)]
pub struct AuditService {
    log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
}

impl AuditService {
    pub fn new(log: Arc<dyn AuditLog>, clock: Arc<dyn Clock>) -> Self {
        Self { log, clock }
    }

    /// Records a change made by `principal`'s key.
    pub async fn record(
        &self,
        principal: &Principal,
        entity_type: &str,
        entity_id: uuid::Uuid,
        action: faireplace_ports::audit::AuditAction,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        self.log
            .record(
                tenant,
                &AuditEntry {
                    id: uuid::Uuid::now_v7(),
                    entity_type: entity_type.to_owned(),
                    entity_id,
                    action,
                    before,
                    after,
                    key_id: principal.key_id(),
                    created_at: self.clock.now(),
                },
            )
            .await
            .map_err(|e| AppError::from_repo("audit log", e))
    }

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
