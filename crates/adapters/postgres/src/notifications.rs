//! Charge notifications in PostgreSQL, written by the changes that raise them (in their
//! transaction), listed and marked read by users.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_charges::{NotificationId, NotificationKind};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::RepoError;
use faireplace_ports::charges::{Notification, NotificationStore};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Db;
use crate::common::{counted_page, stored_enum, window_rows};
use crate::error::map_error;

/// Writes a notification in the caller's transaction.
pub(crate) async fn notify(
    conn: &mut PgConnection,
    tenant: TenantId,
    kind: NotificationKind,
    entity_type: &str,
    entity_id: Uuid,
    message: String,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    sqlx::query(
        "INSERT INTO charge_notifications (tenant_id, id, kind, entity_type, entity_id, message, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.as_uuid())
    .bind(Uuid::now_v7())
    .bind(kind.as_str())
    .bind(entity_type)
    .bind(entity_id)
    .bind(message)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

/// Notifications in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgNotifications(pub Db);

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: Uuid,
    kind: String,
    entity_type: String,
    entity_id: Uuid,
    message: String,
    read: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = RepoError;
    fn try_from(r: NotificationRow) -> Result<Self, RepoError> {
        Ok(Notification {
            id: NotificationId(r.id),
            kind: stored_enum::<NotificationKind>("charge_notifications", r.id, "kind", &r.kind)?,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            message: r.message,
            read: r.read,
            created_at: r.created_at,
        })
    }
}

#[async_trait]
impl NotificationStore for PgNotifications {
    async fn list(
        &self,
        tenant: TenantId,
        kind: Option<NotificationKind>,
        read: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Notification>, RepoError> {
        let sql = "SELECT p.* FROM (SELECT n.*, count(*) OVER () AS total \
                   FROM charge_notifications n WHERE n.tenant_id = scope.tenant \
                   AND ($2::text IS NULL OR n.kind = $2) AND ($3::boolean IS NULL OR n.read = $3) \
                   ORDER BY n.created_at DESC, n.id DESC LIMIT $4 OFFSET $5) p";
        let mut rows = window_rows::<NotificationRow>(&self.0, tenant, sql, page, |q| {
            q.bind(kind.map(|k| k.as_str())).bind(read)
        })
        .await?;
        rows.sort_by_key(|r| std::cmp::Reverse((r.row.created_at, r.row.id)));
        counted_page(rows, page, Notification::try_from)
    }

    async fn mark(
        &self,
        tenant: TenantId,
        id: NotificationId,
        read: bool,
    ) -> Result<Option<Notification>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<NotificationRow> = sqlx::query_as(
            "UPDATE charge_notifications SET read = $3 WHERE tenant_id = $1 AND id = $2 \
             RETURNING *",
        )
        .bind(tenant.as_uuid())
        .bind(id.0)
        .bind(read)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        row.map(Notification::try_from).transpose()
    }
}
