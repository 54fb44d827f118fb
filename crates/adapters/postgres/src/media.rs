//! Media records in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::{Media, MediaEntityType, MediaId, MediaRepository, RepoError};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::Db;
use crate::common::{Counted, page_of};
use crate::error::map_error;
use crate::stored::Stored;

/// Media records in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgMedia(pub Db);

#[derive(sqlx::FromRow)]
struct MediaRow {
    id: Uuid,
    entity_type: String,
    entity_id: Uuid,
    category: Option<String>,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<MediaRow> for Media {
    type Error = RepoError;
    fn try_from(r: MediaRow) -> Result<Self, RepoError> {
        let stored = Stored::row("media", r.id);
        Ok(Media {
            id: MediaId(r.id),
            entity_type: stored.name("entity_type", &r.entity_type)?,
            entity_id: r.entity_id,
            category: r.category.map(Text::from_trusted),
            filename: Text::from_trusted(r.filename),
            content_type: stored.name("content_type", &r.content_type)?,
            size: stored.number("size", r.size)?,
            sha256: r.sha256,
            created_at: r.created_at,
        })
    }
}

/// The table of an entity type: a fixed name from a closed enum, never the client's text.
fn table(entity_type: MediaEntityType) -> &'static str {
    match entity_type {
        MediaEntityType::Place => "places",
        MediaEntityType::Estate => "estates",
        MediaEntityType::Room => "rooms",
        MediaEntityType::Equipment => "equipment",
        MediaEntityType::InventoryItem => "inventory_items",
        MediaEntityType::Key => "estate_keys",
        MediaEntityType::EnergyDiagnosis => "energy_diagnoses",
        MediaEntityType::Diagnostic => "estate_diagnostics",
        MediaEntityType::Owner => "owners",
        MediaEntityType::Contact => "contacts",
        MediaEntityType::Lessee => "lessees",
    }
}

const COLUMNS: &str =
    "id, entity_type, entity_id, category, filename, content_type, size, sha256, created_at";

#[async_trait]
impl MediaRepository for PgMedia {
    async fn insert(&self, tenant: TenantId, m: &Media) -> Result<(), RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        sqlx::query(
            "INSERT INTO media (tenant_id, id, entity_type, entity_id, category, filename, \
             content_type, size, sha256, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(tenant.as_uuid())
        .bind(m.id.0)
        .bind(m.entity_type.as_str())
        .bind(m.entity_id)
        .bind(m.category.as_ref().map(Text::as_str))
        .bind(m.filename.as_str())
        .bind(m.content_type.as_str())
        .bind(i64::try_from(m.size).unwrap_or(i64::MAX))
        .bind(&m.sha256)
        .bind(m.created_at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)
    }

    async fn get(&self, tenant: TenantId, id: MediaId) -> Result<Option<Media>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<MediaRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM media WHERE tenant_id = $1 AND id = $2"
        )))
        .bind(tenant.as_uuid())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        row.map(Media::try_from).transpose()
    }

    async fn list(
        &self,
        tenant: TenantId,
        entity_type: MediaEntityType,
        entity_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Media>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        // One round trip for the page and its total; a second one only past the end.
        let rows: Vec<Counted<MediaRow>> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {COLUMNS}, count(*) OVER () AS total FROM media \
             WHERE tenant_id = $1 AND entity_type = $2 AND entity_id = $3 \
             ORDER BY created_at, id LIMIT $4 OFFSET $5"
        )))
        .bind(tenant.as_uuid())
        .bind(entity_type.as_str())
        .bind(entity_id)
        .bind(i64::from(page.limit()))
        .bind(i64::try_from(page.offset()).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let total = match rows.first() {
            Some(row) => row.total,
            None if page.offset() > 0 => sqlx::query_scalar(
                "SELECT count(*) FROM media \
                 WHERE tenant_id = $1 AND entity_type = $2 AND entity_id = $3",
            )
            .bind(tenant.as_uuid())
            .bind(entity_type.as_str())
            .bind(entity_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_error)?,
            None => 0,
        };
        page_of(
            rows.into_iter().map(|r| r.row),
            page,
            total,
            Media::try_from,
        )
    }

    async fn delete(&self, tenant: TenantId, id: MediaId) -> Result<Option<Media>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<MediaRow> = sqlx::query_as(AssertSqlSafe(format!(
            "DELETE FROM media WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
        )))
        .bind(tenant.as_uuid())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(crate::error::map_delete_error)?;
        tx.commit().await.map_err(map_error)?;
        row.map(Media::try_from).transpose()
    }

    async fn count_by_sha256(&self, tenant: TenantId, sha256: &str) -> Result<u64, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM media WHERE tenant_id = $1 AND sha256 = $2")
                .bind(tenant.as_uuid())
                .bind(sha256)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_error)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn entity_exists(
        &self,
        tenant: TenantId,
        entity_type: MediaEntityType,
        entity_id: Uuid,
    ) -> Result<bool, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE tenant_id = $1 AND id = $2)",
            table(entity_type)
        );
        sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(tenant.as_uuid())
            .bind(entity_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(map_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_type_has_a_table() {
        let mut tables: Vec<_> = MediaEntityType::ALL.iter().map(|t| table(*t)).collect();
        tables.sort_unstable();
        tables.dedup();
        assert_eq!(tables.len(), MediaEntityType::ALL.len());
    }
}
