//! Lease types: the legal frame of a lease (duration, deposit cap, notices, renewal, revision).

use chrono::{DateTime, Utc};
use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::{Text, parse_code};
use rust_decimal::Decimal;

use crate::annexes::AnnexCode;

pub use faireplace_kernel::ids::LeaseTypeId;

/// The longest duration or notice a type may state, in months (a hundred years).
pub const MAX_MONTHS: i64 = 1200;

#[derive(Debug, Clone, Default)]
pub struct LeaseTypeInput {
    pub code: Option<String>,
    pub name: Option<String>,
    pub furnished: Option<bool>,
    pub default_duration_months: Option<i64>,
    pub min_duration_months: Option<i64>,
    pub max_duration_months: Option<i64>,
    pub max_deposit_months: Option<Decimal>,
    pub lessee_notice_months: Option<i64>,
    pub lessee_reduced_notice_months: Option<i64>,
    pub owner_notice_months: Option<i64>,
    pub renewable: Option<bool>,
    pub rent_revision_allowed: Option<bool>,
    pub mandatory_annexes: Option<Vec<String>>,
}

/// A valid lease type, without identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseTypeData {
    pub code: String,
    pub name: Text,
    pub furnished: bool,
    pub default_duration_months: i32,
    pub min_duration_months: i32,
    /// `None`: no maximum.
    pub max_duration_months: Option<i32>,
    /// Months of rent excluding charges; `None`: no legal cap.
    pub max_deposit_months: Option<Decimal>,
    pub lessee_notice_months: i32,
    /// The notice in a zone tendue or a listed case; never longer than the ordinary one.
    pub lessee_reduced_notice_months: Option<i32>,
    /// `0`: the owner cannot give notice (the lease simply ends).
    pub owner_notice_months: i32,
    pub renewable: bool,
    pub rent_revision_allowed: bool,
    pub mandatory_annexes: Vec<AnnexCode>,
}

fn months(errors: &mut ValidationErrors, field: &str, value: Option<i64>, min: i64) -> Option<i32> {
    let v = value?;
    if (min..=MAX_MONTHS).contains(&v) {
        Some(v as i32)
    } else {
        errors.push(
            field,
            format!("must be between {min} and {MAX_MONTHS} months"),
        );
        None
    }
}

fn required_months(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<i64>,
    min: i64,
) -> Option<i32> {
    if value.is_none() {
        errors.push(field, "is required");
    }
    months(errors, field, value, min)
}

impl LeaseTypeData {
    /// The frame for an owner that is a company: an unfurnished lease lasts at least six
    /// years (Art. 10 of the 1989 law); other types are unchanged.
    pub fn for_company_owner(mut self) -> Self {
        if self.code == "UNFURNISHED" {
            self.default_duration_months = self.default_duration_months.max(72);
            self.min_duration_months = self.min_duration_months.max(72);
        }
        self
    }

    /// Durations must hold `min ≤ default ≤ max`; the reduced notice cannot exceed the ordinary
    /// one; a deposit cap has at most 2 decimals, between 0 and 24 months.
    pub fn parse(input: &LeaseTypeInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = match input.code.as_deref() {
            None => {
                errors.push("code", "is required");
                None
            }
            Some(c) => errors.take("code", parse_code(c)),
        };
        let name = match input.name.as_deref() {
            None => {
                errors.push("name", "is required");
                None
            }
            Some(n) => errors.take("name", Text::parse(n, 100)),
        };
        let default = required_months(
            &mut errors,
            "default_duration_months",
            input.default_duration_months,
            1,
        );
        let min = required_months(
            &mut errors,
            "min_duration_months",
            input.min_duration_months,
            1,
        );
        let max = months(
            &mut errors,
            "max_duration_months",
            input.max_duration_months,
            1,
        );
        if let (Some(min), Some(default)) = (min, default)
            && default < min
        {
            errors.push(
                "default_duration_months",
                "must not be below min_duration_months",
            );
        }
        if let (Some(max), Some(default)) = (max, default)
            && default > max
        {
            errors.push(
                "default_duration_months",
                "must not exceed max_duration_months",
            );
        }
        let deposit = input.max_deposit_months.and_then(|d| {
            errors.take(
                "max_deposit_months",
                faireplace_kernel::numbers::bounded_decimal(d, 2, Decimal::ZERO, Decimal::from(24)),
            )
        });
        let lessee_notice = required_months(
            &mut errors,
            "lessee_notice_months",
            input.lessee_notice_months,
            0,
        );
        let reduced = months(
            &mut errors,
            "lessee_reduced_notice_months",
            input.lessee_reduced_notice_months,
            0,
        );
        if let (Some(reduced), Some(notice)) = (reduced, lessee_notice)
            && reduced > notice
        {
            errors.push(
                "lessee_reduced_notice_months",
                "must not exceed lessee_notice_months",
            );
        }
        let owner_notice = required_months(
            &mut errors,
            "owner_notice_months",
            input.owner_notice_months,
            0,
        );
        let mut annexes = Vec::new();
        for (i, raw) in input.mandatory_annexes.iter().flatten().enumerate() {
            if let Some(code) =
                errors.take(&format!("mandatory_annexes[{i}]"), AnnexCode::parse(raw))
                && !annexes.contains(&code)
            {
                annexes.push(code);
            }
        }
        errors.into_result()?;
        match (code, name, default, min, lessee_notice, owner_notice) {
            (
                Some(code),
                Some(name),
                Some(default),
                Some(min),
                Some(lessee_notice),
                Some(owner_notice),
            ) => Ok(Self {
                code,
                name,
                furnished: input.furnished.unwrap_or(false),
                default_duration_months: default,
                min_duration_months: min,
                max_duration_months: max,
                max_deposit_months: deposit,
                lessee_notice_months: lessee_notice,
                lessee_reduced_notice_months: reduced,
                owner_notice_months: owner_notice,
                renewable: input.renewable.unwrap_or(true),
                rent_revision_allowed: input.rent_revision_allowed.unwrap_or(true),
                mandatory_annexes: annexes,
            }),
            _ => Err(ValidationErrors::single("code", "is required")),
        }
    }
}

/// A lease type: seeded by the platform (`is_system`, read-only) or the tenant's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseType {
    pub id: LeaseTypeId,
    pub data: LeaseTypeData,
    pub is_system: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl LeaseType {
    pub fn new(data: LeaseTypeData, now: DateTime<Utc>) -> Self {
        Self {
            id: LeaseTypeId::generate(),
            data,
            is_system: false,
            created_at: now,
            updated_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn furnished() -> LeaseTypeInput {
        LeaseTypeInput {
            code: Some("furnished_short".into()),
            name: Some("Meublé".into()),
            furnished: Some(true),
            default_duration_months: Some(12),
            min_duration_months: Some(12),
            max_deposit_months: Some(Decimal::from(2)),
            lessee_notice_months: Some(1),
            owner_notice_months: Some(3),
            mandatory_annexes: Some(vec![
                "FURNITURE_INVENTORY".into(),
                "DPE".into(),
                "DPE".into(),
            ]),
            ..Default::default()
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_valid_type_is_normalized() {
        let t = LeaseTypeData::parse(&furnished()).expect("valid");
        assert_eq!(t.code, "FURNISHED_SHORT");
        assert_eq!(
            t.mandatory_annexes,
            [AnnexCode::FurnitureInventory, AnnexCode::Dpe]
        );
        assert!(t.renewable && t.rent_revision_allowed);
        assert_eq!(t.max_duration_months, None);
    }

    #[test]
    fn durations_and_notices_must_be_consistent() {
        let e = LeaseTypeData::parse(&LeaseTypeInput {
            default_duration_months: Some(6),
            max_duration_months: Some(5),
            lessee_reduced_notice_months: Some(2),
            max_deposit_months: Some(Decimal::from_str("1.234").expect("d")),
            mandatory_annexes: Some(vec!["PASSPORT".into()]),
            ..furnished()
        })
        .expect_err("invalid");
        assert_eq!(
            fields(&e),
            [
                "default_duration_months",
                "default_duration_months",
                "max_deposit_months",
                "lessee_reduced_notice_months",
                "mandatory_annexes[0]"
            ]
        );
        let e = LeaseTypeData::parse(&LeaseTypeInput::default()).expect_err("empty");
        assert_eq!(
            fields(&e),
            [
                "code",
                "name",
                "default_duration_months",
                "min_duration_months",
                "lessee_notice_months",
                "owner_notice_months"
            ]
        );
    }
}
