//! The exact split of an amount between weighted shares (distribution keys, fund calls,
//! prorata), by the largest-remainder method.
//!
//! Every share is floored to the cent (toward zero), then the cents still missing are handed out
//! one by one to the largest remainders; equal remainders go to the smallest key. The parts
//! therefore always sum to the total exactly, and the result depends only on the shares, not on
//! their order.
//!
//! The exact shares are computed with integers (cents times weights scaled to a common number of
//! decimals, with a 256-bit intermediate product) rather than with `Decimal` multiplication and
//! division: those round at 28 significant digits, which would make the floors and the
//! remainders approximate when weights carry many decimals (formula results such as 1/3).

use rust_decimal::Decimal;

/// Amounts are split to the cent.
const CENT_SCALE: u32 = 2;
/// Ratios are reported with 6 decimals.
const RATIO_SCALE: u32 = 6;
const RATIO_FACTOR: u128 = 1_000_000;

/// One party to a split: its key and its weight (tantièmes, surface, a formula result…).
///
/// The key is also the tie-break order: among equal remainders, the smallest key gets the cent
/// first. Callers pass `(reference, id)` so that the estate with the smallest reference wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share<K> {
    /// Identifies the share and orders ties.
    pub key: K,
    /// The share's weight; must not be negative.
    pub weight: Decimal,
}

/// One share's part of a split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitLine<K> {
    /// The key of the share, as given.
    pub key: K,
    /// The weight of the share, as given.
    pub weight: Decimal,
    /// `weight / total_weight`, rounded to 6 decimals (half away from zero); 0 when the total
    /// weight is 0. Informative only: the amount is computed from the exact weights.
    pub ratio: Decimal,
    /// The share's amount, with 2 decimals.
    pub amount: Decimal,
}

/// The result of [`split`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<K> {
    /// One line per share, in the order of the input.
    pub lines: Vec<SplitLine<K>>,
    /// The sum of the weights.
    pub total_weight: Decimal,
    /// The cents handed out after flooring: the total minus the sum of the floored amounts.
    /// Negative when the total is negative.
    pub rounding_adjustment: Decimal,
}

/// Why an amount cannot be split.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// A share has a negative weight.
    #[error("a weight is negative")]
    NegativeWeight,
    /// The amount to split has more than 2 decimals.
    #[error("the amount to split has more than 2 decimals")]
    TooManyDecimals,
    /// The amount is not zero but there is no weight to split it by.
    #[error("a non-zero amount cannot be split when every weight is zero")]
    NoWeight,
    /// The numbers are too large (or the weights' decimals too far apart) to compute exactly.
    #[error("the amount or the weights are too large to be split exactly")]
    Overflow,
}

/// Splits `total` between `shares` in proportion to their weights, so that the amounts sum to
/// `total` exactly (largest-remainder method, ties to the smallest key).
///
/// A negative total (a refund) is split like its absolute value, with the signs flipped. A zero
/// total gives zero amounts, even when every weight is zero. Shares of weight zero always get
/// exactly zero.
///
/// # Errors
///
/// [`SplitError::NegativeWeight`] when a weight is negative, [`SplitError::TooManyDecimals`]
/// when `total` has more than 2 decimals, [`SplitError::NoWeight`] when `total` is not zero and
/// every weight is zero (or there are no shares), [`SplitError::Overflow`] when the numbers are
/// too large to be handled exactly.
pub fn split<K: Ord + Clone>(total: Decimal, shares: &[Share<K>]) -> Result<Split<K>, SplitError> {
    if shares.iter().any(|share| share.weight < Decimal::ZERO) {
        return Err(SplitError::NegativeWeight);
    }
    let total_cents = to_cents(total)?;
    let total_weight = shares
        .iter()
        .try_fold(Decimal::ZERO, |sum, share| sum.checked_add(share.weight))
        .ok_or(SplitError::Overflow)?;
    let weights = scaled_weights(shares)?;
    let weight_sum = weights
        .iter()
        .try_fold(0u128, |sum, weight| sum.checked_add(*weight))
        .ok_or(SplitError::Overflow)?;

    if weight_sum == 0 {
        if total_cents != 0 {
            return Err(SplitError::NoWeight);
        }
        let lines = shares
            .iter()
            .map(|share| SplitLine {
                key: share.key.clone(),
                weight: share.weight,
                ratio: Decimal::ZERO,
                amount: Decimal::ZERO,
            })
            .collect();
        return Ok(Split {
            lines,
            total_weight,
            rounding_adjustment: Decimal::ZERO,
        });
    }

    let magnitude = total_cents.unsigned_abs();
    let mut floors = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for &weight in &weights {
        // magnitude × weight / weight_sum ≤ magnitude since weight ≤ weight_sum, so the quotient
        // always fits; the remainder over the common denominator is the exact fractional cent.
        let (quotient, remainder) = mul_div(magnitude, weight, weight_sum)?;
        floors.push(quotient);
        remainders.push(remainder);
    }

    let floored_sum = floors
        .iter()
        .try_fold(0u128, |sum, floor| sum.checked_add(*floor))
        .ok_or(SplitError::Overflow)?;
    let missing = magnitude
        .checked_sub(floored_sum)
        .ok_or(SplitError::Overflow)?;

    // The missing cents equal the sum of the fractional cents, each below one, so there are
    // fewer of them than shares with a remainder: zero weights (remainder 0) never get one.
    let mut order: Vec<usize> = (0..shares.len())
        .filter(|&index| remainders[index] > 0)
        .collect();
    order.sort_by(|&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then_with(|| shares[a].key.cmp(&shares[b].key))
            .then_with(|| a.cmp(&b))
    });
    let missing_count = usize::try_from(missing).map_err(|_| SplitError::Overflow)?;
    for &index in order.iter().take(missing_count) {
        floors[index] += 1;
    }

    let negative = total_cents < 0;
    let mut lines = Vec::with_capacity(shares.len());
    for ((share, &weight), &cents) in shares.iter().zip(&weights).zip(&floors) {
        lines.push(SplitLine {
            key: share.key.clone(),
            weight: share.weight,
            ratio: ratio(weight, weight_sum)?,
            amount: cents_to_decimal(cents, negative)?,
        });
    }
    Ok(Split {
        lines,
        total_weight,
        rounding_adjustment: cents_to_decimal(missing, negative)?,
    })
}

/// The total as a whole number of cents.
fn to_cents(total: Decimal) -> Result<i128, SplitError> {
    let normalized = total.normalize();
    if normalized.scale() > CENT_SCALE {
        return Err(SplitError::TooManyDecimals);
    }
    10i128
        .checked_pow(CENT_SCALE - normalized.scale())
        .and_then(|factor| normalized.mantissa().checked_mul(factor))
        .ok_or(SplitError::Overflow)
}

/// The weights as integers over a common power of ten, so that their ratios are exact.
fn scaled_weights<K>(shares: &[Share<K>]) -> Result<Vec<u128>, SplitError> {
    let normalized: Vec<Decimal> = shares
        .iter()
        .map(|share| share.weight.normalize())
        .collect();
    let scale = normalized
        .iter()
        .map(Decimal::scale)
        .max()
        .unwrap_or_default();
    normalized
        .iter()
        .map(|weight| {
            10u128
                .checked_pow(scale - weight.scale())
                .and_then(|factor| weight.mantissa().unsigned_abs().checked_mul(factor))
                .ok_or(SplitError::Overflow)
        })
        .collect()
}

/// `weight / weight_sum` to 6 decimals, rounded half away from zero, computed exactly.
fn ratio(weight: u128, weight_sum: u128) -> Result<Decimal, SplitError> {
    let (mut millionths, remainder) = mul_div(weight, RATIO_FACTOR, weight_sum)?;
    // remainder ≥ weight_sum / 2, written so that it cannot overflow.
    if remainder >= weight_sum - remainder {
        millionths += 1;
    }
    let millionths = i128::try_from(millionths).map_err(|_| SplitError::Overflow)?;
    Decimal::try_from_i128_with_scale(millionths, RATIO_SCALE).map_err(|_| SplitError::Overflow)
}

fn cents_to_decimal(cents: u128, negative: bool) -> Result<Decimal, SplitError> {
    let cents = i128::try_from(cents).map_err(|_| SplitError::Overflow)?;
    let signed = if negative { -cents } else { cents };
    Decimal::try_from_i128_with_scale(signed, CENT_SCALE).map_err(|_| SplitError::Overflow)
}

/// `a × b / divisor` as (quotient, remainder), exact through a 256-bit product. Fails when the
/// quotient does not fit in 128 bits (or the divisor is zero).
fn mul_div(a: u128, b: u128, divisor: u128) -> Result<(u128, u128), SplitError> {
    let (high, low) = mul_wide(a, b);
    div_wide(high, low, divisor).ok_or(SplitError::Overflow)
}

/// The full 256-bit product of two `u128`, as (high, low) halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_high, a_low) = (a >> 64, a & MASK);
    let (b_high, b_low) = (b >> 64, b & MASK);
    let low_low = a_low * b_low;
    let low_high = a_low * b_high;
    let high_low = a_high * b_low;
    let high_high = a_high * b_high;
    // Each term is below 2^64, so the sum of three stays below 2^66.
    let middle = (low_low >> 64) + (low_high & MASK) + (high_low & MASK);
    let low = (low_low & MASK) | (middle << 64);
    let high = high_high + (low_high >> 64) + (high_low >> 64) + (middle >> 64);
    (high, low)
}

/// Divides the 256-bit number `high:low` by `divisor`, bit by bit (restoring division).
fn div_wide(high: u128, low: u128, divisor: u128) -> Option<(u128, u128)> {
    if divisor == 0 || high >= divisor {
        return None;
    }
    let mut remainder = high;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        // The remainder is below the divisor, so after the shift it is below 2^129: the bit
        // shifted out is the 129th bit, and subtracting once always brings it back below.
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= divisor {
            remainder = remainder.wrapping_sub(divisor);
            quotient |= 1;
        }
    }
    Some((quotient, remainder))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).expect("decimal")
    }

    fn share<K>(key: K, weight: &str) -> Share<K> {
        Share {
            key,
            weight: d(weight),
        }
    }

    fn amounts<K>(split: &Split<K>) -> Vec<Decimal> {
        split.lines.iter().map(|line| line.amount).collect()
    }

    #[test]
    fn three_equal_shares_give_the_extra_cent_to_the_smallest_key() {
        let result = split(
            d("100.00"),
            &[share("A", "1"), share("B", "1"), share("C", "1")],
        )
        .expect("split");
        assert_eq!(amounts(&result), [d("33.34"), d("33.33"), d("33.33")]);
        assert_eq!(result.rounding_adjustment, d("0.01"));
        assert_eq!(result.total_weight, d("3"));
        assert!(result.lines.iter().all(|line| line.ratio == d("0.333333")));

        let shuffled = split(
            d("100.00"),
            &[share("C", "1"), share("A", "1"), share("B", "1")],
        )
        .expect("split");
        let keys: Vec<_> = shuffled.lines.iter().map(|line| line.key).collect();
        assert_eq!(keys, ["C", "A", "B"]);
        assert_eq!(amounts(&shuffled), [d("33.33"), d("33.34"), d("33.33")]);
    }

    #[test]
    fn tantiemes_go_to_the_largest_remainder() {
        let result = split(
            d("1234.56"),
            &[share(1, "200"), share(2, "300"), share(3, "500")],
        )
        .expect("split");
        // Exact shares 246.912, 370.368 and 617.28: the missing cent goes to the 0.8 remainder.
        assert_eq!(amounts(&result), [d("246.91"), d("370.37"), d("617.28")]);
        let ratios: Vec<_> = result.lines.iter().map(|line| line.ratio).collect();
        assert_eq!(ratios, [d("0.2"), d("0.3"), d("0.5")]);
        assert_eq!(result.total_weight, d("1000"));
        assert_eq!(result.rounding_adjustment, d("0.01"));
    }

    #[test]
    fn a_zero_weight_gets_nothing() {
        let result = split(
            d("10.00"),
            &[share(1, "0"), share(2, "3"), share(3, "0.000")],
        )
        .expect("split");
        assert_eq!(amounts(&result), [d("0"), d("10"), d("0")]);
        assert_eq!(result.lines[0].ratio, Decimal::ZERO);
        assert_eq!(result.lines[1].ratio, d("1"));
    }

    #[test]
    fn a_negative_total_is_split_like_a_refund() {
        let result = split(
            d("-100"),
            &[share("A", "1"), share("B", "1"), share("C", "1")],
        )
        .expect("split");
        assert_eq!(amounts(&result), [d("-33.34"), d("-33.33"), d("-33.33")]);
        assert_eq!(result.rounding_adjustment, d("-0.01"));
    }

    #[test]
    fn the_key_order_decides_ties() {
        let shares = [
            share(("LOT-2", 1), "1"),
            share(("LOT-1", 9), "1"),
            share(("LOT-1", 3), "1"),
        ];
        let result = split(d("0.02"), &shares).expect("split");
        assert_eq!(amounts(&result), [d("0"), d("0.01"), d("0.01")]);
        let result = split(d("0.01"), &shares).expect("split");
        assert_eq!(amounts(&result), [d("0"), d("0"), d("0.01")]);
    }

    #[test]
    fn weights_with_many_decimals_are_split_exactly() {
        let third = Decimal::ONE / Decimal::from(3);
        let shares = [
            Share {
                key: 1,
                weight: third,
            },
            Share {
                key: 2,
                weight: third * Decimal::from(2),
            },
        ];
        let result = split(d("1000000000.00"), &shares).expect("split");
        let sum: Decimal = amounts(&result).iter().sum();
        assert_eq!(sum, d("1000000000"));
        assert_eq!(amounts(&result), [d("333333333.33"), d("666666666.67")]);
    }

    #[test]
    fn a_zero_total_gives_zero_amounts() {
        let result = split(d("0"), &[share(1, "0"), share(2, "0")]).expect("split");
        assert_eq!(amounts(&result), [d("0"), d("0")]);
        assert_eq!(result.rounding_adjustment, Decimal::ZERO);
        let result = split(d("0.00"), &[share(1, "2"), share(2, "5")]).expect("split");
        assert_eq!(amounts(&result), [d("0"), d("0")]);
        let result = split::<u8>(d("0"), &[]).expect("split");
        assert!(result.lines.is_empty());
    }

    #[test]
    fn invalid_splits_are_refused() {
        assert_eq!(
            split(d("10"), &[share(1, "1"), share(2, "-0.5")]),
            Err(SplitError::NegativeWeight)
        );
        assert_eq!(
            split(d("10.001"), &[share(1, "1")]),
            Err(SplitError::TooManyDecimals)
        );
        assert!(split(d("10.000"), &[share(1, "1")]).is_ok());
        assert_eq!(
            split(d("10"), &[share(1, "0"), share(2, "0")]),
            Err(SplitError::NoWeight)
        );
        assert_eq!(split::<u8>(d("10"), &[]), Err(SplitError::NoWeight));
        assert_eq!(
            split(
                d("10"),
                &[
                    Share {
                        key: 1,
                        weight: Decimal::MAX
                    },
                    Share {
                        key: 2,
                        weight: Decimal::MAX
                    },
                ]
            ),
            Err(SplitError::Overflow)
        );
        // The common scale would need 56 digits.
        assert_eq!(
            split(
                d("10"),
                &[
                    share(1, "10000000000000000000000000000"),
                    share(2, "0.0000000000000000000000000001")
                ]
            ),
            Err(SplitError::Overflow)
        );
        assert_eq!(
            split(Decimal::MAX, &[share(1, "1")]),
            Err(SplitError::Overflow)
        );
    }

    #[test]
    fn wide_multiplication_and_division_are_exact() {
        let (high, low) = mul_wide(u128::MAX, u128::MAX);
        assert_eq!((high, low), (u128::MAX - 1, 1));
        assert_eq!(div_wide(high, low, u128::MAX), Some((u128::MAX, 0)));
        assert_eq!(div_wide(0, 17, 5), Some((3, 2)));
        assert_eq!(div_wide(1, 0, 1), None);
        assert_eq!(div_wide(0, 1, 0), None);
    }

    fn weight() -> impl Strategy<Value = Decimal> {
        let positive = (0u32..=4).prop_flat_map(|scale| {
            (1..10i64.pow(6 + scale)).prop_map(move |mantissa| Decimal::new(mantissa, scale))
        });
        // Small whole weights repeat often, so that ties between remainders are exercised.
        let repeated = (1i64..4).prop_map(Decimal::from);
        prop_oneof![1 => Just(Decimal::ZERO), 2 => repeated, 4 => positive]
    }

    fn case() -> impl Strategy<Value = (Decimal, Vec<Decimal>, Vec<usize>)> {
        (
            -1_000_000_000i64..=1_000_000_000,
            prop::collection::vec(weight(), 1..200),
        )
            .prop_flat_map(|(cents, weights)| {
                let order: Vec<usize> = (0..weights.len()).collect();
                (
                    Just(Decimal::new(cents, 2)),
                    Just(weights),
                    Just(order).prop_shuffle(),
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn a_split_is_exact_close_and_independent_of_order((total, weights, order) in case()) {
            prop_assume!(weights.iter().any(|weight| !weight.is_zero()));
            let shares: Vec<Share<usize>> = weights
                .iter()
                .enumerate()
                .map(|(key, &weight)| Share { key, weight })
                .collect();
            let result = split(total, &shares).expect("split");

            let sum: Decimal = result.lines.iter().map(|line| line.amount).sum();
            prop_assert_eq!(sum, total);
            let total_weight: Decimal = weights.iter().sum();
            prop_assert_eq!(result.total_weight, total_weight);
            for line in &result.lines {
                // |amount − total × weight / W| < 0.01, multiplied through by W to stay exact.
                let gap = (line.amount * total_weight - total * line.weight).abs();
                prop_assert!(gap < total_weight * d("0.01"));
                if line.weight.is_zero() {
                    prop_assert_eq!(line.amount, Decimal::ZERO);
                }
            }

            let shuffled: Vec<Share<usize>> = order.iter().map(|&index| shares[index].clone()).collect();
            let mut reordered = split(total, &shuffled).expect("split").lines;
            reordered.sort_by_key(|line| line.key);
            prop_assert_eq!(reordered, result.lines);
        }
    }
}
