//! Lease annexes in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::ErrorCode;
use faireplace_kernel::TenantId;
use faireplace_kernel::ids::MediaId;
use faireplace_leases::{AnnexCode, ChargesMode, LeaseId};
use faireplace_ports::RepoError;
use faireplace_ports::annexes::{
    AnnexContext, AnnexStore, DiagnosticOnRecord, DiagnosticRef, LeaseAnnex,
};
use faireplace_property::{DiagnosticId, DiagnosticType, EnergyDiagnosisId, EstateId};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Db;
use crate::common::find_in;
use crate::error::map_error;
use crate::stored::Stored;

/// Lease annexes in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgLeaseAnnexes(pub Db);

#[derive(sqlx::FromRow)]
struct AnnexRow {
    id: Uuid,
    lease_id: Uuid,
    code: Option<String>,
    title: String,
    source: String,
    media_id: Option<Uuid>,
    diagnostic_id: Option<Uuid>,
    energy_diagnosis_id: Option<Uuid>,
    valid_until: Option<NaiveDate>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<AnnexRow> for LeaseAnnex {
    type Error = RepoError;
    fn try_from(r: AnnexRow) -> Result<Self, RepoError> {
        let stored = Stored::row("lease_annexes", r.id);
        Ok(LeaseAnnex {
            id: r.id,
            lease_id: LeaseId(r.lease_id),
            code: stored.name_opt("code", r.code.as_deref())?,
            title: r.title,
            source: stored.name("source", &r.source)?,
            media_id: r.media_id.map(MediaId),
            diagnostic_id: r.diagnostic_id.map(DiagnosticId),
            energy_diagnosis_id: r.energy_diagnosis_id.map(EnergyDiagnosisId),
            valid_until: r.valid_until,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const COLUMNS: &str = "id, lease_id, code, title, source, media_id, diagnostic_id, \
    energy_diagnosis_id, valid_until, created_at, updated_at";

async fn annexes_of(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: LeaseId,
) -> Result<Vec<LeaseAnnex>, RepoError> {
    let rows: Vec<AnnexRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM lease_annexes WHERE tenant_id = $1 AND lease_id = $2 \
         ORDER BY created_at, id"
    )))
    .bind(tenant.as_uuid())
    .bind(lease.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_error)?;
    rows.into_iter().map(LeaseAnnex::try_from).collect()
}

/// An open signature fixed the contract, and the list of annexes in it.
async fn refuse_while_signing(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: LeaseId,
) -> Result<(), RepoError> {
    if crate::signatures::signing(conn, tenant, lease).await? {
        return Err(RepoError::Conflict {
            code: ErrorCode::SignatureInProgress,
            message: "the lease is out for signature with its list of annexes: cancel the \
                      signature to change them"
                .into(),
        });
    }
    Ok(())
}

async fn lease_exists(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: LeaseId,
) -> Result<bool, RepoError> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM leases WHERE tenant_id = $1 AND id = $2)")
        .bind(tenant.as_uuid())
        .bind(lease.0)
        .fetch_one(&mut *conn)
        .await
        .map_err(map_error)
}

#[derive(sqlx::FromRow)]
struct ContextRow {
    estate_id: Uuid,
    lease_type_id: Uuid,
    mandatory_annexes: Vec<String>,
    furnished: bool,
    construction_year: Option<i32>,
    is_coownership: Option<bool>,
    charges_mode: String,
    charges_amount: rust_decimal::Decimal,
}

#[derive(sqlx::FromRow)]
struct DiagnosticRow {
    id: Uuid,
    kind: String,
    energy: bool,
    media_id: Option<Uuid>,
    performed_on: NaiveDate,
    valid_until: Option<NaiveDate>,
}

impl DiagnosticRow {
    /// The diagnostic as the annex it stands for; `None` for the types no lease needs (noise,
    /// other).
    fn into_annex(self) -> Result<Option<DiagnosticOnRecord>, RepoError> {
        let d = self;
        let (id, code) = if d.energy {
            (
                DiagnosticRef::Energy(EnergyDiagnosisId(d.id)),
                AnnexCode::Dpe,
            )
        } else {
            let stored = Stored::row("estate_diagnostics", d.id);
            let code = match stored.name::<DiagnosticType>("type", &d.kind)? {
                DiagnosticType::Lead => AnnexCode::Lead,
                DiagnosticType::Asbestos => AnnexCode::Asbestos,
                DiagnosticType::Electricity => AnnexCode::Electricity,
                DiagnosticType::Gas => AnnexCode::Gas,
                DiagnosticType::Risks => AnnexCode::Risks,
                DiagnosticType::CoownershipRules => AnnexCode::CoownershipRules,
                DiagnosticType::Noise | DiagnosticType::Other => return Ok(None),
            };
            (DiagnosticRef::Diagnostic(DiagnosticId(d.id)), code)
        };
        Ok(Some(DiagnosticOnRecord {
            id,
            code,
            media_id: d.media_id.map(MediaId),
            performed_on: d.performed_on,
            valid_until: d.valid_until,
        }))
    }
}

#[async_trait]
impl AnnexStore for PgLeaseAnnexes {
    async fn context(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Option<AnnexContext>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        // The type's frame, the estate's furnishing and the building's facts.
        let row: Option<ContextRow> = find_in(
            &mut tx,
            "SELECT l.estate_id, l.lease_type_id, t.mandatory_annexes, t.furnished, \
                    p.construction_year, p.is_coownership, l.charges_mode, l.charges_amount \
             FROM leases l \
             JOIN lease_types t ON t.tenant_id = l.tenant_id AND t.id = l.lease_type_id \
             JOIN estates e ON e.tenant_id = l.tenant_id AND e.id = l.estate_id \
             LEFT JOIN places p ON p.tenant_id = e.tenant_id AND p.id = e.place_id \
             WHERE l.tenant_id = $1 AND l.id = $2",
            tenant,
            lease.0,
        )
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        // The active diagnostics and the latest energy diagnosis.
        let diagnostics: Vec<DiagnosticRow> = sqlx::query_as(
            "SELECT id, type AS kind, false AS energy, media_id, performed_on, valid_until \
             FROM estate_diagnostics WHERE tenant_id = $1 AND estate_id = $2 AND is_active \
             UNION ALL \
             (SELECT id, 'DPE', true, media_id, performed_on, valid_until FROM energy_diagnoses \
              WHERE tenant_id = $1 AND estate_id = $2 \
              ORDER BY performed_on DESC, created_at DESC LIMIT 1)",
        )
        .bind(tenant.as_uuid())
        .bind(row.estate_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let annexes = annexes_of(&mut tx, tenant, lease).await?;
        let of_lease = Stored::row("leases", lease);
        let of_type = Stored::row("lease_types", row.lease_type_id);
        let charges_mode: ChargesMode = of_lease.name("charges_mode", &row.charges_mode)?;
        Ok(Some(AnnexContext {
            lease_id: lease,
            estate_id: EstateId(row.estate_id),
            type_annexes: of_type.names("mandatory_annexes", &row.mandatory_annexes)?,
            furnished: row.furnished,
            construction_year: row.construction_year,
            // Not stated on the building (or no building): not a co-ownership as far as we know.
            is_coownership: row.is_coownership.unwrap_or(false),
            charges_on_provision: charges_mode == ChargesMode::Provision
                && row.charges_amount > rust_decimal::Decimal::ZERO,
            diagnostics: diagnostics
                .into_iter()
                .map(DiagnosticRow::into_annex)
                .filter_map(Result::transpose)
                .collect::<Result<_, _>>()?,
            annexes,
        }))
    }

    async fn list(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Option<Vec<LeaseAnnex>>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let annexes = annexes_of(&mut tx, tenant, lease).await?;
        if annexes.is_empty() && !lease_exists(&mut tx, tenant, lease).await? {
            return Ok(None);
        }
        Ok(Some(annexes))
    }

    async fn get(
        &self,
        tenant: TenantId,
        lease: LeaseId,
        id: Uuid,
    ) -> Result<Option<LeaseAnnex>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<AnnexRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM lease_annexes WHERE tenant_id = $1 AND lease_id = $2 AND id = $3"
        )))
        .bind(tenant.as_uuid())
        .bind(lease.0)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        row.map(LeaseAnnex::try_from).transpose()
    }

    async fn attach(
        &self,
        tenant: TenantId,
        annexes: &[LeaseAnnex],
    ) -> Result<Vec<LeaseAnnex>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        if let Some(first) = annexes.first() {
            refuse_while_signing(&mut tx, tenant, first.lease_id).await?;
        }
        let mut attached = Vec::with_capacity(annexes.len());
        for a in annexes {
            // Catalog annexes and diagnostics are attached once: a second attach is a no-op.
            let row: Option<AnnexRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "INSERT INTO lease_annexes (tenant_id, {COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT DO NOTHING RETURNING {COLUMNS}"
            )))
            .bind(tenant.as_uuid())
            .bind(a.id)
            .bind(a.lease_id.0)
            .bind(a.code.map(|c| c.as_str()))
            .bind(&a.title)
            .bind(a.source.as_str())
            .bind(a.media_id.map(|m| m.0))
            .bind(a.diagnostic_id.map(|d| d.0))
            .bind(a.energy_diagnosis_id.map(|d| d.0))
            .bind(a.valid_until)
            .bind(a.created_at)
            .bind(a.updated_at)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?;
            attached.extend(row.map(LeaseAnnex::try_from).transpose()?);
        }
        tx.commit().await.map_err(map_error)?;
        Ok(attached)
    }

    async fn delete(&self, tenant: TenantId, lease: LeaseId, id: Uuid) -> Result<bool, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        refuse_while_signing(&mut tx, tenant, lease).await?;
        let done = sqlx::query(
            "DELETE FROM lease_annexes WHERE tenant_id = $1 AND lease_id = $2 AND id = $3",
        )
        .bind(tenant.as_uuid())
        .bind(lease.0)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        Ok(done.rows_affected() > 0)
    }
}
