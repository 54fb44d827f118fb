//! A lease: its parties, its estate, its terms under its type, its status and its rent history.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::numbers::{bounded_decimal, bounded_int};
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};
use faireplace_parties::{ContactId, LesseeId};
use faireplace_property::EstateId;
use rust_decimal::Decimal;

use crate::lease::{LeaseStatus, LeaseTerms, check_terms, default_end_date};
use crate::lease_type::{LeaseTypeData, LeaseTypeId};
use crate::revision::Quarter;

pub use faireplace_kernel::ids::LeaseId;

/// The most co-lessees, or guarantors, one lease may name.
pub const MAX_PARTIES: usize = 10;
/// The largest rent, charge or deposit amount accepted.
const MAX_AMOUNT: i64 = 1_000_000;
const MAX_CLAUSES: usize = 20_000;

text_enum!(
    /// How the charges are paid: a monthly advance reviewed yearly, or a flat rate never reviewed.
    pub ChargesMode {
        Provision => "PROVISION",
        Forfait => "FORFAIT",
    }
);

text_enum!(
    /// Why a lease's rent or charges changed.
    pub RentChangeReason {
        /// The amounts the lease started with.
        Initial => "INITIAL",
        /// Changed by a manager.
        Change => "CHANGE",
        /// The yearly revision by the IRL.
        IndexRevision => "INDEX_REVISION",
    }
);

/// A lease as sent by a client (every field optional, so that all errors are reported at once).
#[derive(Debug, Clone, Default)]
pub struct LeaseInput {
    pub estate_id: Option<EstateId>,
    pub lease_type_id: Option<LeaseTypeId>,
    pub lessee_ids: Option<Vec<LesseeId>>,
    pub guarantor_ids: Option<Vec<ContactId>>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub rent_amount: Option<Decimal>,
    pub charges_amount: Option<Decimal>,
    pub charges_mode: Option<String>,
    pub payment_day: Option<i64>,
    pub deposit_amount: Option<Decimal>,
    pub has_revision_clause: Option<bool>,
    pub irl_reference_quarter: Option<String>,
    pub revision_date: Option<NaiveDate>,
    pub in_zone_tendue: Option<bool>,
    pub special_clauses: Option<String>,
    pub status: Option<String>,
    /// Why the rent or charges change (kept in the rent history).
    pub change_comment: Option<String>,
    /// When a change of rent or charges takes effect (default: today).
    pub change_effective_date: Option<NaiveDate>,
}

/// A lease's fields, each valid on its own; [`Lease::complete`] checks them against the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseData {
    pub estate_id: EstateId,
    pub lease_type_id: LeaseTypeId,
    /// The co-lessees, in the order given; at least one.
    pub lessee_ids: Vec<LesseeId>,
    pub guarantor_ids: Vec<ContactId>,
    pub start_date: NaiveDate,
    /// `None` until the type's default duration fills it in.
    pub end_date: Option<NaiveDate>,
    /// Rent excluding charges.
    pub rent_amount: Decimal,
    pub charges_amount: Decimal,
    pub charges_mode: ChargesMode,
    pub payment_day: u32,
    pub deposit_amount: Decimal,
    /// `None`: as the type allows.
    pub has_revision_clause: Option<bool>,
    pub irl_reference_quarter: Option<Quarter>,
    /// The first date of the yearly revision; `None`: the lease's anniversary.
    pub revision_date: Option<NaiveDate>,
    pub in_zone_tendue: bool,
    pub special_clauses: Option<Text>,
    pub status: LeaseStatus,
    pub change_comment: Option<Text>,
    pub change_effective_date: Option<NaiveDate>,
}

fn amount(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<Decimal>,
    min: Decimal,
) -> Option<Decimal> {
    value.and_then(|v| errors.take(field, bounded_decimal(v, 2, min, Decimal::from(MAX_AMOUNT))))
}

fn ids<T: Copy + Eq + std::hash::Hash>(
    errors: &mut ValidationErrors,
    field: &str,
    values: &[T],
) -> Vec<T> {
    if values.len() > MAX_PARTIES {
        errors.push(field, format!("at most {MAX_PARTIES}"));
    }
    let mut seen = std::collections::HashSet::new();
    if !values.iter().all(|v| seen.insert(*v)) {
        errors.push(field, "must not name the same party twice");
    }
    values.to_vec()
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or(NaiveDate::MAX)
}

impl LeaseData {
    pub fn parse(input: &LeaseInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let estate_id = input.estate_id;
        if estate_id.is_none() {
            errors.push("estate_id", "is required");
        }
        let lease_type_id = input.lease_type_id;
        if lease_type_id.is_none() {
            errors.push("lease_type_id", "is required");
        }
        let lessee_ids = match &input.lessee_ids {
            Some(l) if !l.is_empty() => ids(&mut errors, "lessees", l),
            _ => {
                errors.push("lessees", "needs at least one lessee");
                Vec::new()
            }
        };
        let guarantor_ids = ids(
            &mut errors,
            "guarantor_ids",
            input.guarantor_ids.as_deref().unwrap_or_default(),
        );
        if input.start_date.is_none() {
            errors.push("start_date", "is required");
        }
        if input.rent_amount.is_none() {
            errors.push("rent_amount", "is required");
        }
        let rent_amount = amount(
            &mut errors,
            "rent_amount",
            input.rent_amount,
            Decimal::new(1, 2),
        );
        let charges_amount = amount(
            &mut errors,
            "charges_amount",
            input.charges_amount,
            Decimal::ZERO,
        );
        let deposit_amount = amount(
            &mut errors,
            "deposit_amount",
            input.deposit_amount,
            Decimal::ZERO,
        );
        let charges_mode = match input.charges_mode.as_deref() {
            None => Some(ChargesMode::Provision),
            Some(m) => errors.take("charges_mode", ChargesMode::parse(m)),
        };
        let payment_day = match input.payment_day {
            None => Some(1),
            Some(d) => errors.take("payment_day", bounded_int(d, 1, 28)),
        };
        let irl_reference_quarter = input
            .irl_reference_quarter
            .as_deref()
            .and_then(|q| errors.take("irl_reference_quarter", q.parse::<Quarter>()));
        let special_clauses = input
            .special_clauses
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .and_then(|c| errors.take("special_clauses", Text::parse_multiline(c, MAX_CLAUSES)));
        let status = match input.status.as_deref() {
            None => Some(LeaseStatus::Draft),
            Some(s) => errors.take("status", LeaseStatus::parse(s)),
        };
        let change_comment = input
            .change_comment
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .and_then(|c| errors.take("change_comment", Text::parse(c, 500)));
        if let (Some(start), Some(end)) = (input.start_date, input.end_date)
            && end <= start
        {
            errors.push("end_date", "must come after start_date");
        }
        if let (Some(start), Some(revision)) = (input.start_date, input.revision_date)
            && revision < faireplace_property::add_years(start, 1)
        {
            errors.push(
                "revision_date",
                "the first revision comes a year after start_date at the earliest",
            );
        }
        // PostgreSQL's dates and the calendar arithmetic stay well inside these bounds.
        for (field, date) in [
            ("start_date", input.start_date),
            ("end_date", input.end_date),
            ("revision_date", input.revision_date),
            ("change_effective_date", input.change_effective_date),
        ] {
            if date.is_some_and(|d| !(first_day()..=last_day()).contains(&d)) {
                errors.push(field, "must be between 1900-01-01 and 2200-12-31");
            }
        }
        errors.into_result()?;
        let missing = || ValidationErrors::single("lease", "incomplete");
        Ok(Self {
            estate_id: estate_id.ok_or_else(missing)?,
            lease_type_id: lease_type_id.ok_or_else(missing)?,
            lessee_ids,
            guarantor_ids,
            start_date: input.start_date.ok_or_else(missing)?,
            end_date: input.end_date,
            rent_amount: rent_amount.ok_or_else(missing)?,
            charges_amount: charges_amount.unwrap_or(Decimal::ZERO),
            charges_mode: charges_mode.ok_or_else(missing)?,
            payment_day: payment_day.ok_or_else(missing)? as u32,
            deposit_amount: deposit_amount.unwrap_or(Decimal::ZERO),
            has_revision_clause: input.has_revision_clause,
            irl_reference_quarter,
            revision_date: input.revision_date,
            in_zone_tendue: input.in_zone_tendue.unwrap_or(false),
            special_clauses,
            status: status.ok_or_else(missing)?,
            change_comment,
            change_effective_date: input.change_effective_date,
        })
    }
}

/// A change of rent or charges, written to the rent history with the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentChange {
    pub reason: RentChangeReason,
    pub comment: Option<Text>,
    pub rent_amount: Decimal,
    pub charges_amount: Decimal,
    pub previous_rent_amount: Option<Decimal>,
    pub previous_charges_amount: Option<Decimal>,
    pub effective_date: NaiveDate,
}

/// One line of a lease's rent history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentHistoryEntry {
    pub id: uuid::Uuid,
    pub lease_id: LeaseId,
    pub change: RentChange,
    /// For an index revision, the revision date it was claimed for.
    pub revision_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// A lease as stored and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub id: LeaseId,
    pub data: LeaseData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `updated_at` as read, so that a save refuses to overwrite a change made meanwhile.
    pub read_at: Option<DateTime<Utc>>,
    /// The estate the lease was on as read (its status follows too when the lease moves).
    pub previous_estate: Option<EstateId>,
    /// The change of rent or charges that this save records, if any.
    pub rent_change: Option<RentChange>,
}

/// A state conflict: a status that cannot be reached from the current one, or a closed lease.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LeaseConflict(pub String);

impl Lease {
    /// A new lease. It may start DRAFT, PENDING_SIGNATURE, or ACTIVE (a lease signed on paper,
    /// recorded afterwards); a lease under notice or terminated is never created.
    pub fn new(data: LeaseData, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        if matches!(
            data.status,
            LeaseStatus::NoticeGiven | LeaseStatus::Terminated
        ) {
            return Err(ValidationErrors::single(
                "status",
                "a lease starts DRAFT, PENDING_SIGNATURE or ACTIVE",
            ));
        }
        let rent_change = RentChange {
            reason: RentChangeReason::Initial,
            comment: data.change_comment.clone(),
            rent_amount: data.rent_amount,
            charges_amount: data.charges_amount,
            previous_rent_amount: None,
            previous_charges_amount: None,
            effective_date: data.start_date,
        };
        Ok(Self {
            id: LeaseId::generate(),
            data,
            created_at: now,
            updated_at: now,
            read_at: None,
            previous_estate: None,
            rent_change: Some(rent_change),
        })
    }

    /// Replaces the client's fields. The status moves one step along DRAFT → PENDING_SIGNATURE
    /// → ACTIVE → NOTICE_GIVEN → TERMINATED or stays; a terminated lease no longer changes. A
    /// change of rent or charges is recorded, effective on `change_effective_date` or today.
    pub fn replace(&mut self, data: LeaseData, now: DateTime<Utc>) -> Result<(), LeaseConflict> {
        let from = self.data.status;
        if from == LeaseStatus::Terminated {
            return Err(LeaseConflict(
                "a TERMINATED lease cannot be changed".to_owned(),
            ));
        }
        if data.status != from && !from.can_become(data.status) {
            return Err(LeaseConflict(format!(
                "a {from} lease cannot become {}: a lease moves DRAFT → PENDING_SIGNATURE → ACTIVE → NOTICE_GIVEN → TERMINATED, one step at a time",
                data.status
            )));
        }
        if matches!(
            data.status,
            LeaseStatus::NoticeGiven | LeaseStatus::Terminated
        ) && data.end_date.is_some_and(|end| end > self.end_date())
        {
            return Err(LeaseConflict(format!(
                "once notice is given, the end date may only move earlier than {}",
                self.end_date()
            )));
        }
        let in_force = !matches!(from, LeaseStatus::Draft | LeaseStatus::PendingSignature);
        if !in_force
            && (data.rent_amount != self.data.rent_amount
                || data.charges_amount != self.data.charges_amount
                || data.start_date != self.data.start_date)
        {
            // Before the lease is in force its amounts are still the initial ones.
            self.rent_change = Some(RentChange {
                reason: RentChangeReason::Initial,
                comment: data.change_comment.clone(),
                rent_amount: data.rent_amount,
                charges_amount: data.charges_amount,
                previous_rent_amount: None,
                previous_charges_amount: None,
                effective_date: data.start_date,
            });
        } else if in_force
            && (data.rent_amount != self.data.rent_amount
                || data.charges_amount != self.data.charges_amount)
        {
            self.rent_change = Some(RentChange {
                reason: RentChangeReason::Change,
                comment: data.change_comment.clone(),
                rent_amount: data.rent_amount,
                charges_amount: data.charges_amount,
                previous_rent_amount: Some(self.data.rent_amount),
                previous_charges_amount: Some(self.data.charges_amount),
                effective_date: data
                    .change_effective_date
                    .unwrap_or_else(|| now.date_naive()),
            });
        }
        self.read_at = Some(self.updated_at);
        self.previous_estate = Some(self.data.estate_id);
        self.data = data;
        self.updated_at = now;
        Ok(())
    }

    /// Checks the terms against the lease's type, once the type is known: the end date
    /// defaults to the day before the anniversary of the type's default duration; the duration
    /// (until notice is given), deposit cap and revision clause follow the type.
    pub fn complete(&mut self, kind: &LeaseTypeData) -> Result<(), ValidationErrors> {
        let d = &mut self.data;
        if d.end_date.is_none() {
            d.end_date = default_end_date(d.start_date, kind.default_duration_months as u32);
        }
        let Some(end_date) = d.end_date else {
            return Err(ValidationErrors::single("end_date", "is out of range"));
        };
        let mut errors = ValidationErrors::new();
        let terms = check_terms(
            kind,
            &LeaseTerms {
                start_date: d.start_date,
                end_date,
                rent_amount: d.rent_amount,
                deposit_amount: d.deposit_amount,
                payment_day: d.payment_day,
            },
        );
        // Once notice is given, the end date is the notice's end: any day after the start,
        // shorter than the type's minimum if need be.
        let ending = matches!(d.status, LeaseStatus::NoticeGiven | LeaseStatus::Terminated);
        if let Err(e) = terms {
            for f in e.errors() {
                if !(ending && f.field == "end_date") {
                    errors.push(f.field.clone(), f.message.clone());
                }
            }
        }
        if let Some(change) = &self.rent_change
            && change.reason == RentChangeReason::Change
            && change.effective_date < d.start_date
        {
            errors.push(
                "change_effective_date",
                format!("must be on or after the lease's start, {}", d.start_date),
            );
        }
        match d.has_revision_clause {
            None => d.has_revision_clause = Some(kind.rent_revision_allowed),
            Some(true) if !kind.rent_revision_allowed => errors.push(
                "has_revision_clause",
                format!("a {} lease allows no rent revision", kind.code),
            ),
            Some(_) => {}
        }
        errors.into_result()
    }

    pub fn end_date(&self) -> NaiveDate {
        self.data.end_date.unwrap_or(self.data.start_date)
    }

    pub fn has_revision_clause(&self) -> bool {
        self.data.has_revision_clause.unwrap_or(false)
    }

    /// Whether `lessee` is a party to the lease.
    pub fn names_lessee(&self, lessee: LesseeId) -> bool {
        self.data.lessee_ids.contains(&lessee)
    }
}

sort_fields!(
    pub LeaseSort {
        StartDate => "start_date",
        EndDate => "end_date",
        RentAmount => "rent_amount",
        Status => "status",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

/// Equality filters of the lease list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaseFilter {
    pub estate_id: Option<EstateId>,
    pub lessee_id: Option<LesseeId>,
    pub lease_type_id: Option<LeaseTypeId>,
    pub status: Option<LeaseStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lease_type::LeaseTypeInput;
    use crate::testing::{dec, ymd};

    fn input() -> LeaseInput {
        LeaseInput {
            estate_id: Some(EstateId::generate()),
            lease_type_id: Some(LeaseTypeId::generate()),
            lessee_ids: Some(vec![LesseeId::generate()]),
            start_date: Some(ymd(2026, 1, 1)),
            rent_amount: Some(dec("850.50")),
            charges_amount: Some(dec("50")),
            deposit_amount: Some(dec("850.50")),
            ..Default::default()
        }
    }

    fn unfurnished() -> LeaseTypeData {
        LeaseTypeData::parse(&LeaseTypeInput {
            code: Some("UNFURNISHED".into()),
            name: Some("Unfurnished".into()),
            default_duration_months: Some(36),
            min_duration_months: Some(36),
            max_deposit_months: Some(dec("1")),
            lessee_notice_months: Some(3),
            owner_notice_months: Some(6),
            ..Default::default()
        })
        .expect("type")
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_lease_needs_its_estate_type_lessees_start_and_rent() {
        let e = LeaseData::parse(&LeaseInput::default()).expect_err("empty");
        assert_eq!(
            fields(&e),
            [
                "estate_id",
                "lease_type_id",
                "lessees",
                "start_date",
                "rent_amount"
            ]
        );
        let one = LesseeId::generate();
        let e = LeaseData::parse(&LeaseInput {
            lessee_ids: Some(vec![one, one]),
            rent_amount: Some(dec("10.001")),
            payment_day: Some(29),
            irl_reference_quarter: Some("2025-Q5".into()),
            end_date: Some(ymd(2025, 12, 31)),
            ..input()
        })
        .expect_err("bad fields");
        assert_eq!(
            fields(&e),
            [
                "lessees",
                "rent_amount",
                "payment_day",
                "irl_reference_quarter",
                "end_date"
            ]
        );
    }

    #[test]
    fn the_end_date_defaults_from_the_type_and_the_deposit_is_capped() {
        let mut lease = Lease::new(LeaseData::parse(&input()).expect("data"), now()).expect("new");
        lease.complete(&unfurnished()).expect("valid");
        assert_eq!(lease.data.end_date, Some(ymd(2028, 12, 31)));
        assert_eq!(lease.data.has_revision_clause, Some(true));
        let mut over = Lease::new(
            LeaseData::parse(&LeaseInput {
                deposit_amount: Some(dec("900")),
                ..input()
            })
            .expect("data"),
            now(),
        )
        .expect("new");
        let e = over.complete(&unfurnished()).expect_err("cap");
        assert_eq!(fields(&e), ["deposit_amount"]);
        assert!(e.errors()[0].message.contains("850.5"));
    }

    #[test]
    fn statuses_move_one_step_and_rent_changes_are_recorded() {
        let mut lease = Lease::new(LeaseData::parse(&input()).expect("data"), now()).expect("new");
        assert_eq!(
            lease.rent_change.as_ref().map(|c| c.reason),
            Some(RentChangeReason::Initial)
        );
        lease.rent_change = None;
        let active = LeaseData::parse(&LeaseInput {
            status: Some("ACTIVE".into()),
            ..input()
        })
        .expect("data");
        assert!(lease.replace(active, now()).is_err(), "DRAFT → ACTIVE");
        let pending = LeaseData::parse(&LeaseInput {
            status: Some("PENDING_SIGNATURE".into()),
            rent_amount: Some(dec("900")),
            change_comment: Some("agreed with the lessee".into()),
            ..input()
        })
        .expect("data");
        lease.replace(pending, now()).expect("one step");
        let change = lease.rent_change.clone().expect("recorded");
        assert_eq!(
            (change.reason, change.rent_amount, change.effective_date),
            (RentChangeReason::Initial, dec("900"), ymd(2026, 1, 1)),
            "before the lease is in force, the initial amounts are rewritten"
        );
        lease.rent_change = None;
        let active = LeaseData::parse(&LeaseInput {
            status: Some("ACTIVE".into()),
            rent_amount: Some(dec("920")),
            ..input()
        })
        .expect("data");
        lease.replace(active.clone(), now()).expect("one step");
        lease.rent_change = None;
        let changed = LeaseData {
            rent_amount: dec("920"),
            ..active
        };
        lease.data.rent_amount = dec("900");
        lease.replace(changed, now()).expect("same status");
        let change = lease.rent_change.clone().expect("recorded");
        assert_eq!(change.reason, RentChangeReason::Change);
        assert_eq!(change.previous_rent_amount, Some(dec("900")));
        assert_eq!(change.rent_amount, dec("920"));
        assert_eq!(change.effective_date, ymd(2026, 3, 10));
        // Under notice, the end date is the notice's end: the minimum duration no longer holds.
        let mut ending = lease.clone();
        ending.data.status = LeaseStatus::NoticeGiven;
        ending.data.end_date = Some(ymd(2026, 7, 14));
        assert!(ending.complete(&unfurnished()).is_ok());
        ending.data.status = LeaseStatus::Active;
        assert!(ending.complete(&unfurnished()).is_err());
        assert!(
            Lease::new(
                LeaseData::parse(&LeaseInput {
                    status: Some("TERMINATED".into()),
                    ..input()
                })
                .expect("data"),
                now()
            )
            .is_err()
        );
    }
}
