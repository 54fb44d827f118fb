//! Signature processes and their one-time codes.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::values::{Email, Phone};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_leases::LeaseId;
use faireplace_signatures::{
    SignEvidence, Signature, SignatureId, SignatureStatus, SignerData, SignerId,
};

use crate::RepoError;

/// A process about to start.
#[derive(Debug, Clone)]
pub struct NewSignature {
    pub id: SignatureId,
    pub lease_id: LeaseId,
    /// The lease's `updated_at` the document was made from: a change since refuses the start.
    pub lease_read_at: DateTime<Utc>,
    /// The rest of what the document was made from, as read: the estate's `updated_at` and
    /// the lease's active charges (id, `updated_at`). Any change since refuses the start.
    pub sources_read: SourcesRead,
    pub document_pdf: Vec<u8>,
    pub document_sha256: String,
    /// The document's content, from which the signed copy is rendered.
    pub document_content: crate::pdf::PdfDocument,
    pub signers: Vec<(SignerId, SignerData)>,
    pub expires_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

/// The versions of the rows a lease's document was made from, besides the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcesRead {
    pub estate_updated_at: DateTime<Utc>,
    /// The active charges, by id.
    pub charges: Vec<(uuid::Uuid, DateTime<Utc>)>,
}

/// The document a process fixed.
#[derive(Debug, Clone)]
pub struct FixedDocument {
    pub pdf: Vec<u8>,
    pub sha256: String,
    /// What the document states, as it was rendered.
    pub content: crate::pdf::PdfDocument,
}

/// A code to store.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub id: uuid::Uuid,
    pub salt: String,
    pub code_hash: String,
    pub at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Where the code is sent: the party's own e-mail and phone, as on its record now. The
    /// signer's destination becomes these too (the evidence names them).
    pub to_email: Email,
    pub to_phone: Option<Phone>,
}

/// The latest code of a signer, with this try counted.
#[derive(Debug, Clone)]
pub struct CountedTry {
    pub code_id: uuid::Uuid,
    pub salt: String,
    pub code_hash: String,
    pub expires_at: DateTime<Utc>,
    /// Tries of this code, this one included.
    pub attempts: i32,
}

/// A signer's status as a provider reports it.
#[derive(Debug, Clone)]
pub struct ProviderReport {
    pub signed: bool,
    /// `at` is the provider's time of the event, kept as evidence.
    pub evidence: SignEvidence,
    /// Our time of receipt: what the process allows (its order, its expiry) is decided on it.
    pub received_at: DateTime<Utc>,
}

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct SignatureFilter {
    pub status: Option<SignatureStatus>,
    pub lease_id: Option<LeaseId>,
}

#[async_trait]
pub trait SignatureStore: Send + Sync {
    /// Starts a process in one transaction: the lease (DRAFT or PENDING_SIGNATURE, unchanged
    /// since `lease_read_at`, without an open process) moves to PENDING_SIGNATURE, one credit
    /// is spent. Conflicts: `INSUFFICIENT_CREDITS`, `LEASE_NOT_SIGNABLE`, `SIGNATURE_IN_PROGRESS`,
    /// `CONFLICT`. `None`: no such lease.
    async fn initiate(
        &self,
        tenant: TenantId,
        new: &NewSignature,
    ) -> Result<Option<Signature>, RepoError>;
    async fn get(&self, tenant: TenantId, id: SignatureId) -> Result<Option<Signature>, RepoError>;
    /// Processes at `now` (an open one past its expiry lists as EXPIRED), newest first.
    async fn list(
        &self,
        tenant: TenantId,
        filter: &SignatureFilter,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<Page<Signature>, RepoError>;
    /// The lease's latest process.
    async fn latest_for_lease(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Option<Signature>, RepoError>;
    async fn document(
        &self,
        tenant: TenantId,
        id: SignatureId,
    ) -> Result<Option<FixedDocument>, RepoError>;
    /// Stores a code unless `max` codes were already sent to the signer since `window_start`
    /// (checked under the signer's lock); `false` then.
    async fn store_code(
        &self,
        tenant: TenantId,
        signer: SignerId,
        code: &NewCode,
        window_start: DateTime<Utc>,
        max: usize,
    ) -> Result<bool, RepoError>;
    /// Forgets a code that could not be delivered (it no longer counts nor signs).
    async fn void_code(&self, tenant: TenantId, code: uuid::Uuid) -> Result<(), RepoError>;
    /// When the signer's codes were sent since `since`.
    async fn codes_sent_since(
        &self,
        tenant: TenantId,
        signer: SignerId,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepoError>;
    /// Counts a try of the signer's latest unused code and answers it; `None` when there is none.
    async fn count_try(
        &self,
        tenant: TenantId,
        signer: SignerId,
    ) -> Result<Option<CountedTry>, RepoError>;
    /// Records a signature in one transaction (the signer's turn re-checked under the process's
    /// lock; the code, if any, used once): the last one completes the process and puts the
    /// lease in force. Conflicts carry the refusal's code.
    async fn sign(
        &self,
        tenant: TenantId,
        id: SignatureId,
        signer: SignerId,
        code: Option<uuid::Uuid>,
        evidence: &SignEvidence,
    ) -> Result<Option<Signature>, RepoError>;
    /// A provider's report of a signer's status (SIGNED or DECLINED); the same report twice
    /// changes nothing. A decline cancels the process.
    async fn report(
        &self,
        tenant: TenantId,
        id: SignatureId,
        signer: SignerId,
        report: &ProviderReport,
    ) -> Result<Option<Signature>, RepoError>;
    /// Cancels an open process; the lease goes back to DRAFT. A closed one is a conflict.
    async fn cancel(
        &self,
        tenant: TenantId,
        id: SignatureId,
        at: DateTime<Utc>,
    ) -> Result<Option<Signature>, RepoError>;
    /// Completes a process whose signers have all signed (a completed one is answered as is).
    async fn finalize(
        &self,
        tenant: TenantId,
        id: SignatureId,
        at: DateTime<Utc>,
    ) -> Result<Option<Signature>, RepoError>;
    /// Which tenant a process belongs to (for platform workers).
    async fn tenant_of(&self, id: SignatureId) -> Result<Option<TenantId>, RepoError>;
    /// Processes of every tenant changed after `since`, oldest change first (for workers).
    async fn changed_since(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, Signature)>, RepoError>;
}
