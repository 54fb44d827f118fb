//! Charge expenses: what a place actually spent, per category, over a period; the yearly
//! review splits them between the leases.

use chrono::NaiveDate;
use faireplace_kernel::ids::{ChargeCategoryId, DistributionKeyId, PlaceId, PlaceServiceId};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, typed_id};
use rust_decimal::Decimal;

typed_id!(
    /// An expense of a place.
    ChargeExpenseId
);

#[derive(Debug, Clone, Default)]
pub struct ChargeExpenseInput {
    pub category_id: Option<ChargeCategoryId>,
    pub service_id: Option<PlaceServiceId>,
    pub amount: Option<Decimal>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub supplier: Option<String>,
    pub media_id: Option<uuid::Uuid>,
    pub distribution_key_id: Option<DistributionKeyId>,
}

/// A valid expense. The category and the key default to the service's (resolved when stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeExpenseData {
    pub category_id: Option<ChargeCategoryId>,
    pub service_id: Option<PlaceServiceId>,
    pub amount: Decimal,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub supplier: Option<Text>,
    /// The invoice, uploaded through `/api/media` (a media id, whose type the ports declare).
    pub media_id: Option<uuid::Uuid>,
    /// Overrides the service's default key.
    pub distribution_key_id: Option<DistributionKeyId>,
}

impl ChargeExpenseData {
    pub fn parse(input: &ChargeExpenseInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if input.category_id.is_none() && input.service_id.is_none() {
            errors.push("category_id", "is required when no service_id is given");
        }
        let amount = match input.amount {
            None => {
                errors.push("amount", "is required");
                None
            }
            Some(a) => errors.take(
                "amount",
                bounded_decimal(a, 2, Decimal::new(1, 2), Decimal::from(100_000_000)),
            ),
        };
        for (field, missing) in [
            ("period_start", input.period_start.is_none()),
            ("period_end", input.period_end.is_none()),
        ] {
            if missing {
                errors.push(field, "is required");
            }
        }
        if let (Some(s), Some(e)) = (input.period_start, input.period_end)
            && e < s
        {
            errors.push("period_end", "must not come before period_start");
        }
        for (field, d) in [
            ("period_start", input.period_start),
            ("period_end", input.period_end),
        ] {
            if d.is_some_and(|d| !(1900..=2200).contains(&chrono::Datelike::year(&d))) {
                errors.push(field, "must be between 1900-01-01 and 2200-12-31");
            }
        }
        let supplier = input
            .supplier
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errors.take("supplier", Text::parse(s, 200)));
        errors.into_result()?;
        match (amount, input.period_start, input.period_end) {
            (Some(amount), Some(period_start), Some(period_end)) => Ok(Self {
                category_id: input.category_id,
                service_id: input.service_id,
                amount,
                period_start,
                period_end,
                supplier,
                media_id: input.media_id,
                distribution_key_id: input.distribution_key_id,
            }),
            _ => Err(ValidationErrors::single("amount", "is required")),
        }
    }
}

faireplace_kernel::entity!(
    /// An expense as stored and read.
    pub ChargeExpense(ChargeExpenseId) { place_id: PlaceId } data ChargeExpenseData
);

sort_fields!(
    pub ChargeExpenseSort {
        PeriodStart => "period_start",
        Amount => "amount",
        CreatedAt => "created_at",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChargeExpenseFilter {
    pub place_id: Option<PlaceId>,
    pub category_id: Option<ChargeCategoryId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expense_has_an_amount_a_period_and_a_category_or_service() {
        let e = ChargeExpenseData::parse(&ChargeExpenseInput {
            amount: Some(Decimal::new(1, 3)),
            period_start: NaiveDate::from_ymd_opt(2025, 12, 31),
            period_end: NaiveDate::from_ymd_opt(2025, 1, 1),
            ..Default::default()
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["category_id", "amount", "period_end"]);
    }
}
