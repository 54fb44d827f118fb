//! What a write leaves in its own transaction besides its rows ([`Journal`]): the audit entry
//! of the change. Every repository writes its journal with [`write`] before it commits, so a
//! change and its record exist together or not at all.

use faireplace_kernel::TenantId;
use faireplace_ports::RepoError;
use faireplace_ports::audit::{AuditEntry, Journal};
use sqlx::PgConnection;

use crate::error::map_error;

/// Writes `journal` on `conn`, in the caller's transaction.
pub(crate) async fn write(
    conn: &mut PgConnection,
    tenant: TenantId,
    journal: &Journal,
) -> Result<(), RepoError> {
    if let Some(entry) = &journal.audit {
        audit(conn, tenant, entry).await?;
    }
    Ok(())
}

/// One audit entry, in the caller's transaction.
pub(crate) async fn audit(
    conn: &mut PgConnection,
    tenant: TenantId,
    e: &AuditEntry,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO charge_audit_logs (tenant_id, id, entity_type, entity_id, action, \
         before, after, key_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant.as_uuid())
    .bind(e.id)
    .bind(&e.entity_type)
    .bind(e.entity_id)
    .bind(e.action.as_str())
    .bind(&e.before)
    .bind(&e.after)
    .bind(e.key_id)
    .bind(e.created_at)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(())
}
