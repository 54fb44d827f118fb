//! Charges: the categories of recoverable charges (Décret 87-713), distribution keys and their
//! calculators, the exact split of an amount, and the yearly charge review.

pub mod category;
pub mod distribution;
pub mod distribution_reference;
pub mod expense;
pub mod formula;
pub mod freeze_period;
pub mod lease_charge;
pub mod notification;
pub mod regulation;
pub mod review;
pub mod service;
pub mod split;

pub use category::{
    CategoryType, ChargeCategory, ChargeCategoryData, ChargeCategoryId, Frequency, LEGAL_CATALOG,
    LegalHeading, Maintenance,
};
pub use distribution::{
    CalculationError, CalculationType, DistributionKey, DistributionKeyData, DistributionKeyFilter,
    DistributionKeyId, DistributionKeyInput, DistributionKeySort, EstateFacts, KeyParameters,
    KeyParametersInput, ValidationRules, calculate,
};
pub use distribution_reference::{
    DistributionReference, DistributionReferenceData, DistributionReferenceId, ReferenceKind,
};
pub use expense::{
    ChargeExpense, ChargeExpenseData, ChargeExpenseFilter, ChargeExpenseId, ChargeExpenseInput,
    ChargeExpenseSort,
};
pub use freeze_period::{
    FreezePeriod, FreezePeriodData, FreezePeriodFilter, FreezePeriodId, FreezePeriodInput,
    FreezePeriodSort, FreezeScope, FreezeTarget,
};
pub use lease_charge::{
    BillingMode, LeaseCharge, LeaseChargeData, LeaseChargeFilter, LeaseChargeId, LeaseChargeInput,
    LeaseChargeSort, compatible,
};
pub use notification::{NotificationId, NotificationKind, over_threshold};
pub use regulation::{
    Regulation, RegulationData, RegulationFilter, RegulationId, RegulationInput, RegulationKind,
    RegulationSort,
};
pub use review::{
    ChargeReview, ChargeReviewId, ReviewInputs, ReviewResult, ReviewStatus, Statement,
    StatementLine,
};
pub use service::{
    Billing, PlaceService, PlaceServiceData, PlaceServiceFilter, PlaceServiceId, PlaceServiceInput,
    PlaceServiceSort, SpaceType,
};
