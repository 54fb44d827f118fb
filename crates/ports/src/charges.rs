//! Charge resources. Charge categories and distribution references are declared once
//! (`Item<ChargeCategoryData>`, `Item<DistributionReferenceData>`); the others keep
//! repositories of their own (what they check reads other rows in their write's transaction),
//! and reviews and notifications stores of their own.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use faireplace_charges::{
    ChargeReview, ChargeReviewId, DistributionKey, DistributionKeyFilter, DistributionKeyId,
    DistributionKeySort, EstateFacts, NotificationId, NotificationKind, ReviewInputs,
};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_meters::MeterType;
use faireplace_property::PlaceId;

use crate::RepoError;
use crate::audit::Journal;

resource!(
    DistributionKey,
    DistributionKeyId,
    DistributionKeyFilter,
    DistributionKeySort,
    "distribution key"
);

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
    pub meter_type: Option<MeterType>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

resource!(
    faireplace_charges::PlaceService,
    faireplace_charges::PlaceServiceId,
    faireplace_charges::PlaceServiceFilter,
    faireplace_charges::PlaceServiceSort,
    "service"
);

resource!(
    faireplace_charges::LeaseCharge,
    faireplace_charges::LeaseChargeId,
    faireplace_charges::LeaseChargeFilter,
    faireplace_charges::LeaseChargeSort,
    "lease charge"
);

resource!(
    faireplace_charges::FreezePeriod,
    faireplace_charges::FreezePeriodId,
    faireplace_charges::FreezePeriodFilter,
    faireplace_charges::FreezePeriodSort,
    "freeze period"
);

resource!(
    faireplace_charges::ChargeExpense,
    faireplace_charges::ChargeExpenseId,
    faireplace_charges::ChargeExpenseFilter,
    faireplace_charges::ChargeExpenseSort,
    "charge expense"
);

resource!(
    faireplace_charges::Regulation,
    faireplace_charges::RegulationId,
    faireplace_charges::RegulationFilter,
    faireplace_charges::RegulationSort,
    "regulation"
);

/// Charge reviews: what a review reads, and the reviews themselves. Each change leaves its
/// [`Journal`] in its own transaction.
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
    ) -> Result<ReviewInputs, RepoError>;
    async fn insert(
        &self,
        tenant: TenantId,
        review: &ChargeReview,
        journal: &Journal,
    ) -> Result<(), RepoError>;
    async fn get(
        &self,
        tenant: TenantId,
        id: ChargeReviewId,
    ) -> Result<Option<ChargeReview>, RepoError>;
    /// Reviews, latest period first, of one place or all.
    async fn list(
        &self,
        tenant: TenantId,
        place: Option<PlaceId>,
        page: PageRequest,
    ) -> Result<Page<ChargeReview>, RepoError>;
    /// DRAFT → VALIDATED at `at`; `Conflict` when validated already, `None` when missing.
    async fn validate(
        &self,
        tenant: TenantId,
        id: ChargeReviewId,
        at: DateTime<Utc>,
        journal: &Journal,
    ) -> Result<Option<ChargeReview>, RepoError>;
    /// Deletes a DRAFT (`Conflict` for a VALIDATED one).
    async fn delete(
        &self,
        tenant: TenantId,
        id: ChargeReviewId,
        journal: &Journal,
    ) -> Result<bool, RepoError>;
}

/// A notification about charges: what it is about (`entity_type` and `entity_id`: a meter
/// reading, a charge expense or a charge review) and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub entity_type: String,
    pub entity_id: uuid::Uuid,
    pub message: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

/// Notifications are written by the changes that raise them (in the same transaction); users
/// list them and mark them read.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    async fn list(
        &self,
        tenant: TenantId,
        kind: Option<NotificationKind>,
        read: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Notification>, RepoError>;
    async fn mark(
        &self,
        tenant: TenantId,
        id: NotificationId,
        read: bool,
    ) -> Result<Option<Notification>, RepoError>;
}
