//! Charges: the categories of recoverable charges (Décret 87-713), distribution keys and their
//! calculators, the exact split of an amount, and the yearly charge review.

pub mod category;
pub mod distribution;
pub mod expense;
pub mod formula;
pub mod lease_charge;
pub mod notice;
pub mod reference;
pub mod review;
pub mod service;
pub mod split;

pub use category::{
    CategoryFilter, CategorySort, CategoryType, ChargeCategory, ChargeCategoryData,
    ChargeCategoryId, ChargeCategoryInput, Frequency, LEGAL_CATALOG, LegalHeading, Maintenance,
    MaintenanceInput,
};
pub use distribution::{
    CalculationError, CalculationType, DistributionKey, DistributionKeyData, DistributionKeyFilter,
    DistributionKeyId, DistributionKeyInput, DistributionKeySort, EstateFacts, KeyParameters,
    ValidationRules, calculate,
};
pub use expense::{
    ChargeExpense, ChargeExpenseData, ChargeExpenseFilter, ChargeExpenseId, ChargeExpenseInput,
    ChargeExpenseSort,
};
pub use lease_charge::{
    BillingMode, FreezePeriod, FreezePeriodData, FreezePeriodFilter, FreezePeriodId,
    FreezePeriodInput, FreezePeriodSort, FreezeScope, LeaseCharge, LeaseChargeData,
    LeaseChargeFilter, LeaseChargeId, LeaseChargeInput, LeaseChargeSort, compatible,
};
pub use notice::{
    NotificationKind, Regulation, RegulationData, RegulationFilter, RegulationId, RegulationInput,
    RegulationKind, RegulationSort, over_threshold,
};
pub use reference::{
    DistributionReference, DistributionReferenceData, DistributionReferenceId,
    DistributionReferenceInput, ReferenceFilter, ReferenceKind, ReferenceSort,
};
pub use review::{
    ChargeReview, ChargeReviewId, ReviewInputs, ReviewResult, ReviewStatus, Statement,
    StatementLine,
};
pub use service::{
    Billing, PlaceService, PlaceServiceData, PlaceServiceFilter, PlaceServiceId, PlaceServiceInput,
    PlaceServiceSort, SpaceType,
};
