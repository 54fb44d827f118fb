//! Notifications about charges, and regulations (adjustments) of a review.

use chrono::{DateTime, Utc};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum, typed_id};
use rust_decimal::Decimal;

typed_id!(
    /// A regulation of a review.
    RegulationId
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

text_enum!(
    pub RegulationKind {
        FreezeException => "FREEZE_EXCEPTION",
        LegalException => "LEGAL_EXCEPTION",
        Correction => "CORRECTION",
    }
);

#[derive(Debug, Clone, Default)]
pub struct RegulationInput {
    pub review_id: Option<uuid::Uuid>,
    pub lease_id: Option<uuid::Uuid>,
    pub kind: Option<String>,
    pub amount: Option<Decimal>,
    pub reason: Option<String>,
}

/// An adjustment of one lease's balance in a review: positive adds to what the lessee owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulationData {
    pub review_id: uuid::Uuid,
    pub lease_id: uuid::Uuid,
    pub kind: RegulationKind,
    pub amount: Decimal,
    pub reason: Text,
}

impl RegulationData {
    pub fn parse(input: &RegulationInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (field, missing) in [
            ("review_id", input.review_id.is_none()),
            ("lease_id", input.lease_id.is_none()),
        ] {
            if missing {
                errors.push(field, "is required");
            }
        }
        let kind = match input.kind.as_deref() {
            None => {
                errors.push("kind", "is required");
                None
            }
            Some(k) => errors.take("kind", RegulationKind::parse(k)),
        };
        let amount = match input.amount {
            None => {
                errors.push("amount", "is required");
                None
            }
            Some(a) => errors.take(
                "amount",
                bounded_decimal(a, 2, Decimal::from(-1_000_000), Decimal::from(1_000_000)),
            ),
        };
        let reason = match input.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            None => {
                errors.push("reason", "is required");
                None
            }
            Some(r) => errors.take("reason", Text::parse_multiline(r, 2000)),
        };
        errors.into_result()?;
        match (input.review_id, input.lease_id, kind, amount, reason) {
            (Some(review_id), Some(lease_id), Some(kind), Some(amount), Some(reason)) => Ok(Self {
                review_id,
                lease_id,
                kind,
                amount,
                reason,
            }),
            _ => Err(ValidationErrors::single("review_id", "is required")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regulation {
    pub id: RegulationId,
    pub data: RegulationData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Regulation {
    pub fn new(data: RegulationData, now: DateTime<Utc>) -> Self {
        Self {
            id: RegulationId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: RegulationData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

sort_fields!(
    pub RegulationSort {
        CreatedAt => "created_at",
        Amount => "amount",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegulationFilter {
    pub review_id: Option<uuid::Uuid>,
    pub lease_id: Option<uuid::Uuid>,
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
