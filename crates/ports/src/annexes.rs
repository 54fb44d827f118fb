//! The annexes attached to leases.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::TenantId;
use faireplace_kernel::ids::MediaId;
use faireplace_leases::{AnnexCode, LeaseId};
use faireplace_property::{DiagnosticId, EnergyDiagnosisId};

use crate::RepoError;

/// Where an attached annex comes from (the catalog's three sources).
pub use faireplace_annexes::AnnexSource;

/// An annex attached to a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseAnnex {
    pub id: uuid::Uuid,
    pub lease_id: LeaseId,
    /// `None`: a custom annex outside the catalog.
    pub code: Option<AnnexCode>,
    pub title: String,
    pub source: AnnexSource,
    /// The file of an upload (a custom annex, a diagnostic's report).
    pub media_id: Option<MediaId>,
    pub diagnostic_id: Option<DiagnosticId>,
    pub energy_diagnosis_id: Option<EnergyDiagnosisId>,
    pub valid_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which diagnostic of the estate: the energy diagnosis (DPE) or another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticRef {
    Diagnostic(DiagnosticId),
    Energy(EnergyDiagnosisId),
}

impl DiagnosticRef {
    pub fn diagnostic(&self) -> Option<DiagnosticId> {
        match self {
            DiagnosticRef::Diagnostic(id) => Some(*id),
            DiagnosticRef::Energy(_) => None,
        }
    }

    pub fn energy_diagnosis(&self) -> Option<EnergyDiagnosisId> {
        match self {
            DiagnosticRef::Energy(id) => Some(*id),
            DiagnosticRef::Diagnostic(_) => None,
        }
    }
}

/// A diagnostic of the lease's estate that may be attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticOnRecord {
    pub id: DiagnosticRef,
    /// The annex it stands for (DPE for the energy diagnosis).
    pub code: AnnexCode,
    pub media_id: Option<MediaId>,
    pub performed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

/// What decides a lease's annexes, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexContext {
    pub lease_id: LeaseId,
    pub estate_id: faireplace_property::EstateId,
    pub type_annexes: Vec<AnnexCode>,
    pub furnished: bool,
    pub construction_year: Option<i32>,
    pub is_coownership: bool,
    pub charges_on_provision: bool,
    /// The estate's active diagnostics and its current energy diagnosis.
    pub diagnostics: Vec<DiagnosticOnRecord>,
    pub annexes: Vec<LeaseAnnex>,
}

#[async_trait]
pub trait AnnexStore: Send + Sync {
    /// The lease's facts and annexes; `None` when there is no such lease.
    async fn context(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Option<AnnexContext>, RepoError>;
    /// The lease's annexes, oldest first; `None` when there is no such lease.
    async fn list(
        &self,
        tenant: TenantId,
        lease: LeaseId,
    ) -> Result<Option<Vec<LeaseAnnex>>, RepoError>;
    async fn get(
        &self,
        tenant: TenantId,
        lease: LeaseId,
        id: uuid::Uuid,
    ) -> Result<Option<LeaseAnnex>, RepoError>;
    /// Attaches what is not attached yet (a catalog annex or a diagnostic once per lease) and
    /// answers what was attached now. A missing lease or media is `MissingReference`.
    async fn attach(
        &self,
        tenant: TenantId,
        annexes: &[LeaseAnnex],
    ) -> Result<Vec<LeaseAnnex>, RepoError>;
    async fn delete(
        &self,
        tenant: TenantId,
        lease: LeaseId,
        id: uuid::Uuid,
    ) -> Result<bool, RepoError>;
}
