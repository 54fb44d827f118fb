use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::{Address, AddressInput, Email, Phone, Text};

use crate::{NAME_MAX, opt_text, present, reachability};

pub use faireplace_kernel::ids::LesseeId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LesseeInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressInput>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LesseeData {
    pub first_name: Text,
    pub last_name: Text,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    pub notes: Option<Text>,
}

impl LesseeData {
    /// A lessee is a person: both names are required; a birth date lies between 1900-01-01
    /// and `today`.
    pub fn parse(input: &LesseeInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let first_name = opt_text(&mut errors, "first_name", &input.first_name, NAME_MAX);
        if present(&input.first_name).is_none() {
            errors.push("first_name", "is required");
        }
        let last_name = opt_text(&mut errors, "last_name", &input.last_name, NAME_MAX);
        if present(&input.last_name).is_none() {
            errors.push("last_name", "is required");
        }
        if let Some(birth) = input.birth_date {
            let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
            if birth > today {
                errors.push("birth_date", "must not be in the future");
            } else if birth < earliest {
                errors.push("birth_date", "must be on or after 1900-01-01");
            }
        }
        let r = reachability(
            &mut errors,
            &input.email,
            &input.phone,
            &input.address,
            &input.notes,
        );
        errors.into_result()?;
        match (first_name, last_name) {
            (Some(first_name), Some(last_name)) => Ok(Self {
                first_name,
                last_name,
                birth_date: input.birth_date,
                email: r.email,
                phone: r.phone,
                address: r.address,
                notes: r.notes,
            }),
            _ => Err(ValidationErrors::single("last_name", "is required")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lessee {
    pub id: LesseeId,
    pub data: LesseeData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Lessee {
    pub fn new(data: LesseeData, now: DateTime<Utc>) -> Self {
        Self {
            id: LesseeId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: LesseeData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
    }

    #[test]
    fn both_names_are_required() {
        let e = LesseeData::parse(&LesseeInput::default(), today()).expect_err("names");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["first_name", "last_name"]);
    }

    #[test]
    fn birth_date_is_bounded() {
        let base = LesseeInput {
            first_name: Some("Léa".into()),
            last_name: Some("Bernard".into()),
            ..Default::default()
        };
        let future = LesseeInput {
            birth_date: NaiveDate::from_ymd_opt(2027, 1, 1),
            ..base.clone()
        };
        assert!(LesseeData::parse(&future, today()).is_err());
        let ancient = LesseeInput {
            birth_date: NaiveDate::from_ymd_opt(1850, 1, 1),
            ..base.clone()
        };
        assert!(LesseeData::parse(&ancient, today()).is_err());
        let ok = LesseeInput {
            birth_date: NaiveDate::from_ymd_opt(1990, 5, 17),
            ..base
        };
        assert!(LesseeData::parse(&ok, today()).is_ok());
    }
}
