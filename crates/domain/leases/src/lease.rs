//! The rules a lease's terms must follow under its type (Art. 10, 22, 25-6 to 25-8 of the 1989
//! law), and the order of its statuses.

use chrono::{Datelike, Months, NaiveDate};
use faireplace_kernel::{ValidationErrors, text_enum};
use rust_decimal::Decimal;

use crate::lease_type::LeaseTypeData;

text_enum!(
    /// Where a lease stands.
    pub LeaseStatus {
        Draft => "DRAFT",
        PendingSignature => "PENDING_SIGNATURE",
        Active => "ACTIVE",
        NoticeGiven => "NOTICE_GIVEN",
        Terminated => "TERMINATED",
    }
);

impl LeaseStatus {
    /// A lease only moves one step forward: DRAFT → PENDING_SIGNATURE → ACTIVE → NOTICE_GIVEN →
    /// TERMINATED.
    pub fn can_become(&self, next: LeaseStatus) -> bool {
        use LeaseStatus::*;
        matches!(
            (self, next),
            (Draft, PendingSignature)
                | (PendingSignature, Active)
                | (Active, NoticeGiven)
                | (NoticeGiven, Terminated)
        )
    }

    /// Whether the lease holds its estate (no other may overlap it): until it ends, a lease
    /// under notice still does.
    pub fn holds_estate(&self) -> bool {
        matches!(
            self,
            LeaseStatus::PendingSignature | LeaseStatus::Active | LeaseStatus::NoticeGiven
        )
    }
}

/// The last day of a lease of `months` starting on `start`: the day before its anniversary. A
/// 3-year lease from 2026-01-01 ends on 2028-12-31. When the anniversary day does not exist in
/// the target month (a start on the 29th to the 31st), the lease ends on that month's last
/// day: one month from 2026-01-31 ends on 2026-02-28, a year from 2028-02-29 on 2029-02-28.
pub fn default_end_date(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    let anniversary = start.checked_add_months(Months::new(months))?;
    if anniversary.day() < start.day() {
        // Clamped to the month's last day: there is no "day before the same day".
        Some(anniversary)
    } else {
        anniversary.pred_opt()
    }
}

/// Whole months from `start` to the day after `end` (the convention of [`default_end_date`]):
/// 2026-01-01 to 2028-12-31 is 36. `None` when `end` comes first or the span is not whole months.
pub fn duration_months(start: NaiveDate, end: NaiveDate) -> Option<u32> {
    let after = end.succ_opt()?;
    if after <= start {
        return None;
    }
    let months = (after.year() - start.year()) * 12 + after.month() as i32 - start.month() as i32;
    let months = u32::try_from(months).ok()?;
    // Whole months only: the default end of that many months must be this end. A lease that
    // ends on a month's last day because its anniversary day is missing counts one month less
    // than the day after its end suggests (2026-01-31 to 2026-02-28 is one month).
    [months, months.saturating_sub(1)]
        .into_iter()
        .find(|m| *m > 0 && default_end_date(start, *m) == Some(end))
}

/// The terms of a lease to check against its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseTerms {
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Rent excluding charges.
    pub rent_amount: Decimal,
    pub deposit_amount: Decimal,
    pub payment_day: u32,
}

/// Checks the terms against the type: duration within its bounds, deposit within its cap
/// (months of rent excluding charges), payment day from 1 to 28. Every failure is reported.
pub fn check_terms(kind: &LeaseTypeData, terms: &LeaseTerms) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    match duration_months(terms.start_date, terms.end_date) {
        None => errors.push(
            "end_date",
            "must come after start_date, a whole number of months later (the day before the same day of a later month)",
        ),
        Some(months) => {
            let months = months as i32;
            if months < kind.min_duration_months {
                errors.push(
                    "end_date",
                    format!(
                        "a {} lease lasts at least {} months; this one lasts {months}",
                        kind.code, kind.min_duration_months
                    ),
                );
            }
            if let Some(max) = kind.max_duration_months
                && months > max
            {
                errors.push(
                    "end_date",
                    format!("a {} lease lasts at most {max} months; this one lasts {months}", kind.code),
                );
            }
        }
    }
    if let Some(cap) = kind.max_deposit_months {
        let max = (terms.rent_amount * cap)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        if terms.deposit_amount > max {
            errors.push(
                "deposit_amount",
                format!(
                    "exceeds the cap of {} month(s) of rent excluding charges for a {} lease: at most {max}",
                    cap.normalize(),
                    kind.code
                ),
            );
        }
    }
    if !(1..=28).contains(&terms.payment_day) {
        errors.push("payment_day", "must be between 1 and 28");
    }
    errors.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lease_type::LeaseTypeInput;
    use crate::testing::{dec as d, ymd};

    /// The seeded types, as DOMAIN.md states them.
    fn kind(code: &str, min: i64, max: Option<i64>, deposit: Option<&str>) -> LeaseTypeData {
        LeaseTypeData::parse(&LeaseTypeInput {
            code: Some(code.into()),
            name: Some(code.into()),
            default_duration_months: Some(min),
            min_duration_months: Some(min),
            max_duration_months: max,
            max_deposit_months: deposit.map(d),
            lessee_notice_months: Some(1),
            owner_notice_months: Some(0),
            ..Default::default()
        })
        .expect("type")
    }

    fn terms(start: NaiveDate, end: NaiveDate, rent: &str, deposit: &str) -> LeaseTerms {
        LeaseTerms {
            start_date: start,
            end_date: end,
            rent_amount: d(rent),
            deposit_amount: d(deposit),
            payment_day: 5,
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn statuses_move_one_step_forward_only() {
        use LeaseStatus::*;
        assert!(Draft.can_become(PendingSignature));
        assert!(PendingSignature.can_become(Active));
        assert!(Active.can_become(NoticeGiven));
        assert!(NoticeGiven.can_become(Terminated));
        for (from, to) in [
            (Draft, Active),
            (Active, Draft),
            (Terminated, Active),
            (Active, Active),
            (PendingSignature, Terminated),
        ] {
            assert!(!from.can_become(to), "{from} → {to}");
        }
        assert!(Active.holds_estate() && PendingSignature.holds_estate() && !Draft.holds_estate());
    }

    #[test]
    fn end_dates_follow_the_calendar() {
        assert_eq!(
            default_end_date(ymd(2026, 1, 1), 36),
            Some(ymd(2028, 12, 31))
        );
        assert_eq!(
            default_end_date(ymd(2026, 3, 15), 12),
            Some(ymd(2027, 3, 14))
        );
        assert_eq!(
            default_end_date(ymd(2026, 1, 31), 1),
            Some(ymd(2026, 2, 28))
        );
        assert_eq!(
            default_end_date(ymd(2028, 2, 29), 12),
            Some(ymd(2029, 2, 28))
        );
        assert_eq!(
            default_end_date(ymd(2026, 1, 28), 1),
            Some(ymd(2026, 2, 27))
        );
        assert_eq!(duration_months(ymd(2026, 1, 31), ymd(2026, 2, 28)), Some(1));
        // Half a cent of cap is rounded away from zero: 1.5 × 100.03 = 150.045 → 150.05.
        let mut kind = kind("OWN", 1, None, Some("1.5"));
        kind.code = "OWN".into();
        let mut t = terms(ymd(2026, 1, 1), ymd(2026, 1, 31), "100.03", "150.05");
        t.payment_day = 1;
        assert!(check_terms(&kind, &t).is_ok());
        assert_eq!(
            duration_months(ymd(2026, 1, 1), ymd(2028, 12, 31)),
            Some(36)
        );
        assert_eq!(duration_months(ymd(2026, 9, 1), ymd(2027, 5, 31)), Some(9));
        assert_eq!(
            duration_months(ymd(2026, 1, 1), ymd(2026, 1, 20)),
            None,
            "not whole months"
        );
        assert_eq!(duration_months(ymd(2026, 1, 1), ymd(2025, 12, 31)), None);
    }

    #[test]
    fn an_unfurnished_lease_lasts_three_years_and_takes_one_month_of_deposit() {
        let unfurnished = kind("UNFURNISHED", 36, None, Some("1"));
        let ok = terms(ymd(2026, 1, 1), ymd(2028, 12, 31), "850.50", "850.50");
        assert!(check_terms(&unfurnished, &ok).is_ok());
        let e = check_terms(
            &unfurnished,
            &terms(ymd(2026, 1, 1), ymd(2026, 12, 31), "850.50", "850.51"),
        )
        .expect_err("too short, too much deposit");
        assert_eq!(fields(&e), ["end_date", "deposit_amount"]);
        assert!(
            e.errors()[1].message.contains("at most 850.5"),
            "{}",
            e.errors()[1].message
        );
    }

    #[test]
    fn furnished_and_student_caps_are_two_months_mobility_allows_none() {
        let furnished = kind("FURNISHED", 12, None, Some("2"));
        assert!(
            check_terms(
                &furnished,
                &terms(ymd(2026, 1, 1), ymd(2026, 12, 31), "700", "1400")
            )
            .is_ok()
        );
        assert!(
            check_terms(
                &furnished,
                &terms(ymd(2026, 1, 1), ymd(2026, 12, 31), "700", "1400.01")
            )
            .is_err()
        );
        let student = kind("STUDENT", 9, Some(9), Some("2"));
        let e = check_terms(
            &student,
            &terms(ymd(2026, 9, 1), ymd(2027, 8, 31), "600", "0"),
        )
        .expect_err("12 months");
        assert_eq!(fields(&e), ["end_date"]);
        let mobility = kind("MOBILITY", 1, Some(10), Some("0"));
        assert!(
            check_terms(
                &mobility,
                &terms(ymd(2026, 2, 1), ymd(2026, 11, 30), "900", "0")
            )
            .is_ok()
        );
        let e = check_terms(
            &mobility,
            &terms(ymd(2026, 2, 1), ymd(2026, 11, 30), "900", "1"),
        )
        .expect_err("no deposit");
        assert_eq!(fields(&e), ["deposit_amount"]);
        // No legal cap: any deposit.
        let parking = kind("PARKING", 1, None, None);
        assert!(
            check_terms(
                &parking,
                &terms(ymd(2026, 1, 1), ymd(2026, 1, 31), "90", "500")
            )
            .is_ok()
        );
    }

    #[test]
    fn the_payment_day_is_one_to_twenty_eight() {
        let parking = kind("PARKING", 1, None, None);
        let mut t = terms(ymd(2026, 1, 1), ymd(2026, 1, 31), "90", "0");
        t.payment_day = 29;
        assert_eq!(
            fields(&check_terms(&parking, &t).expect_err("29")),
            ["payment_day"]
        );
    }
}
