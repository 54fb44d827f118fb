use chrono::{DateTime, Utc};
use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::{
    Address, AddressInput, Email, Iban, InvalidValue, Phone, Siret, Text,
};

use crate::{COMPANY_NAME_MAX, NAME_MAX, opt_text, present, reachability, required_kind};

pub use faireplace_kernel::ids::OwnerId;

/// A natural person or a company (an SCI, a bank, an investor…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    Person,
    Company,
}

impl OwnerKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            OwnerKind::Person => "PERSON",
            OwnerKind::Company => "COMPANY",
        }
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        match value {
            "PERSON" => Ok(OwnerKind::Person),
            "COMPANY" => Ok(OwnerKind::Company),
            _ => Err(InvalidValue("must be PERSON or COMPANY".into())),
        }
    }
}

/// An owner as a client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerInput {
    pub kind: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub siret: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressInput>,
    pub iban: Option<String>,
    pub external_reference_id: Option<String>,
    pub notes: Option<String>,
}

/// A valid owner, without identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerData {
    pub kind: OwnerKind,
    pub first_name: Option<Text>,
    pub last_name: Option<Text>,
    pub company_name: Option<Text>,
    pub siret: Option<Siret>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    pub iban: Option<Iban>,
    pub external_reference_id: Option<Text>,
    pub notes: Option<Text>,
}

impl OwnerData {
    /// Validates every field; a person needs a first and a last name, a company its name.
    pub fn parse(input: &OwnerInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = required_kind(&mut errors, &input.kind, OwnerKind::parse);
        let first_name = opt_text(&mut errors, "first_name", &input.first_name, NAME_MAX);
        let last_name = opt_text(&mut errors, "last_name", &input.last_name, NAME_MAX);
        let company_name = opt_text(
            &mut errors,
            "company_name",
            &input.company_name,
            COMPANY_NAME_MAX,
        );
        match kind {
            Some(OwnerKind::Person) => {
                if present(&input.first_name).is_none() {
                    errors.push("first_name", "is required for a PERSON owner");
                }
                if present(&input.last_name).is_none() {
                    errors.push("last_name", "is required for a PERSON owner");
                }
            }
            Some(OwnerKind::Company) if present(&input.company_name).is_none() => {
                errors.push("company_name", "is required for a COMPANY owner");
            }
            _ => {}
        }
        let siret = present(&input.siret).and_then(|s| errors.take("siret", Siret::parse(s)));
        let iban = present(&input.iban).and_then(|s| errors.take("iban", Iban::parse(s)));
        let external_reference_id = opt_text(
            &mut errors,
            "external_reference_id",
            &input.external_reference_id,
            100,
        );
        let r = reachability(
            &mut errors,
            &input.email,
            &input.phone,
            &input.address,
            &input.notes,
        );
        errors.into_result()?;
        let kind = kind.ok_or_else(|| ValidationErrors::single("kind", "is required"))?;
        Ok(Self {
            kind,
            first_name,
            last_name,
            company_name,
            siret,
            email: r.email,
            phone: r.phone,
            address: r.address,
            iban,
            external_reference_id,
            notes: r.notes,
        })
    }
}

/// An owner of estates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub id: OwnerId,
    pub data: OwnerData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Owner {
    pub fn new(data: OwnerData, now: DateTime<Utc>) -> Self {
        Self {
            id: OwnerId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    /// Replaces every field, keeping identity and creation time.
    pub fn replace(&mut self, data: OwnerData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }

    /// The name to show: the company's, or "First Last".
    pub fn display_name(&self) -> String {
        match (&self.data.company_name, self.data.kind) {
            (Some(c), OwnerKind::Company) => c.to_string(),
            _ => [&self.data.first_name, &self.data.last_name]
                .into_iter()
                .flatten()
                .map(Text::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> OwnerInput {
        OwnerInput {
            kind: Some("PERSON".into()),
            first_name: Some("Jeanne".into()),
            last_name: Some("Martin".into()),
            ..Default::default()
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_person_needs_both_names() {
        assert!(OwnerData::parse(&person()).is_ok());
        let e = OwnerData::parse(&OwnerInput {
            kind: Some("PERSON".into()),
            last_name: Some("  ".into()),
            ..Default::default()
        })
        .expect_err("names missing");
        assert_eq!(fields(&e), ["first_name", "last_name"]);
    }

    #[test]
    fn a_company_needs_its_name_and_a_valid_siret() {
        let e = OwnerData::parse(&OwnerInput {
            kind: Some("COMPANY".into()),
            siret: Some("12345678901234".into()),
            ..Default::default()
        })
        .expect_err("invalid");
        assert_eq!(fields(&e), ["company_name", "siret"]);
        let ok = OwnerData::parse(&OwnerInput {
            kind: Some("COMPANY".into()),
            company_name: Some("SCI Les Tilleuls".into()),
            siret: Some("732 829 320 00074".into()),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(ok.siret.expect("siret").as_str(), "73282932000074");
    }

    #[test]
    fn kind_is_required_and_checked() {
        let e = OwnerData::parse(&OwnerInput::default()).expect_err("no kind");
        assert_eq!(fields(&e), ["kind"]);
        let e = OwnerData::parse(&OwnerInput {
            kind: Some("ROBOT".into()),
            ..Default::default()
        })
        .expect_err("bad kind");
        assert_eq!(e.errors()[0].message, "must be PERSON or COMPANY");
    }

    #[test]
    fn every_bad_contact_field_is_reported() {
        let e = OwnerData::parse(&OwnerInput {
            email: Some("nope".into()),
            phone: Some("12".into()),
            iban: Some("FR00".into()),
            ..person()
        })
        .expect_err("invalid");
        assert_eq!(fields(&e), ["iban", "email", "phone"]);
    }

    #[test]
    fn display_name() {
        let o = Owner::new(
            OwnerData::parse(&person()).expect("valid"),
            chrono::Utc::now(),
        );
        assert_eq!(o.display_name(), "Jeanne Martin");
    }
}
