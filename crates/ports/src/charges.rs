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
    /// leases in force on `on`, in reference order.
    async fn estate_facts(
        &self,
        tenant: TenantId,
        place: PlaceId,
        on: NaiveDate,
    ) -> Result<Vec<EstateFacts>, RepoError>;
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
