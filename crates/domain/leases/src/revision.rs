//! Rent revision by index (Art. 17-1 of the 1989 law): quarters and the formula.

use std::fmt;
use std::str::FromStr;

use faireplace_kernel::values::InvalidValue;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn the_worked_example_of_domain_md() {
        // 600.00 × 145.17 / 140.59 = 619.55
        assert_eq!(
            revised_rent(d("600.00"), d("140.59"), d("145.17")),
            Some(d("619.55"))
        );
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
