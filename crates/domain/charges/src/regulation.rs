//! Regulations: adjustments of one lease's balance in a DRAFT charge review (a freeze or legal
//! exception, a correction).

use faireplace_kernel::ids::{ChargeReviewId, LeaseId};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum, typed_id};
use rust_decimal::Decimal;

typed_id!(
    /// A regulation of a review.
    RegulationId
);

text_enum!(
    pub RegulationKind {
        FreezeException => "FREEZE_EXCEPTION",
        LegalException => "LEGAL_EXCEPTION",
        Correction => "CORRECTION",
    }
);

#[derive(Debug, Clone, Default)]
pub struct RegulationInput {
    pub review_id: Option<ChargeReviewId>,
    pub lease_id: Option<LeaseId>,
    pub kind: Option<String>,
    pub amount: Option<Decimal>,
    pub reason: Option<String>,
}

/// An adjustment of one lease's balance in a review: positive adds to what the lessee owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulationData {
    pub review_id: ChargeReviewId,
    pub lease_id: LeaseId,
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

faireplace_kernel::entity!(
    pub Regulation(RegulationId) {  } data RegulationData
);

sort_fields!(
    pub RegulationSort {
        CreatedAt => "created_at",
        Amount => "amount",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegulationFilter {
    pub review_id: Option<ChargeReviewId>,
    pub lease_id: Option<LeaseId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regulation_names_its_review_lease_kind_amount_and_reason() {
        let e = RegulationData::parse(&RegulationInput {
            kind: Some("REFUND".into()),
            amount: Some(Decimal::new(1, 3)),
            reason: Some(" ".into()),
            ..Default::default()
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["review_id", "lease_id", "kind", "amount", "reason"]
        );
    }
}
