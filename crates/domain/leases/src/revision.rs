//! Rent revision by index (Art. 17-1 of the 1989 law): quarters and the formula.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use faireplace_kernel::text_enum;
use faireplace_kernel::values::InvalidValue;
use faireplace_property::add_years;
use rust_decimal::{Decimal, RoundingStrategy};

/// A calendar quarter, `2025-Q2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    quarter: u8,
}

impl Quarter {
    pub fn new(year: i32, quarter: u8) -> Result<Self, InvalidValue> {
        if (1900..=2200).contains(&year) && (1..=4).contains(&quarter) {
            Ok(Self { year, quarter })
        } else {
            Err(InvalidValue("must be a quarter such as 2025-Q2".into()))
        }
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn quarter(&self) -> u8 {
        self.quarter
    }

    /// The same quarter a year earlier: the revision's reference point.
    pub fn year_before(&self) -> Quarter {
        Quarter {
            year: self.year - 1,
            quarter: self.quarter,
        }
    }
}

impl FromStr for Quarter {
    type Err = InvalidValue;

    /// Exactly `YYYY-Qn` (upper-case Q), n from 1 to 4.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || InvalidValue("must be a quarter such as 2025-Q2".into());
        let bytes = s.as_bytes();
        // ASCII first: slicing a multi-byte character would panic.
        if !s.is_ascii()
            || bytes.len() != 7
            || &s[4..6] != "-Q"
            || !s[..4].bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let year: i32 = s[..4].parse().map_err(|_| err())?;
        let quarter = match bytes[6] {
            b'1'..=b'4' => bytes[6] - b'0',
            _ => return Err(err()),
        };
        Quarter::new(year, quarter)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.quarter)
    }
}

/// New rent excluding charges = current × new index / reference index, rounded to the cent
/// (half away from zero) at the very end.
pub fn revised_rent(
    current: Decimal,
    reference_index: Decimal,
    new_index: Decimal,
) -> Option<Decimal> {
    if reference_index <= Decimal::ZERO {
        return None;
    }
    current
        .checked_mul(new_index)?
        .checked_div(reference_index)
        .map(|r| r.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

text_enum!(
    /// Why a revision cannot be applied.
    pub BlockedReason {
        /// The lease has no revision clause (or its type allows none).
        NoRevisionClause => "NO_REVISION_CLAUSE",
        /// The estate's energy class is F or G: rents are frozen (since 2022-08-24).
        EnergyClassFG => "ENERGY_CLASS_F_G",
        /// The index of the quarter the revision needs is not published (not loaded) yet.
        IndexNotPublished => "INDEX_NOT_PUBLISHED",
        /// This year's revision has been applied already.
        AlreadyRevised => "ALREADY_REVISED",
        /// Claimed more than a year after its date: lost for that year.
        TooLate => "TOO_LATE",
    }
);

impl BlockedReason {
    /// The code a client receives when the revision is refused for this reason.
    pub fn error_code(&self) -> faireplace_kernel::ErrorCode {
        use faireplace_kernel::ErrorCode;
        match self {
            BlockedReason::NoRevisionClause => ErrorCode::NoRevisionClause,
            BlockedReason::EnergyClassFG => ErrorCode::EnergyClassFG,
            BlockedReason::IndexNotPublished => ErrorCode::IndexNotPublished,
            BlockedReason::AlreadyRevised => ErrorCode::AlreadyRevised,
            BlockedReason::TooLate => ErrorCode::TooLate,
        }
    }
}

/// Rents of estates rated F or G are frozen from this day (Loi Climat et résilience, art. 159).
pub fn freeze_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 8, 24).unwrap_or(NaiveDate::MIN)
}

/// The first revision date: the one the lease names, or else its first anniversary.
pub fn first_revision_date(start: NaiveDate, revision_date: Option<NaiveDate>) -> NaiveDate {
    revision_date.unwrap_or_else(|| add_years(start, 1))
}

/// Whether `date` is one of the yearly revision dates that start at `first`.
pub fn is_revision_date(first: NaiveDate, date: NaiveDate) -> bool {
    date >= first && add_years(first, date.year() - first.year()) == date
}

/// The latest revision date on or before `as_of`; `None` before the first.
pub fn due_revision_date(first: NaiveDate, as_of: NaiveDate) -> Option<NaiveDate> {
    if as_of < first {
        return None;
    }
    let date = add_years(first, as_of.year() - first.year());
    Some(if date <= as_of {
        date
    } else {
        add_years(first, as_of.year() - first.year() - 1)
    })
}

/// The quarter whose index a revision on `due` uses: the lease's reference quarter in the
/// latest year where it ended before `due` (a revision on 1 July with Q2 uses Q2 of that year,
/// published mid-July; one on 15 January with Q4 uses Q4 of the year before).
pub fn index_quarter_for(reference: Quarter, due: NaiveDate) -> Quarter {
    let q = reference.quarter();
    let last_month = u32::from(q) * 3;
    let end = NaiveDate::from_ymd_opt(due.year(), last_month, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt());
    let year = match end {
        Some(end) if end < due => due.year(),
        _ => due.year() - 1,
    };
    Quarter { year, quarter: q }
}

/// The last day of a quarter.
pub fn quarter_end(q: Quarter) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(q.year, u32::from(q.quarter) * 3, 1)?
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()
}

/// What the decision on a revision needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionFacts {
    /// The lease has a revision clause and its type allows revision.
    pub has_clause: bool,
    /// The estate's energy class (latest diagnosis) is F or G.
    pub energy_f_or_g: bool,
    /// The revision date claimed.
    pub due_date: NaiveDate,
    /// The day of the claim.
    pub as_of: NaiveDate,
    /// A revision effective on or after `due_date` is already in the rent history.
    pub already_revised: bool,
    pub current_rent: Decimal,
    /// IRL of the quarter a year before `new_index`'s.
    pub reference_index: Option<Decimal>,
    /// IRL of the quarter the revision uses.
    pub new_index: Option<Decimal>,
}

/// The decision: the new rent when it can be computed, from when, and what blocks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionOutcome {
    pub new_rent: Option<Decimal>,
    /// A revision is never retroactive: it takes effect from the claim.
    pub effective_date: NaiveDate,
    pub blocked_reason: Option<BlockedReason>,
}

/// Decides a revision (Art. 17-1 of the 1989 law): the first reason that blocks it, in the
/// order clause, energy class, delay, already revised, index; the new rent whenever both
/// indices are known.
pub fn decide_revision(f: &RevisionFacts) -> RevisionOutcome {
    let new_rent = match (f.reference_index, f.new_index) {
        (Some(reference), Some(new)) => revised_rent(f.current_rent, reference, new),
        _ => None,
    };
    let blocked_reason = if !f.has_clause {
        Some(BlockedReason::NoRevisionClause)
    } else if f.energy_f_or_g && f.due_date >= freeze_start() {
        Some(BlockedReason::EnergyClassFG)
    } else if f.as_of > add_years(f.due_date, 1) {
        Some(BlockedReason::TooLate)
    } else if f.already_revised {
        Some(BlockedReason::AlreadyRevised)
    } else if new_rent.is_none() {
        Some(BlockedReason::IndexNotPublished)
    } else {
        None
    };
    RevisionOutcome {
        new_rent,
        effective_date: f.as_of.max(f.due_date),
        blocked_reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{dec as d, ymd};

    #[test]
    fn the_worked_example_of_domain_md() {
        // 600.00 × 145.17 / 140.59 = 619.55
        assert_eq!(
            revised_rent(d("600.00"), d("140.59"), d("145.17")),
            Some(d("619.55"))
        );
    }

    fn facts() -> RevisionFacts {
        RevisionFacts {
            has_clause: true,
            energy_f_or_g: false,
            due_date: ymd(2026, 7, 1),
            as_of: ymd(2026, 7, 20),
            already_revised: false,
            current_rent: d("600.00"),
            reference_index: Some(d("140.59")),
            new_index: Some(d("145.17")),
        }
    }

    #[test]
    fn a_revision_is_decided_with_the_first_reason_that_blocks_it() {
        let ok = decide_revision(&facts());
        assert_eq!(ok.new_rent, Some(d("619.55")));
        assert_eq!(ok.blocked_reason, None);
        assert_eq!(ok.effective_date, ymd(2026, 7, 20), "from the claim");
        let reason = |f: RevisionFacts| decide_revision(&f).blocked_reason;
        assert_eq!(
            reason(RevisionFacts {
                has_clause: false,
                energy_f_or_g: true,
                ..facts()
            }),
            Some(BlockedReason::NoRevisionClause)
        );
        assert_eq!(
            reason(RevisionFacts {
                energy_f_or_g: true,
                already_revised: true,
                ..facts()
            }),
            Some(BlockedReason::EnergyClassFG)
        );
        // Before the freeze, an F estate could still be revised.
        assert_eq!(
            reason(RevisionFacts {
                energy_f_or_g: true,
                due_date: ymd(2022, 8, 23),
                as_of: ymd(2022, 9, 1),
                ..facts()
            }),
            None
        );
        assert_eq!(
            reason(RevisionFacts {
                as_of: ymd(2027, 7, 2),
                ..facts()
            }),
            Some(BlockedReason::TooLate)
        );
        assert_eq!(
            reason(RevisionFacts {
                as_of: ymd(2027, 7, 1),
                ..facts()
            }),
            None,
            "a year to the day is still in time"
        );
        assert_eq!(
            reason(RevisionFacts {
                already_revised: true,
                ..facts()
            }),
            Some(BlockedReason::AlreadyRevised)
        );
        let unpublished = decide_revision(&RevisionFacts {
            new_index: None,
            ..facts()
        });
        assert_eq!(
            unpublished.blocked_reason,
            Some(BlockedReason::IndexNotPublished)
        );
        assert_eq!(unpublished.new_rent, None);
    }

    #[test]
    fn revision_dates_repeat_yearly_from_the_first() {
        let first = first_revision_date(ymd(2024, 3, 1), None);
        assert_eq!(first, ymd(2025, 3, 1));
        assert_eq!(due_revision_date(first, ymd(2025, 2, 28)), None);
        assert_eq!(due_revision_date(first, ymd(2025, 3, 1)), Some(first));
        assert_eq!(
            due_revision_date(first, ymd(2026, 11, 21)),
            Some(ymd(2026, 3, 1))
        );
        assert_eq!(
            due_revision_date(first, ymd(2027, 2, 1)),
            Some(ymd(2026, 3, 1))
        );
        assert!(is_revision_date(first, ymd(2027, 3, 1)));
        assert!(!is_revision_date(first, ymd(2027, 3, 2)));
        assert!(!is_revision_date(first, ymd(2024, 3, 1)));
        let named = first_revision_date(ymd(2024, 3, 1), Some(ymd(2025, 1, 1)));
        assert_eq!(
            due_revision_date(named, ymd(2026, 6, 1)),
            Some(ymd(2026, 1, 1))
        );
    }

    #[test]
    fn the_index_quarter_is_the_last_one_ended_before_the_revision() {
        let q2: Quarter = "2023-Q2".parse().expect("q");
        assert_eq!(
            index_quarter_for(q2, ymd(2026, 7, 1)).to_string(),
            "2026-Q2"
        );
        assert_eq!(
            index_quarter_for(q2, ymd(2026, 6, 30)).to_string(),
            "2025-Q2"
        );
        let q4: Quarter = "2023-Q4".parse().expect("q");
        assert_eq!(
            index_quarter_for(q4, ymd(2026, 1, 15)).to_string(),
            "2025-Q4"
        );
        assert_eq!(quarter_end(q4), Some(ymd(2023, 12, 31)));
    }

    #[test]
    fn rounding_is_half_away_from_zero_at_the_end() {
        // 100 × 101.005 / 100 = 101.005 → 101.01
        assert_eq!(
            revised_rent(d("100"), d("100"), d("101.005")),
            Some(d("101.01"))
        );
        assert_eq!(revised_rent(d("100"), d("0"), d("101")), None);
    }

    #[test]
    fn quarters_parse_strictly_and_order() {
        let q: Quarter = "2025-Q2".parse().expect("quarter");
        assert_eq!((q.year(), q.quarter()), (2025, 2));
        assert_eq!(q.to_string(), "2025-Q2");
        assert_eq!(q.year_before().to_string(), "2024-Q2");
        assert!("2024-Q4".parse::<Quarter>().expect("q") < q);
        for bad in [
            "2025-Q5", "2025-q2", "2025Q2", "25-Q2", "2025-Q0", "", "2025-Q22", "+025-Q1",
            "2025-Q٢", "20€Q1", "2€5-Q1",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod hostile_input {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_text_is_a_quarter_or_a_refusal(text in "\\PC{0,12}") {
            if let Ok(q) = text.parse::<Quarter>() {
                prop_assert_eq!(q.to_string(), text);
            }
        }

        #[test]
        fn quarter_like_text_never_panics(text in "[0-9]{0,5}-?[Qq]?[0-9]{0,2}") {
            let _ = text.parse::<Quarter>();
        }

        #[test]
        fn every_quarter_prints_and_parses_back(year in 1900i32..=2200, quarter in 1u8..=4) {
            let text = format!("{year}-Q{quarter}");
            let q: Quarter = text.parse().expect("a quarter");
            prop_assert_eq!(q.to_string(), text);
        }
    }
}
