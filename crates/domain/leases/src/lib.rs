//! Leases and the rules of the 1989 law around them: lease types with their legal durations,
//! deposit caps and notice periods (more to come: leases, rent revision, rent control).

pub mod annexes;
pub mod contract;
pub mod lease;
pub mod lease_type;
pub mod rent_control;
pub mod revision;

pub use annexes::AnnexCode;
pub use contract::{
    ChargesMode, Lease, LeaseData, LeaseFilter, LeaseId, LeaseInput, LeaseSort, RentChange,
    RentChangeReason, RentHistoryEntry,
};
pub use lease::{LeaseStatus, LeaseTerms, check_terms, default_end_date, duration_months};
pub use lease_type::{LeaseType, LeaseTypeData, LeaseTypeId, LeaseTypeInput};
pub use revision::{
    BlockedReason, Quarter, RevisionFacts, RevisionOutcome, decide_revision, revised_rent,
};

/// What the tests write dates and amounts with.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    pub(crate) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    pub(crate) fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }
}
