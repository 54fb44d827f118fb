use chrono::{DateTime, Utc};
use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::{Address, AddressInput, Email, InvalidValue, Phone, Text};

use crate::{COMPANY_NAME_MAX, NAME_MAX, opt_text, present, reachability, required_kind};

pub use faireplace_kernel::ids::ContactId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactKind {
    Guarantor,
    Agent,
    ServiceProvider,
    Syndic,
    Other,
}

impl ContactKind {
    pub const ALL: [ContactKind; 5] = [
        ContactKind::Guarantor,
        ContactKind::Agent,
        ContactKind::ServiceProvider,
        ContactKind::Syndic,
        ContactKind::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ContactKind::Guarantor => "GUARANTOR",
            ContactKind::Agent => "AGENT",
            ContactKind::ServiceProvider => "SERVICE_PROVIDER",
            ContactKind::Syndic => "SYNDIC",
            ContactKind::Other => "OTHER",
        }
    }

    pub fn parse(value: &str) -> Result<Self, InvalidValue> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
            .ok_or_else(|| {
                InvalidValue("must be GUARANTOR, AGENT, SERVICE_PROVIDER, SYNDIC or OTHER".into())
            })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactInput {
    pub kind: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<AddressInput>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactData {
    pub kind: ContactKind,
    pub first_name: Option<Text>,
    pub last_name: Option<Text>,
    pub company_name: Option<Text>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    pub notes: Option<Text>,
}

impl ContactData {
    /// Names required by kind: a syndic or a service provider is a company; a guarantor is a
    /// person with both names or an organisation (Visale, an employer) with its name; an agent
    /// or any other contact needs a last name or a company name.
    pub fn parse(input: &ContactInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = required_kind(&mut errors, &input.kind, ContactKind::parse);
        let first_name = opt_text(&mut errors, "first_name", &input.first_name, NAME_MAX);
        let last_name = opt_text(&mut errors, "last_name", &input.last_name, NAME_MAX);
        let company_name = opt_text(
            &mut errors,
            "company_name",
            &input.company_name,
            COMPANY_NAME_MAX,
        );
        let has_first = present(&input.first_name).is_some();
        let has_last = present(&input.last_name).is_some();
        let has_company = present(&input.company_name).is_some();
        match kind {
            Some(ContactKind::Syndic | ContactKind::ServiceProvider) if !has_company => {
                errors.push(
                    "company_name",
                    format!(
                        "is required for a {} contact",
                        kind.map(|k| k.as_str()).unwrap_or_default()
                    ),
                );
            }
            Some(ContactKind::Guarantor) if !(has_company || (has_first && has_last)) => {
                if !has_first {
                    errors.push(
                        "first_name",
                        "is required for a GUARANTOR person (or give company_name)",
                    );
                }
                if !has_last {
                    errors.push(
                        "last_name",
                        "is required for a GUARANTOR person (or give company_name)",
                    );
                }
            }
            Some(ContactKind::Agent | ContactKind::Other) if !has_company && !has_last => {
                errors.push("last_name", "last_name or company_name is required");
            }
            _ => {}
        }
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
            email: r.email,
            phone: r.phone,
            address: r.address,
            notes: r.notes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: ContactId,
    pub data: ContactData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    pub fn new(data: ContactData, now: DateTime<Utc>) -> Self {
        Self {
            id: ContactId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: ContactData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str) -> ContactInput {
        ContactInput {
            kind: Some(kind.into()),
            ..Default::default()
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn syndics_and_providers_are_companies() {
        for kind in ["SYNDIC", "SERVICE_PROVIDER"] {
            let e = ContactData::parse(&ContactInput {
                last_name: Some("Durand".into()),
                ..input(kind)
            })
            .expect_err("company required");
            assert_eq!(fields(&e), ["company_name"]);
            assert!(
                ContactData::parse(&ContactInput {
                    company_name: Some("Foncia".into()),
                    ..input(kind)
                })
                .is_ok()
            );
        }
    }

    #[test]
    fn a_guarantor_is_a_named_person_or_an_organisation() {
        let e = ContactData::parse(&ContactInput {
            last_name: Some("Durand".into()),
            ..input("GUARANTOR")
        })
        .expect_err("first name missing");
        assert_eq!(fields(&e), ["first_name"]);
        assert!(
            ContactData::parse(&ContactInput {
                company_name: Some("Visale".into()),
                ..input("GUARANTOR")
            })
            .is_ok()
        );
        assert!(
            ContactData::parse(&ContactInput {
                first_name: Some("Paul".into()),
                last_name: Some("Durand".into()),
                ..input("GUARANTOR")
            })
            .is_ok()
        );
    }

    #[test]
    fn agents_and_others_need_a_name() {
        for kind in ["AGENT", "OTHER"] {
            let e = ContactData::parse(&input(kind)).expect_err("name required");
            assert_eq!(fields(&e), ["last_name"]);
        }
        assert!(ContactData::parse(&input("PLUMBER")).is_err());
    }
}
