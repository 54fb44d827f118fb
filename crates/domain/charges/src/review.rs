//! The yearly charge review (régularisation, Art. 23 of the 1989 law): for a place and a
//! period, what each lease owes for each category of recoverable charges it pays provisions
//! for, against the provisions called.
//!
//! For each category and key: the expenses over the period (an expense straddling the period
//! counts for its days inside it), times the category's recovery rate, rounded to the cent, is
//! split exactly between the place's estates by the key. A lease owes its estate's part times
//! the days it covered over the days of the period (rounded to the cent): the days an estate
//! stood empty are the owner's. Flat-rate (FORFAIT) and direct-reading charges are not
//! reviewed. Provisions called are the lease's monthly PROVISION amounts for each payment day
//! that falls within the days it covered.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use faireplace_kernel::ids::{ChargeCategoryId, DistributionKeyId, EstateId, LeaseId, PlaceId};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::distribution::{DistributionKeyData, EstateFacts, calculate};
use crate::lease_charge::BillingMode;

/// A lease as the review sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLease {
    pub id: LeaseId,
    pub estate_id: EstateId,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub payment_day: u32,
    pub charges: Vec<ReviewCharge>,
}

/// An active charge of a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCharge {
    pub category_id: ChargeCategoryId,
    pub billing_mode: BillingMode,
    pub monthly_amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewCategory {
    pub id: ChargeCategoryId,
    pub name: String,
    /// Percent, 0–100.
    pub recovery_rate: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewExpense {
    pub category_id: ChargeCategoryId,
    pub distribution_key_id: DistributionKeyId,
    pub amount: Decimal,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

/// Everything a review reads.
#[derive(Debug, Clone, Default)]
pub struct ReviewInputs {
    pub estates: Vec<EstateFacts>,
    pub leases: Vec<ReviewLease>,
    pub categories: Vec<ReviewCategory>,
    pub keys: BTreeMap<DistributionKeyId, DistributionKeyData>,
    pub expenses: Vec<ReviewExpense>,
}

/// One category (under one key) of a lease's statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatementLine {
    pub category_id: ChargeCategoryId,
    pub category_name: String,
    pub distribution_key_id: DistributionKeyId,
    /// The place's expenses of the category under this key, over the period.
    pub expense: Decimal,
    pub recovery_rate: Decimal,
    /// expense × recovery rate, to the cent.
    pub recoverable: Decimal,
    /// The estate's ratio under the key.
    pub share: Decimal,
    /// The estate's part of `recoverable` (exact split).
    pub estate_amount: Decimal,
    /// Days the lease covered ÷ days of the period, to 6 decimals.
    pub prorata: Decimal,
    pub due: Decimal,
}

/// What one lease owes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    pub lease_id: LeaseId,
    pub estate_id: EstateId,
    pub covered_from: NaiveDate,
    pub covered_to: NaiveDate,
    pub covered_days: i64,
    pub lines: Vec<StatementLine>,
    pub total_due: Decimal,
    pub provisions_called: Decimal,
    /// Positive: owed by the lessee; negative: refunded.
    pub balance: Decimal,
    /// The year's recoverable total ÷ 12, from what this lease owes over the days it covered.
    pub suggested_monthly_provision: Decimal,
}

/// A review's figures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReviewResult {
    pub period_days: i64,
    pub expenses_total: Decimal,
    pub recoverable_total: Decimal,
    pub statements: Vec<Statement>,
}

pub use faireplace_kernel::ids::ChargeReviewId;

faireplace_kernel::text_enum!(
    /// DRAFT while it may be recomputed or deleted; VALIDATED once sent: immutable.
    pub ReviewStatus {
        Draft => "DRAFT",
        Validated => "VALIDATED",
    }
);

/// A review as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeReview {
    pub id: ChargeReviewId,
    pub place_id: PlaceId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: ReviewStatus,
    pub result: ReviewResult,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub validated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The longest period a review covers (two years: a late review may span more than one).
pub const MAX_REVIEW_DAYS: i64 = 731;

/// Why a review cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ReviewError {
    pub field: String,
    pub message: String,
}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days() + 1
}

/// The payment days (`day` of each month) from `from` to `to`, both included.
pub fn payment_days_between(from: NaiveDate, to: NaiveDate, day: u32) -> i64 {
    let mut count = 0;
    let (mut y, mut m) = (from.year(), from.month());
    while let Some(d) = NaiveDate::from_ymd_opt(y, m, day.clamp(1, 28)) {
        if d > to {
            break;
        }
        if d >= from {
            count += 1;
        }
        if m == 12 {
            y += 1;
            m = 1;
        } else {
            m += 1;
        }
    }
    count
}

/// Computes the review of `inputs` over `start..=end`.
pub fn review(
    start: NaiveDate,
    end: NaiveDate,
    inputs: &ReviewInputs,
) -> Result<ReviewResult, ReviewError> {
    if end < start {
        return Err(ReviewError {
            field: "period_end".into(),
            message: "must not come before period_start".into(),
        });
    }
    let period_days = days(start, end);
    let period = Decimal::from(period_days);
    // Expenses per (category, key), counted for their days inside the period.
    let mut groups: BTreeMap<(ChargeCategoryId, DistributionKeyId), Decimal> = BTreeMap::new();
    for e in &inputs.expenses {
        let from = e.period_start.max(start);
        let to = e.period_end.min(end);
        if to < from {
            continue;
        }
        let inside =
            Decimal::from(days(from, to)) / Decimal::from(days(e.period_start, e.period_end));
        *groups
            .entry((e.category_id, e.distribution_key_id))
            .or_default() += e.amount * inside;
    }
    let categories: BTreeMap<ChargeCategoryId, &ReviewCategory> =
        inputs.categories.iter().map(|c| (c.id, c)).collect();
    // Each group's recoverable amount, split exactly between the estates by its key.
    struct Group {
        expense: Decimal,
        rate: Decimal,
        recoverable: Decimal,
        by_estate: BTreeMap<EstateId, (Decimal, Decimal)>,
    }
    let mut split_groups: BTreeMap<(ChargeCategoryId, DistributionKeyId), Group> = BTreeMap::new();
    let mut expenses_total = Decimal::ZERO;
    let mut recoverable_total = Decimal::ZERO;
    for ((category, key), expense) in &groups {
        let rate = categories
            .get(category)
            .map(|c| c.recovery_rate)
            .unwrap_or(Decimal::ONE_HUNDRED);
        let recoverable = cents(*expense * rate / Decimal::ONE_HUNDRED);
        let data = inputs.keys.get(key).ok_or_else(|| ReviewError {
            field: "distribution_key_id".into(),
            message: format!("key {key} of an expense is missing"),
        })?;
        let split =
            calculate(data, &data.parameters, &inputs.estates, recoverable).map_err(|e| {
                ReviewError {
                    field: "distribution_key_id".into(),
                    message: format!("key \"{}\": {}", data.name, e.message),
                }
            })?;
        expenses_total += *expense;
        recoverable_total += recoverable;
        split_groups.insert(
            (*category, *key),
            Group {
                expense: cents(*expense),
                rate,
                recoverable,
                by_estate: split
                    .lines
                    .iter()
                    .map(|l| (l.key.1, (l.ratio, l.amount)))
                    .collect(),
            },
        );
    }
    let mut statements = Vec::new();
    for lease in &inputs.leases {
        let from = lease.start_date.max(start);
        let to = lease.end_date.min(end);
        if to < from {
            continue;
        }
        let covered_days = days(from, to);
        let covered = Decimal::from(covered_days);
        let reviewed: BTreeSet<ChargeCategoryId> = lease
            .charges
            .iter()
            .filter(|c| c.billing_mode == BillingMode::Provision)
            .map(|c| c.category_id)
            .collect();
        let mut lines = Vec::new();
        for ((category, key), group) in &split_groups {
            if !reviewed.contains(category) {
                continue;
            }
            let (share, estate_amount) = group
                .by_estate
                .get(&lease.estate_id)
                .copied()
                .unwrap_or((Decimal::ZERO, Decimal::ZERO));
            lines.push(StatementLine {
                category_id: *category,
                category_name: categories
                    .get(category)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                distribution_key_id: *key,
                expense: group.expense,
                recovery_rate: group.rate,
                recoverable: group.recoverable,
                share,
                estate_amount,
                prorata: (covered / period)
                    .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero),
                due: cents(estate_amount * covered / period),
            });
        }
        let total_due: Decimal = lines.iter().map(|l| l.due).sum();
        let provisions_called: Decimal = lease
            .charges
            .iter()
            .filter(|c| c.billing_mode == BillingMode::Provision)
            .map(|c| {
                c.monthly_amount * Decimal::from(payment_days_between(from, to, lease.payment_day))
            })
            .sum();
        statements.push(Statement {
            lease_id: lease.id,
            estate_id: lease.estate_id,
            covered_from: from,
            covered_to: to,
            covered_days,
            total_due,
            provisions_called,
            balance: total_due - provisions_called,
            suggested_monthly_provision: cents(total_due * period / covered / Decimal::from(12)),
            lines,
        });
    }
    Ok(ReviewResult {
        period_days,
        expenses_total: cents(expenses_total),
        recoverable_total,
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::DistributionKeyInput;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn payment_days_are_counted_in_the_covered_days() {
        assert_eq!(
            payment_days_between(ymd(2025, 1, 1), ymd(2025, 12, 31), 5),
            12
        );
        assert_eq!(
            payment_days_between(ymd(2025, 7, 1), ymd(2025, 12, 31), 1),
            6
        );
        assert_eq!(
            payment_days_between(ymd(2025, 7, 6), ymd(2025, 12, 4), 5),
            4
        );
        assert_eq!(
            payment_days_between(ymd(2025, 7, 6), ymd(2025, 7, 20), 5),
            0
        );
    }

    /// The building of the end-to-end test, worked out by hand (see tests/tests/charges.rs).
    #[test]
    fn a_small_building_worked_by_hand() {
        let id = |n: u128| uuid::Uuid::from_u128(n);
        let estate = |n: u128, r: &str, t: i64, s: &str| EstateFacts {
            id: EstateId(id(n)),
            reference: r.into(),
            surface_m2: Some(dec(s)),
            tantiemes: Some(t),
            rooms: None,
            occupants: 0,
            consumption: None,
        };
        let key = |t: &str| {
            DistributionKeyData::parse(&DistributionKeyInput {
                name: Some(t.into()),
                calculation_type: Some(t.into()),
                ..Default::default()
            })
            .expect("key")
        };
        let (lift, staff) = (ChargeCategoryId(id(10)), ChargeCategoryId(id(11)));
        let (by_tantiemes, by_surface) = (DistributionKeyId(id(20)), DistributionKeyId(id(21)));
        let charge = |category_id, billing_mode, monthly: &str| ReviewCharge {
            category_id,
            billing_mode,
            monthly_amount: dec(monthly),
        };
        let inputs = ReviewInputs {
            estates: vec![
                estate(1, "LOT-A", 200, "50"),
                estate(2, "LOT-B", 300, "30"),
                estate(3, "LOT-C", 500, "20"),
            ],
            leases: vec![
                ReviewLease {
                    id: LeaseId(id(100)),
                    estate_id: EstateId(id(1)),
                    start_date: ymd(2024, 1, 1),
                    end_date: ymd(2026, 12, 31),
                    payment_day: 5,
                    charges: vec![
                        charge(lift, BillingMode::Provision, "25"),
                        charge(staff, BillingMode::Provision, "60"),
                    ],
                },
                ReviewLease {
                    id: LeaseId(id(101)),
                    estate_id: EstateId(id(2)),
                    start_date: ymd(2025, 7, 1),
                    end_date: ymd(2028, 6, 30),
                    payment_day: 1,
                    charges: vec![
                        charge(lift, BillingMode::Provision, "30"),
                        charge(staff, BillingMode::Forfait, "50"),
                    ],
                },
            ],
            categories: vec![
                ReviewCategory {
                    id: lift,
                    name: "Ascenseur".into(),
                    recovery_rate: dec("100"),
                },
                ReviewCategory {
                    id: staff,
                    name: "Gardien".into(),
                    recovery_rate: dec("75"),
                },
            ],
            keys: BTreeMap::from([
                (by_tantiemes, key("TANTIEMES")),
                (by_surface, key("SURFACE")),
            ]),
            expenses: vec![
                ReviewExpense {
                    category_id: lift,
                    distribution_key_id: by_tantiemes,
                    amount: dec("1200"),
                    period_start: ymd(2025, 1, 1),
                    period_end: ymd(2025, 12, 31),
                },
                ReviewExpense {
                    category_id: staff,
                    distribution_key_id: by_surface,
                    amount: dec("2000"),
                    period_start: ymd(2025, 1, 1),
                    period_end: ymd(2025, 12, 31),
                },
            ],
        };
        let r = review(ymd(2025, 1, 1), ymd(2025, 12, 31), &inputs).expect("review");
        assert_eq!(r.period_days, 365);
        assert_eq!(r.expenses_total, dec("3200"));
        // 1200 × 100 % + 2000 × 75 %
        assert_eq!(r.recoverable_total, dec("2700.00"));
        let a = &r.statements[0];
        assert_eq!(
            a.lines.iter().map(|l| l.due).collect::<Vec<_>>(),
            [dec("240.00"), dec("750.00")]
        );
        assert_eq!(a.total_due, dec("990.00"));
        assert_eq!(a.provisions_called, dec("1020"));
        assert_eq!(a.balance, dec("-30.00"));
        assert_eq!(a.suggested_monthly_provision, dec("82.50"));
        let b = &r.statements[1];
        assert_eq!(b.covered_days, 184);
        assert_eq!(
            b.lines.len(),
            1,
            "the flat-rate staff charge is not reviewed"
        );
        // 360.00 × 184 / 365 = 181.479… → 181.48
        assert_eq!(b.lines[0].estate_amount, dec("360.00"));
        assert_eq!(b.lines[0].due, dec("181.48"));
        assert_eq!(b.lines[0].prorata, dec("0.504110"));
        assert_eq!(b.provisions_called, dec("180"));
        assert_eq!(b.balance, dec("1.48"));
        assert_eq!(b.suggested_monthly_provision, dec("30.00"));
    }
}
