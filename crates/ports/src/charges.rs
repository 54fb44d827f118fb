//! Charge resources.

use async_trait::async_trait;
use chrono::NaiveDate;
use faireplace_charges::{
    CategoryFilter, CategorySort, ChargeCategory, ChargeCategoryId, DistributionKey,
    DistributionKeyFilter, DistributionKeyId, DistributionKeySort, EstateFacts,
};
use faireplace_kernel::TenantId;
use faireplace_property::PlaceId;

use crate::{RepoError, Resource};

impl Resource for ChargeCategory {
    type Id = ChargeCategoryId;
    type Filter = CategoryFilter;
    type SortField = CategorySort;
    const NAME: &'static str = "charge category";
    fn id(&self) -> ChargeCategoryId {
        self.id
    }
}

impl Resource for DistributionKey {
    type Id = DistributionKeyId;
    type Filter = DistributionKeyFilter;
    type SortField = DistributionKeySort;
    const NAME: &'static str = "distribution key";
    fn id(&self) -> DistributionKeyId {
        self.id
    }
}

/// What a split needs to know of a place's estates, read in one go whatever their number.
#[async_trait]
pub trait DistributionFacts: Send + Sync {
    /// The estates of `place` with their surface, tantiemes, rooms and the lessees of the
    /// leases in force on `on`, in reference order; with `consumption`, what each estate's
    /// meters measured over that window (0 without readings).
    async fn estate_facts(
        &self,
        tenant: TenantId,
        place: PlaceId,
        on: NaiveDate,
        consumption: Option<&ConsumptionWindow>,
    ) -> Result<Vec<EstateFacts>, RepoError>;
}

/// The readings a measured-consumption split counts: those taken from the start of `from` to
/// the end of `to`, on the estates' meters of `meter_type` (any type when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumptionWindow {
    pub meter_type: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Resource for faireplace_charges::PlaceService {
    type Id = faireplace_charges::PlaceServiceId;
    type Filter = faireplace_charges::PlaceServiceFilter;
    type SortField = faireplace_charges::PlaceServiceSort;
    const NAME: &'static str = "service";
    fn id(&self) -> faireplace_charges::PlaceServiceId {
        self.id
    }
}

impl Resource for faireplace_charges::LeaseCharge {
    type Id = faireplace_charges::LeaseChargeId;
    type Filter = faireplace_charges::LeaseChargeFilter;
    type SortField = faireplace_charges::LeaseChargeSort;
    const NAME: &'static str = "lease charge";
    fn id(&self) -> faireplace_charges::LeaseChargeId {
        self.id
    }
}

impl Resource for faireplace_charges::FreezePeriod {
    type Id = faireplace_charges::FreezePeriodId;
    type Filter = faireplace_charges::FreezePeriodFilter;
    type SortField = faireplace_charges::FreezePeriodSort;
    const NAME: &'static str = "freeze period";
    fn id(&self) -> faireplace_charges::FreezePeriodId {
        self.id
    }
}

impl Resource for faireplace_charges::ChargeExpense {
    type Id = faireplace_charges::ChargeExpenseId;
    type Filter = faireplace_charges::ChargeExpenseFilter;
    type SortField = faireplace_charges::ChargeExpenseSort;
    const NAME: &'static str = "charge expense";
    fn id(&self) -> faireplace_charges::ChargeExpenseId {
        self.id
    }
}

/// Charge reviews: what a review reads, and the reviews themselves.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// The place's estates, the leases that covered some of the period with their active
    /// charges, the expenses over the period, their categories and keys: a constant number of
    /// statements, whatever the size of the place.
    async fn inputs(
        &self,
        tenant: TenantId,
        place: PlaceId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<faireplace_charges::ReviewInputs, RepoError>;
    async fn insert(
        &self,
        tenant: TenantId,
        review: &faireplace_charges::ChargeReview,
    ) -> Result<(), RepoError>;
    async fn get(
        &self,
        tenant: TenantId,
        id: faireplace_charges::ChargeReviewId,
    ) -> Result<Option<faireplace_charges::ChargeReview>, RepoError>;
    /// Reviews, latest period first, of one place or all.
    async fn list(
        &self,
        tenant: TenantId,
        place: Option<PlaceId>,
        page: faireplace_kernel::PageRequest,
    ) -> Result<faireplace_kernel::Page<faireplace_charges::ChargeReview>, RepoError>;
    /// DRAFT → VALIDATED; `Conflict` when validated already, `None` when missing.
    async fn validate(
        &self,
        tenant: TenantId,
        id: faireplace_charges::ChargeReviewId,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<faireplace_charges::ChargeReview>, RepoError>;
    /// Deletes a DRAFT (`Conflict` for a VALIDATED one).
    async fn delete(
        &self,
        tenant: TenantId,
        id: faireplace_charges::ChargeReviewId,
    ) -> Result<bool, RepoError>;
}

impl Resource for faireplace_charges::DistributionReference {
    type Id = faireplace_charges::DistributionReferenceId;
    type Filter = faireplace_charges::ReferenceFilter;
    type SortField = faireplace_charges::ReferenceSort;
    const NAME: &'static str = "distribution reference";
    fn id(&self) -> faireplace_charges::DistributionReferenceId {
        self.id
    }
}

impl Resource for faireplace_charges::Regulation {
    type Id = faireplace_charges::RegulationId;
    type Filter = faireplace_charges::RegulationFilter;
    type SortField = faireplace_charges::RegulationSort;
    const NAME: &'static str = "regulation";
    fn id(&self) -> faireplace_charges::RegulationId {
        self.id
    }
}

/// A notification about charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: uuid::Uuid,
    pub kind: faireplace_charges::NotificationKind,
    pub entity_type: String,
    pub entity_id: uuid::Uuid,
    pub message: String,
    pub read: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Notifications are written by the changes that raise them (in the same transaction); users
/// list them and mark them read.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    async fn list(
        &self,
        tenant: TenantId,
        kind: Option<faireplace_charges::NotificationKind>,
        read: Option<bool>,
        page: faireplace_kernel::PageRequest,
    ) -> Result<faireplace_kernel::Page<Notification>, RepoError>;
    async fn mark(
        &self,
        tenant: TenantId,
        id: uuid::Uuid,
        read: bool,
    ) -> Result<Option<Notification>, RepoError>;
}
