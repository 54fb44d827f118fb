//! Decimal quantities from client input: exact, bounded, with a limited number of decimals.

use rust_decimal::Decimal;

use crate::values::InvalidValue;

/// Checks a decimal: at most `max_scale` decimals (an input with more is refused, never
/// rounded), and within `min..=max`.
pub fn bounded_decimal(
    value: Decimal,
    max_scale: u32,
    min: Decimal,
    max: Decimal,
) -> Result<Decimal, InvalidValue> {
    let normalized = value.normalize();
    if normalized.scale() > max_scale {
        return Err(InvalidValue(format!(
            "must have at most {max_scale} decimals"
        )));
    }
    if normalized < min || normalized > max {
        return Err(InvalidValue(format!("must be between {min} and {max}")));
    }
    Ok(normalized)
}

/// Checks a whole number is within `min..=max`.
pub fn bounded_int(value: i64, min: i64, max: i64) -> Result<i64, InvalidValue> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(InvalidValue(format!("must be between {min} and {max}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn decimals_are_exact_and_bounded() {
        assert_eq!(
            bounded_decimal(d("850.50"), 2, d("0"), d("1000")),
            Ok(d("850.5"))
        );
        assert!(bounded_decimal(d("850.505"), 2, d("0"), d("1000")).is_err());
        assert!(bounded_decimal(d("-1"), 2, d("0"), d("1000")).is_err());
        assert!(bounded_decimal(d("1000.01"), 2, d("0"), d("1000")).is_err());
        assert_eq!(bounded_int(5, 0, 10), Ok(5));
        assert!(bounded_int(11, 0, 10).is_err());
    }
}
