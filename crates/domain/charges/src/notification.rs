//! Notifications about charges: written by the changes that raise them (a meter reading out of
//! line, an expense beyond its category's threshold, a validated review), read by users.

use faireplace_kernel::{text_enum, typed_id};
use rust_decimal::Decimal;

typed_id!(
    /// A notification about charges.
    NotificationId
);

text_enum!(
    /// What a notification is about.
    pub NotificationKind {
        /// A meter reading strays from the meter's average daily rate.
        ConsumptionAlert => "CONSUMPTION_ALERT",
        /// An expense exceeds its category's usual amount by more than its threshold.
        OverThreshold => "OVER_THRESHOLD",
        /// A validated review's statements are to be sent to the lessees.
        ReviewNotice => "REVIEW_NOTICE",
        /// A balance is to be claimed or refunded.
        RegularizationReminder => "REGULARIZATION_REMINDER",
    }
);

/// Whether `amount` exceeds `usual` (the category's average so far) by more than `threshold`
/// percent (no usual amount yet: never).
pub fn over_threshold(amount: Decimal, usual: Option<Decimal>, threshold: Decimal) -> bool {
    match usual {
        Some(usual) if usual > Decimal::ZERO => {
            amount > usual + usual * threshold / Decimal::ONE_HUNDRED
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_threshold_is_strictly_beyond_the_usual_amount_plus_the_threshold() {
        let d = |n: i64| Decimal::from(n);
        assert!(!over_threshold(d(120), Some(d(100)), d(20)));
        assert!(over_threshold(d(121), Some(d(100)), d(20)));
        assert!(!over_threshold(d(1_000), None, d(0)));
    }
}
