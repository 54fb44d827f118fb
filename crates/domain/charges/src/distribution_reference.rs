//! Distribution references: the value of an estate's tantiemes, surface or occupants valid over
//! a period, which a calculation on a date within it uses instead of the estate's current one.
//! Declared once: at most one value per estate, kind and day (a conflict otherwise).

use chrono::{Datelike, NaiveDate};
use faireplace_kernel::ids::EstateId;
use faireplace_kernel::{
    Context, Declared, Item, Record, Rules, ValidationErrors, text_enum, typed_id,
};
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

/// An estate's tantiemes, surface or occupants over a period: a split on a date within it uses
/// this value instead of the estate's.
#[derive(Debug, Clone, PartialEq, Eq, Record)]
#[record(name = "DistributionReference", rules)]
pub struct DistributionReferenceData {
    pub estate_id: EstateId,
    pub kind: ReferenceKind,
    /// Whole for TANTIEMES and OCCUPANTS, at most 2 decimals for SURFACE.
    #[field(decimals = 2, min = 0, max = 1000000000, example = "250")]
    pub value: Decimal,
    #[field(example = "2025-01-01")]
    pub valid_from: NaiveDate,
    /// Null: until further notice.
    pub valid_to: Option<NaiveDate>,
}

fn within_years(errors: &mut ValidationErrors, field: &str, day: Option<NaiveDate>) {
    if day.is_some_and(|d| !(1900..=2200).contains(&d.year())) {
        errors.push(field, "must be between 1900-01-01 and 2200-12-31");
    }
}

impl Rules for DistributionReferenceData {
    fn check(&self, errors: &mut ValidationErrors, _: &Context) {
        if self.kind != ReferenceKind::Surface && self.value.normalize().scale() > 0 {
            errors.push("value", "must have at most 0 decimals");
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            errors.push("valid_to", "must not come before valid_from");
        }
        within_years(errors, "valid_from", Some(self.valid_from));
        within_years(errors, "valid_to", self.valid_to);
    }
}

impl Declared for DistributionReferenceData {
    type Id = DistributionReferenceId;
    type Parent = ();
    const NOUN: &'static str = "distribution reference";
    const PLURAL: &'static str = "distribution references";
    const TABLE: &'static str = "distribution_references";
    const PATH: &'static str = "/api/charges/distribution-references";
    const TAG: &'static str = "Charges";
    const FILTERS: &'static [&'static str] = &["estate_id", "kind"];
    const SORTS: &'static [&'static str] = &["valid_from", "created_at"];
    const SORT_DESCENDING: bool = true;
    /// Its estate must be one of the caller's (a 400 naming `estate_id` otherwise).
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"estate_id": "0195f3a1-7c2e-7d40-9b1a-2f6c3e8d4a10", "kind": "TANTIEMES",
            "value": 250, "valid_from": "2025-01-01", "valid_to": "2025-12-31"}"#,
    );
}

/// A distribution reference as stored and read.
pub type DistributionReference = Item<DistributionReferenceData>;

#[cfg(test)]
mod tests {
    use super::*;
    use faireplace_kernel::RecordTrait;

    #[test]
    fn tantiemes_are_whole_and_periods_ordered() {
        let ctx = Context {
            today: NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        };
        let e = DistributionReferenceData::decode_json(
            &serde_json::json!({"estate_id": EstateId::generate(), "kind": "TANTIEMES",
                                "value": 200.5, "valid_from": "2025-06-01",
                                "valid_to": "2025-01-01"}),
            &ctx,
        )
        .expect_err("invalid");
        let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["value", "valid_to"]);
        let surface = DistributionReferenceData::decode_json(
            &serde_json::json!({"estate_id": EstateId::generate(), "kind": "SURFACE",
                                "value": "55.50", "valid_from": "2025-06-01"}),
            &ctx,
        )
        .expect("a surface has decimals");
        assert_eq!(surface.value, Decimal::new(555, 1));
    }
}
