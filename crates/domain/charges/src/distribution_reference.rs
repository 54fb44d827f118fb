//! Distribution references: the value of an estate's tantiemes, surface or occupants valid over
//! a period, which a calculation on a date within it uses instead of the estate's current one.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::ids::EstateId;
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum, typed_id};
use rust_decimal::Decimal;

typed_id!(
    /// A distribution reference.
    DistributionReferenceId
);

text_enum!(
    /// What a reference gives the value of.
    pub ReferenceKind {
        Tantiemes => "TANTIEMES",
        Surface => "SURFACE",
        Occupants => "OCCUPANTS",
    }
);

#[derive(Debug, Clone, Default)]
pub struct DistributionReferenceInput {
    pub estate_id: Option<EstateId>,
    pub kind: Option<String>,
    pub value: Option<Decimal>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionReferenceData {
    pub estate_id: EstateId,
    pub kind: ReferenceKind,
    /// Whole for tantiemes and occupants; at most 2 decimals for a surface.
    pub value: Decimal,
    pub valid_from: NaiveDate,
    /// `None`: until further notice.
    pub valid_to: Option<NaiveDate>,
}

impl DistributionReferenceData {
    pub fn parse(input: &DistributionReferenceInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if input.estate_id.is_none() {
            errors.push("estate_id", "is required");
        }
        let kind = match input.kind.as_deref() {
            None => {
                errors.push("kind", "is required");
                None
            }
            Some(k) => errors.take("kind", ReferenceKind::parse(k)),
        };
        let scale = if kind == Some(ReferenceKind::Surface) {
            2
        } else {
            0
        };
        let value = match input.value {
            None => {
                errors.push("value", "is required");
                None
            }
            Some(v) => errors.take(
                "value",
                bounded_decimal(v, scale, Decimal::ZERO, Decimal::from(1_000_000_000)),
            ),
        };
        if input.valid_from.is_none() {
            errors.push("valid_from", "is required");
        }
        if let (Some(from), Some(to)) = (input.valid_from, input.valid_to)
            && to < from
        {
            errors.push("valid_to", "must not come before valid_from");
        }
        for (field, d) in [
            ("valid_from", input.valid_from),
            ("valid_to", input.valid_to),
        ] {
            if d.is_some_and(|d| !(1900..=2200).contains(&chrono::Datelike::year(&d))) {
                errors.push(field, "must be between 1900-01-01 and 2200-12-31");
            }
        }
        errors.into_result()?;
        match (input.estate_id, kind, value, input.valid_from) {
            (Some(estate_id), Some(kind), Some(value), Some(valid_from)) => Ok(Self {
                estate_id,
                kind,
                value,
                valid_from,
                valid_to: input.valid_to,
            }),
            _ => Err(ValidationErrors::single("estate_id", "is required")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionReference {
    pub id: DistributionReferenceId,
    pub data: DistributionReferenceData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl DistributionReference {
    pub fn new(data: DistributionReferenceData, now: DateTime<Utc>) -> Self {
        Self {
            id: DistributionReferenceId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: DistributionReferenceData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

sort_fields!(
    pub ReferenceSort {
        ValidFrom => "valid_from",
        CreatedAt => "created_at",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceFilter {
    pub estate_id: Option<EstateId>,
    pub kind: Option<ReferenceKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tantiemes_are_whole_and_periods_ordered() {
        let e = DistributionReferenceData::parse(&DistributionReferenceInput {
            estate_id: Some(EstateId::generate()),
            kind: Some("TANTIEMES".into()),
            value: Some(Decimal::new(2005, 1)),
            valid_from: NaiveDate::from_ymd_opt(2025, 6, 1),
            valid_to: NaiveDate::from_ymd_opt(2025, 1, 1),
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["value", "valid_to"]);
    }
}
