//! Signature processes in PostgreSQL: each step one transaction under the process's row lock.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_billing::TransactionKind;
use faireplace_kernel::ErrorCode;
use faireplace_kernel::values::{Email, Phone};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_leases::{LeaseId, LeaseStatus};
use faireplace_ports::RepoError;
use faireplace_ports::signatures::{
    CountedTry, FixedDocument, NewCode, NewSignature, ProviderReport, SignatureFilter,
    SignatureStore,
};
use faireplace_signatures::{
    SignEvidence, SignRefusal, Signature, SignatureId, SignatureStatus, Signer, SignerData,
    SignerId, SignerStatus,
};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Db;
use crate::common::{Counted, find_in, find_scalar_in};
use crate::credits::record_in;
use crate::error::{conflict, map_error};
use crate::leases::follow_leases;
use crate::stored::Stored;

/// Signature processes in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgSignatures(pub Db);

#[derive(sqlx::FromRow)]
struct SignatureRow {
    id: Uuid,
    lease_id: Uuid,
    status: String,
    document_sha256: String,
    expires_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SignerRow {
    id: Uuid,
    signature_id: Uuid,
    role: String,
    party_id: Uuid,
    email: String,
    phone: Option<String>,
    sign_order: i32,
    status: String,
    status_at: Option<DateTime<Utc>>,
    sign_method: Option<String>,
    signed_ip: Option<String>,
    signed_user_agent: Option<String>,
    provider_reference: Option<String>,
    updated_at: DateTime<Utc>,
}

const SIGNATURE_COLUMNS: &str = "id, lease_id, status, document_sha256, expires_at, \
    completed_at, cancelled_at, created_at, updated_at";
const SIGNER_COLUMNS: &str = "id, signature_id, role, party_id, email, phone, sign_order, status, \
    status_at, sign_method, signed_ip, signed_user_agent, provider_reference, updated_at";

impl TryFrom<SignerRow> for Signer {
    type Error = RepoError;
    fn try_from(r: SignerRow) -> Result<Self, RepoError> {
        let stored = Stored::row("signature_signers", r.id);
        let evidence = match (r.sign_method, r.status_at) {
            (Some(method), Some(at)) => Some(SignEvidence {
                at,
                ip: r.signed_ip,
                user_agent: r.signed_user_agent,
                method: stored.name("sign_method", &method)?,
                provider_reference: r.provider_reference,
            }),
            _ => None,
        };
        Ok(Signer {
            id: SignerId(r.id),
            data: SignerData {
                role: stored.name("role", &r.role)?,
                party_id: r.party_id,
                email: stored.parse("email", &r.email, Email::parse)?,
                phone: r
                    .phone
                    .as_deref()
                    .map(|p| stored.parse("phone", p, Phone::parse))
                    .transpose()?,
                order: stored.number("sign_order", r.sign_order)?,
            },
            status: stored.name("status", &r.status)?,
            status_at: r.status_at,
            evidence,
            updated_at: r.updated_at,
        })
    }
}

impl TryFrom<SignatureRow> for Signature {
    type Error = RepoError;
    fn try_from(r: SignatureRow) -> Result<Self, RepoError> {
        let stored = Stored::row("signatures", r.id);
        Ok(Signature {
            id: SignatureId(r.id),
            lease_id: LeaseId(r.lease_id),
            status: stored.name("status", &r.status)?,
            document_sha256: r.document_sha256,
            expires_at: r.expires_at,
            completed_at: r.completed_at,
            cancelled_at: r.cancelled_at,
            signers: Vec::new(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The processes of `rows` with their signers.
fn assemble(rows: Vec<SignatureRow>, signers: Vec<SignerRow>) -> Result<Vec<Signature>, RepoError> {
    let mut out: Vec<Signature> = rows
        .into_iter()
        .map(Signature::try_from)
        .collect::<Result<_, _>>()?;
    for s in signers {
        let of = SignatureId(s.signature_id);
        let s = Signer::try_from(s)?;
        if let Some(sig) = out.iter_mut().find(|x| x.id == of) {
            sig.signers.push(s);
        }
    }
    Ok(out)
}

/// The signers of `ids`, in their position.
async fn signers_of(
    conn: &mut PgConnection,
    tenant: Uuid,
    ids: &[Uuid],
) -> Result<Vec<SignerRow>, RepoError> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SIGNER_COLUMNS} FROM signature_signers WHERE tenant_id = $1 \
         AND signature_id = ANY($2) ORDER BY signature_id, position"
    )))
    .bind(tenant)
    .bind(ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_error)
}

/// Reads one process, locking it when `lock`.
async fn load(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: SignatureId,
    lock: bool,
) -> Result<Option<Signature>, RepoError> {
    let row: Option<SignatureRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SIGNATURE_COLUMNS} FROM signatures WHERE tenant_id = $1 AND id = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    )))
    .bind(tenant.as_uuid())
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let signers = signers_of(conn, tenant.as_uuid(), &[id.0]).await?;
    Ok(assemble(vec![row], signers)?.pop())
}

type Tx = sqlx::Transaction<'static, sqlx::Postgres>;

/// Opens a tenant transaction and reads the process locked in it; `None` when it does not
/// exist.
async fn locked(
    db: &Db,
    tenant: TenantId,
    id: SignatureId,
) -> Result<Option<(Tx, Signature)>, RepoError> {
    let mut tx = db.tenant_tx(tenant).await?;
    Ok(load(&mut tx, tenant, id, true).await?.map(|sig| (tx, sig)))
}

/// Refuses a change of a locked process: a process past its expiry is marked EXPIRED first
/// (and that is committed), so that what is stored agrees with the refusal.
async fn refuse(
    mut tx: Tx,
    tenant: TenantId,
    sig: &Signature,
    at: DateTime<Utc>,
    refusal: SignRefusal,
) -> RepoError {
    let expired = match expire_if_due(&mut tx, tenant, sig, at).await {
        Ok(true) => tx.commit().await.map_err(map_error),
        Ok(false) => Ok(()),
        Err(e) => Err(e),
    };
    expired.err().unwrap_or_else(|| refused(refusal))
}

/// Ends an open process as CANCELLED, or as COMPLETED once every signer has signed (a
/// completed one is answered as it is).
async fn end(
    db: &Db,
    tenant: TenantId,
    id: SignatureId,
    at: DateTime<Utc>,
    to: SignatureStatus,
) -> Result<Option<Signature>, RepoError> {
    let Some((mut tx, sig)) = locked(db, tenant, id).await? else {
        return Ok(None);
    };
    let completing = to == SignatureStatus::Completed;
    if completing && sig.status == SignatureStatus::Completed {
        return Ok(Some(sig));
    }
    let status = sig.status_at(at);
    if !status.is_open() {
        return Err(refuse(tx, tenant, &sig, at, SignRefusal::Closed(status)).await);
    }
    if completing && !sig.all_signed() {
        return Err(conflict(
            ErrorCode::SignersPending,
            "every signer must have signed before the process is finalized",
        ));
    }
    close(&mut tx, tenant, &sig, to, at).await?;
    stored(tx, tenant, id).await
}

/// Reads the process as the transaction leaves it, then commits.
async fn stored(
    mut tx: Tx,
    tenant: TenantId,
    id: SignatureId,
) -> Result<Option<Signature>, RepoError> {
    let stored = load(&mut tx, tenant, id, false).await?;
    tx.commit().await.map_err(map_error)?;
    Ok(stored)
}

fn refused(r: SignRefusal) -> RepoError {
    RepoError::Conflict {
        code: r.code(),
        message: r.to_string(),
    }
}

/// Sets a process's status and the lease's that follows it, then bumps the process.
async fn close(
    conn: &mut PgConnection,
    tenant: TenantId,
    sig: &Signature,
    status: SignatureStatus,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    let lease_to = match status {
        SignatureStatus::Completed => LeaseStatus::Active,
        _ => LeaseStatus::Draft,
    };
    if status != SignatureStatus::InProgress {
        // The estate is locked before its lease changes, as every lease write does.
        let estate: Option<Uuid> = find_scalar_in(
            &mut *conn,
            "SELECT e.id FROM estates e JOIN leases l ON l.tenant_id = e.tenant_id \
             AND l.estate_id = e.id WHERE l.tenant_id = $1 AND l.id = $2 FOR UPDATE OF e",
            tenant,
            sig.lease_id.0,
        )
        .await?;
        sqlx::query(
            "UPDATE leases SET status = $4, updated_at = $5 \
             WHERE tenant_id = $1 AND id = $2 AND status = $3",
        )
        .bind(tenant.as_uuid())
        .bind(sig.lease_id.0)
        .bind(LeaseStatus::PendingSignature.as_str())
        .bind(lease_to.as_str())
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(map_error)?;
        if let Some(estate) = estate {
            follow_leases(conn, tenant, &[estate]).await?;
        }
    }
    sqlx::query(
        "UPDATE signatures SET status = $3, updated_at = $4, \
         completed_at = CASE WHEN $3 = 'COMPLETED' THEN $4 ELSE completed_at END, \
         cancelled_at = CASE WHEN $3 = 'CANCELLED' THEN $4 ELSE cancelled_at END \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.as_uuid())
    .bind(sig.id.0)
    .bind(status.as_str())
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(())
}

/// Marks a stale open process EXPIRED; its lease is a draft again, free to be changed, sent
/// again or deleted.
async fn expire_if_due(
    conn: &mut PgConnection,
    tenant: TenantId,
    sig: &Signature,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    if sig.status.is_open() && sig.status_at(now) == SignatureStatus::Expired {
        close(conn, tenant, sig, SignatureStatus::Expired, now).await?;
        return Ok(true);
    }
    Ok(false)
}

/// Records one signer's signature and what follows from it, under the process's lock.
async fn record_signature(
    conn: &mut PgConnection,
    tenant: TenantId,
    sig: &Signature,
    signer: SignerId,
    evidence: &SignEvidence,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let next = sig.status_after_signing(signer);
    sqlx::query(
        "UPDATE signature_signers SET status = 'SIGNED', status_at = $3, sign_method = $4, \
         signed_ip = $5, signed_user_agent = $6, provider_reference = $7, updated_at = $3 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.as_uuid())
    .bind(signer.0)
    .bind(evidence.at)
    .bind(evidence.method.as_str())
    .bind(&evidence.ip)
    .bind(&evidence.user_agent)
    .bind(&evidence.provider_reference)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    close(conn, tenant, sig, next, now).await
}

/// Refuses a change to what an open signature process of `lease` fixed in its document (the
/// lease itself, its charges, its estate): 409 `SIGNATURE_IN_PROGRESS` until the process ends.
/// The caller holds a lock that orders it with the process's start (the lease's row, shared, or
/// the estate's).
pub(crate) async fn refuse_while_signing(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: Uuid,
    what: &str,
) -> Result<(), RepoError> {
    if signing(conn, tenant, LeaseId(lease)).await? {
        return Err(signing_conflict(what));
    }
    Ok(())
}

/// Whether an open signature process of `lease`, not yet past its expiry, holds it.
pub(crate) async fn signing(
    conn: &mut PgConnection,
    tenant: TenantId,
    lease: LeaseId,
) -> Result<bool, RepoError> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM signatures WHERE tenant_id = $1 AND lease_id = $2 \
         AND status IN ('PENDING', 'IN_PROGRESS') AND expires_at > now())",
    )
    .bind(tenant.as_uuid())
    .bind(lease.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_error)
}

/// [`refuse_while_signing`] for every lease of an estate.
pub(crate) async fn refuse_while_estate_signing(
    conn: &mut PgConnection,
    tenant: TenantId,
    estate: Uuid,
) -> Result<(), RepoError> {
    let signing: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM signatures s JOIN leases l \
           ON l.tenant_id = s.tenant_id AND l.id = s.lease_id \
         WHERE s.tenant_id = $1 AND l.estate_id = $2 \
           AND s.status IN ('PENDING', 'IN_PROGRESS') AND s.expires_at > now())",
    )
    .bind(tenant.as_uuid())
    .bind(estate)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_error)?;
    if signing {
        return Err(signing_conflict("the estate"));
    }
    Ok(())
}

fn signing_conflict(what: &str) -> RepoError {
    RepoError::Conflict {
        code: ErrorCode::SignatureInProgress,
        message: format!(
            "a lease is out for signature with {what} as its document states them: cancel the \
             signature to change them"
        ),
    }
}

#[async_trait]
impl SignatureStore for PgSignatures {
    async fn initiate(
        &self,
        tenant: TenantId,
        new: &NewSignature,
    ) -> Result<Option<Signature>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let lease: Option<(Uuid, String, DateTime<Utc>)> = find_in(
            &mut tx,
            "SELECT estate_id, status, updated_at FROM leases \
             WHERE tenant_id = $1 AND id = $2",
            tenant,
            new.lease_id.0,
        )
        .await?;
        let Some((estate, _, _)) = lease else {
            return Ok(None);
        };
        crate::leases::lock_estates(&mut tx, tenant, faireplace_property::EstateId(estate), None)
            .await?;
        // Read again under the estate's lock, which every lease write takes first.
        let (status, updated_at): (String, DateTime<Utc>) = sqlx::query_as(
            "SELECT status, updated_at FROM leases WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(new.lease_id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        let status: LeaseStatus = Stored::row("leases", new.lease_id).name("status", &status)?;
        if !matches!(status, LeaseStatus::Draft | LeaseStatus::PendingSignature) {
            return Err(RepoError::Conflict {
                code: ErrorCode::LeaseNotSignable,
                message: format!(
                    "a {status} lease cannot be sent for signature (DRAFT or PENDING_SIGNATURE only)"
                ),
            });
        }
        if updated_at != new.lease_read_at {
            return Err(conflict(
                ErrorCode::Conflict,
                "the lease changed while its document was made; retry",
            ));
        }
        // The lease's row: a charge written meanwhile holds it shared, and commits first.
        sqlx::query("SELECT 1 FROM leases WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(tenant.as_uuid())
            .bind(new.lease_id.0)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        // The estate and the charges as the document states them (under the two locks that
        // their writes take, so that none lands after this reading).
        let estate_at: DateTime<Utc> =
            sqlx::query_scalar("SELECT updated_at FROM estates WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_uuid())
                .bind(estate)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_error)?;
        let charges: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, updated_at FROM lease_charges WHERE tenant_id = $1 AND lease_id = $2 \
             AND active ORDER BY id, updated_at",
        )
        .bind(tenant.as_uuid())
        .bind(new.lease_id.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        if estate_at != new.sources_read.estate_updated_at || charges != new.sources_read.charges {
            return Err(RepoError::Conflict {
                code: ErrorCode::Conflict,
                message: "the estate or the lease's charges changed while its document was made; \
                          retry"
                    .into(),
            });
        }
        // A process left open past its expiry no longer holds the lease.
        let stale: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM signatures WHERE tenant_id = $1 AND lease_id = $2 \
             AND status IN ('PENDING', 'IN_PROGRESS') AND expires_at <= $3",
        )
        .bind(tenant.as_uuid())
        .bind(new.lease_id.0)
        .bind(new.at)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        for id in stale {
            if let Some(old) = load(&mut tx, tenant, SignatureId(id), true).await? {
                expire_if_due(&mut tx, tenant, &old, new.at).await?;
            }
        }
        let open: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM signatures WHERE tenant_id = $1 AND lease_id = $2 \
             AND status IN ('PENDING', 'IN_PROGRESS'))",
        )
        .bind(tenant.as_uuid())
        .bind(new.lease_id.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        if open {
            return Err(conflict(
                ErrorCode::SignatureInProgress,
                "the lease already has a signature in progress",
            ));
        }
        // The credit, in this transaction: no process without it, no credit lost without one.
        let reference = format!("signature:{}", new.id.0);
        let Some(spent) = record_in(
            &mut tx,
            tenant,
            TransactionKind::Consumption,
            -1,
            Some(&reference),
            new.at,
        )
        .await?
        else {
            return Err(conflict(
                ErrorCode::InsufficientCredits,
                "an electronic signature costs one credit",
            ));
        };
        sqlx::query(
            "INSERT INTO signatures (tenant_id, id, lease_id, status, document_sha256, \
             document_pdf, document_content, credit_transaction_id, expires_at, created_at, \
             updated_at) VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(tenant.as_uuid())
        .bind(new.id.0)
        .bind(new.lease_id.0)
        .bind(&new.document_sha256)
        .bind(&new.document_pdf)
        .bind(sqlx::types::Json(&new.document_content))
        .bind(spent.id)
        .bind(new.expires_at)
        .bind(new.at)
        .execute(&mut *tx)
        .await
        .map_err(|e| match map_error(e) {
            RepoError::Duplicate { .. } => conflict(
                ErrorCode::SignatureInProgress,
                "the lease already has a signature in progress",
            ),
            other => other,
        })?;
        for (position, (id, s)) in new.signers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO signature_signers (tenant_id, id, signature_id, position, role, \
                 party_id, email, phone, sign_order, status, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'PENDING', $10)",
            )
            .bind(tenant.as_uuid())
            .bind(id.0)
            .bind(new.id.0)
            .bind(position as i32)
            .bind(s.role.as_str())
            .bind(s.party_id)
            .bind(s.email.as_str())
            .bind(s.phone.as_ref().map(|p| p.as_str()))
            .bind(s.order as i32)
            .bind(new.at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        }
        sqlx::query(
            "UPDATE leases SET status = 'PENDING_SIGNATURE', updated_at = $3 \
             WHERE tenant_id = $1 AND id = $2 AND status = 'DRAFT'",
        )
        .bind(tenant.as_uuid())
        .bind(new.lease_id.0)
        .bind(new.at)
        .execute(&mut *tx)
        .await
        .map_err(crate::leases::lease_error)?;
        let stored = load(&mut tx, tenant, new.id, false).await?;
        tx.commit().await.map_err(map_error)?;
        Ok(stored)
    }

    async fn get(&self, tenant: TenantId, id: SignatureId) -> Result<Option<Signature>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        load(&mut tx, tenant, id, false).await
    }

    async fn list(
        &self,
        tenant: TenantId,
        filter: &SignatureFilter,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<Page<Signature>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        // The status a client asks for is the status at `now`: an open process past its
        // expiry is EXPIRED, not PENDING.
        let rows: Vec<(i64, SignatureRow)> = {
            let raw: Vec<Counted<SignatureRow>> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {SIGNATURE_COLUMNS}, count(*) OVER () AS total FROM ( \
                   SELECT s.*, CASE WHEN s.status IN ('PENDING', 'IN_PROGRESS') \
                     AND s.expires_at <= $5 THEN 'EXPIRED' ELSE s.status END AS shown \
                   FROM signatures s WHERE s.tenant_id = $1 \
                   AND ($2::uuid IS NULL OR s.lease_id = $2)) x \
                 WHERE ($3::text IS NULL OR shown = $3) \
                 ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $6"
            )))
            .bind(tenant.as_uuid())
            .bind(filter.lease_id.map(|l| l.0))
            .bind(filter.status.map(|s| s.as_str()))
            .bind(i64::from(page.limit()))
            .bind(now)
            .bind(page.offset() as i64)
            .fetch_all(&mut *tx)
            .await
            .map_err(map_error)?;
            raw.into_iter().map(|r| (r.total, r.row)).collect()
        };
        let total = rows.first().map(|r| r.0).unwrap_or(0);
        let ids: Vec<Uuid> = rows.iter().map(|r| r.1.id).collect();
        let signers = if ids.is_empty() {
            Vec::new()
        } else {
            signers_of(&mut tx, tenant.as_uuid(), &ids).await?
        };
        let items = assemble(rows.into_iter().map(|r| r.1).collect(), signers)?;
        Ok(Page {
            items,
            request: page,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn latest_for_lease(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Option<Signature>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let id: Option<Uuid> = find_scalar_in(
            &mut tx,
            "SELECT id FROM signatures WHERE tenant_id = $1 AND lease_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
            tenant,
            lease.0,
        )
        .await?;
        match id {
            Some(id) => load(&mut tx, tenant, SignatureId(id), false).await,
            None => Ok(None),
        }
    }

    async fn document(
        &self,
        tenant: TenantId,
        id: SignatureId,
    ) -> Result<Option<FixedDocument>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let row: Option<(Vec<u8>, String, serde_json::Value)> = find_in(
            &mut tx,
            "SELECT document_pdf, document_sha256, document_content FROM signatures \
             WHERE tenant_id = $1 AND id = $2",
            tenant,
            id.0,
        )
        .await?;
        row.map(|(pdf, sha256, content)| {
            Ok(FixedDocument {
                content: serde_json::from_value(content).map_err(|e| {
                    Stored::row("signatures", id).corrupt(
                        "document_content",
                        "(the document's content)",
                        e.to_string(),
                    )
                })?,
                pdf,
                sha256,
            })
        })
        .transpose()
    }

    async fn store_code(
        &self,
        tenant: TenantId,
        signer: SignerId,
        code: &NewCode,
        window_start: DateTime<Utc>,
        max: usize,
    ) -> Result<bool, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        // The signer's row lock orders concurrent requests: each counts the codes before it.
        sqlx::query("SELECT 1 FROM signature_signers WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(tenant.as_uuid())
            .bind(signer.0)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        let sent: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM signature_otps WHERE tenant_id = $1 AND signer_id = $2 \
             AND created_at > $3",
        )
        .bind(tenant.as_uuid())
        .bind(signer.0)
        .bind(window_start)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        if sent >= max as i64 {
            return Ok(false);
        }
        // A new code replaces the earlier ones (and lifts a lock).
        sqlx::query(
            "UPDATE signature_otps SET consumed_at = $3 WHERE tenant_id = $1 AND signer_id = $2 \
             AND consumed_at IS NULL",
        )
        .bind(tenant.as_uuid())
        .bind(signer.0)
        .bind(code.at)
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO signature_otps (tenant_id, id, signer_id, salt, code_hash, created_at, \
             expires_at, sent_to_email, sent_to_phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant.as_uuid())
        .bind(code.id)
        .bind(signer.0)
        .bind(&code.salt)
        .bind(&code.code_hash)
        .bind(code.at)
        .bind(code.expires_at)
        .bind(code.to_email.as_str())
        .bind(code.to_phone.as_ref().map(|p| p.as_str()))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        // The signer is reached where its party is now: the evidence names that destination.
        sqlx::query(
            "UPDATE signature_signers SET email = $3, phone = $4 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(signer.0)
        .bind(code.to_email.as_str())
        .bind(code.to_phone.as_ref().map(|p| p.as_str()))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        tx.commit().await.map_err(map_error)?;
        Ok(true)
    }

    async fn void_code(&self, tenant: TenantId, code: Uuid) -> Result<(), RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        sqlx::query("DELETE FROM signature_otps WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        tx.commit().await.map_err(map_error)
    }

    async fn codes_sent_since(
        &self,
        tenant: TenantId,
        signer: SignerId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        sqlx::query_scalar(
            "SELECT created_at FROM signature_otps WHERE tenant_id = $1 AND signer_id = $2 \
             AND created_at > $3 ORDER BY created_at",
        )
        .bind(tenant.as_uuid())
        .bind(signer.0)
        .bind(since)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)
    }

    async fn count_try(
        &self,
        tenant: TenantId,
        signer: SignerId,
    ) -> Result<Option<CountedTry>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        // The try is counted before the code is compared: concurrent guesses each spend one.
        let row: Option<(Uuid, String, String, DateTime<Utc>, i32)> = find_in(
            &mut tx,
            "UPDATE signature_otps SET attempts = attempts + 1 WHERE tenant_id = $1 AND id = ( \
               SELECT id FROM signature_otps WHERE tenant_id = $1 AND signer_id = $2 \
               AND consumed_at IS NULL ORDER BY created_at DESC LIMIT 1) \
             RETURNING id, salt, code_hash, expires_at, attempts",
            tenant,
            signer.0,
        )
        .await?;
        tx.commit().await.map_err(map_error)?;
        Ok(row.map(
            |(code_id, salt, code_hash, expires_at, attempts)| CountedTry {
                code_id,
                salt,
                code_hash,
                expires_at,
                attempts,
            },
        ))
    }

    async fn sign(
        &self,
        tenant: TenantId,
        id: SignatureId,
        signer: SignerId,
        code: Option<Uuid>,
        evidence: &SignEvidence,
    ) -> Result<Option<Signature>, RepoError> {
        let Some((mut tx, sig)) = locked(&self.0, tenant, id).await? else {
            return Ok(None);
        };
        if let Err(refusal) = sig.may_sign(signer, evidence.at) {
            return Err(refuse(tx, tenant, &sig, evidence.at, refusal).await);
        }
        if let Some(code) = code {
            // A code signs once.
            let used = sqlx::query(
                "UPDATE signature_otps SET consumed_at = $4 WHERE tenant_id = $1 AND id = $2 \
                 AND signer_id = $3 AND consumed_at IS NULL",
            )
            .bind(tenant.as_uuid())
            .bind(code)
            .bind(signer.0)
            .bind(evidence.at)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
            if used.rows_affected() == 0 {
                return Err(conflict(
                    ErrorCode::OtpUsed,
                    "this code was already used or replaced; request a new one",
                ));
            }
        }
        record_signature(&mut tx, tenant, &sig, signer, evidence, evidence.at).await?;
        stored(tx, tenant, id).await
    }

    async fn report(
        &self,
        tenant: TenantId,
        id: SignatureId,
        signer: SignerId,
        report: &ProviderReport,
    ) -> Result<Option<Signature>, RepoError> {
        let Some((mut tx, sig)) = locked(&self.0, tenant, id).await? else {
            return Ok(None);
        };
        let Some(current) = sig.signer(signer) else {
            return Ok(None);
        };
        let wanted = if report.signed {
            SignerStatus::Signed
        } else {
            SignerStatus::Declined
        };
        // The same report again is answered as it was the first time.
        if current.status == wanted {
            return Ok(Some(sig));
        }
        // The provider's time is evidence; what the process allows is decided on ours.
        let at = report.received_at;
        if report.signed {
            if let Err(refusal) = sig.may_sign(signer, at) {
                return Err(refuse(tx, tenant, &sig, at, refusal).await);
            }
            record_signature(&mut tx, tenant, &sig, signer, &report.evidence, at).await?;
        } else {
            let status = sig.status_at(at);
            if !status.is_open() {
                return Err(refused(SignRefusal::Closed(status)));
            }
            if current.status == SignerStatus::Signed {
                return Err(refused(SignRefusal::AlreadySigned));
            }
            sqlx::query(
                "UPDATE signature_signers SET status = 'DECLINED', status_at = $3, \
                 provider_reference = $4, sign_method = 'PROVIDER', updated_at = $3 \
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.as_uuid())
            .bind(signer.0)
            .bind(report.evidence.at)
            .bind(&report.evidence.provider_reference)
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
            close(&mut tx, tenant, &sig, SignatureStatus::Cancelled, at).await?;
        }
        stored(tx, tenant, id).await
    }

    async fn cancel(
        &self,
        tenant: TenantId,
        id: SignatureId,
        at: DateTime<Utc>,
    ) -> Result<Option<Signature>, RepoError> {
        end(&self.0, tenant, id, at, SignatureStatus::Cancelled).await
    }

    async fn finalize(
        &self,
        tenant: TenantId,
        id: SignatureId,
        at: DateTime<Utc>,
    ) -> Result<Option<Signature>, RepoError> {
        end(&self.0, tenant, id, at, SignatureStatus::Completed).await
    }

    async fn tenant_of(&self, id: SignatureId) -> Result<Option<TenantId>, RepoError> {
        let mut tx = self.0.platform_tx().await?;
        let tenant: Option<Option<Uuid>> = sqlx::query_scalar("SELECT worker_signature_tenant($1)")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok(tenant.flatten().map(TenantId::from_uuid))
    }

    async fn changed_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, Signature)>, RepoError> {
        let mut tx = self.0.platform_tx().await?;
        let changed: Vec<(Uuid, Uuid)> =
            sqlx::query_as("SELECT id, tenant_id FROM worker_signatures_changed($1, $2)")
                .bind(since)
                .bind(i32::try_from(limit).unwrap_or(i32::MAX))
                .fetch_all(&mut *tx)
                .await
                .map_err(map_error)?;
        drop(tx);
        // One read per tenant concerned, each under its own tenant's row-level security.
        let mut tenants: Vec<Uuid> = changed.iter().map(|c| c.1).collect();
        tenants.sort();
        tenants.dedup();
        let mut out = Vec::with_capacity(changed.len());
        for tenant in tenants {
            let ids: Vec<Uuid> = changed
                .iter()
                .filter(|c| c.1 == tenant)
                .map(|c| c.0)
                .collect();
            let tenant = TenantId::from_uuid(tenant);
            let mut tx = self.0.tenant_tx(tenant).await?;
            let rows: Vec<SignatureRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {SIGNATURE_COLUMNS} FROM signatures WHERE tenant_id = $1 AND id = ANY($2)"
            )))
            .bind(tenant.as_uuid())
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await
            .map_err(map_error)?;
            let signers = signers_of(&mut tx, tenant.as_uuid(), &ids).await?;
            out.extend(assemble(rows, signers)?.into_iter().map(|s| (tenant, s)));
        }
        out.sort_by_key(|s| (s.1.updated_at, s.1.id));
        Ok(out)
    }
}
