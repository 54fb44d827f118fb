//! Contacts, declared once: fields, rules by kind, and how they are served and stored.

use faireplace_kernel::values::{Address, Email, Phone, Text};
use faireplace_kernel::{Context, Declared, Item, Record, Rules, ValidationErrors, text_enum};

use crate::{COMPANY_NAME_MAX, NAME_MAX, NOTES_MAX};

pub use faireplace_kernel::ids::ContactId;

text_enum!(
    /// What a contact is to the portfolio.
    pub ContactKind {
        /// Stands surety for a lessee: a person, or an organisation (Visale, an employer).
        Guarantor => "GUARANTOR",
        /// An agent acting for someone.
        Agent => "AGENT",
        /// A company working on the estates (a plumber, a caretaker…).
        ServiceProvider => "SERVICE_PROVIDER",
        /// The manager of a co-ownership.
        Syndic => "SYNDIC",
        Other => "OTHER",
    }
);

/// A contact of the portfolio. A SYNDIC or SERVICE_PROVIDER needs company_name; a GUARANTOR
/// needs first_name and last_name, or company_name; an AGENT or OTHER needs last_name or
/// company_name.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "Contact", rules)]
pub struct ContactData {
    pub kind: ContactKind,
    #[field(max_len = NAME_MAX, example = "Paul")]
    pub first_name: Option<Text>,
    #[field(max_len = NAME_MAX, example = "Durand")]
    pub last_name: Option<Text>,
    #[field(max_len = COMPANY_NAME_MAX, example = "Cabinet Lamy")]
    pub company_name: Option<Text>,
    /// Stored lower-cased; the list's `?email=` compares it so.
    #[field(example = "contact@example.fr")]
    pub email: Option<Email>,
    #[field(example = "01 23 45 67 89")]
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    #[field(multiline, max_len = NOTES_MAX)]
    pub notes: Option<Text>,
}

impl Rules for ContactData {
    /// Names required by kind: a syndic or a service provider is a company; a guarantor is a
    /// person with both names or an organisation with its name; an agent or any other contact
    /// needs a last name or a company name.
    fn check(&self, errors: &mut ValidationErrors, _: &Context) {
        let has_first = self.first_name.is_some();
        let has_last = self.last_name.is_some();
        let has_company = self.company_name.is_some();
        match self.kind {
            ContactKind::Syndic | ContactKind::ServiceProvider if !has_company => {
                errors.push(
                    "company_name",
                    format!("is required for a {} contact", self.kind.as_str()),
                );
            }
            ContactKind::Guarantor if !(has_company || (has_first && has_last)) => {
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
            ContactKind::Agent | ContactKind::Other if !has_company && !has_last => {
                errors.push("last_name", "last_name or company_name is required");
            }
            _ => {}
        }
    }
}

impl Declared for ContactData {
    type Id = ContactId;
    type Parent = ();
    const NOUN: &'static str = "contact";
    const PLURAL: &'static str = "contacts";
    const TABLE: &'static str = "contacts";
    const PATH: &'static str = "/api/contacts";
    const TAG: &'static str = "Contacts";
    const AUDIT: Option<&'static str> = Some("contact");
    const SEARCH: &'static [&'static str] = &["first_name", "last_name", "company_name"];
    const FILTERS: &'static [&'static str] = &["email", "kind"];
    const SORTS: &'static [&'static str] = &[
        "created_at",
        "updated_at",
        "last_name",
        "first_name",
        "company_name",
        "email",
    ];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"kind": "SYNDIC", "first_name": "Paul", "last_name": "Durand",
            "company_name": "Cabinet Lamy", "email": "contact@example.fr",
            "phone": "01 23 45 67 89",
            "address": {"street": "3 place Bellecour", "postal_code": "69002", "city": "Lyon",
                        "country": "FR"},
            "notes": "Joignable le matin"}"#,
    );
}

/// A contact: a guarantor, an agent, a service provider, a syndic…
pub type Contact = Item<ContactData>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields;
    use serde_json::{Value, json};

    fn read(body: Value) -> Result<ContactData, ValidationErrors> {
        crate::testing::read(body)
    }

    #[test]
    fn syndics_and_providers_are_companies() {
        for kind in ["SYNDIC", "SERVICE_PROVIDER"] {
            let e = read(json!({"kind": kind, "last_name": "Durand"})).expect_err("company");
            assert_eq!(fields(&e), ["company_name"]);
            assert!(read(json!({"kind": kind, "company_name": "Foncia"})).is_ok());
        }
    }

    #[test]
    fn a_guarantor_is_a_named_person_or_an_organisation() {
        let e = read(json!({"kind": "GUARANTOR", "last_name": "Durand"})).expect_err("first");
        assert_eq!(fields(&e), ["first_name"]);
        let e = read(json!({"kind": "GUARANTOR"})).expect_err("names");
        assert_eq!(fields(&e), ["first_name", "last_name"]);
        assert!(read(json!({"kind": "GUARANTOR", "company_name": "Visale"})).is_ok());
        assert!(
            read(json!({"kind": "GUARANTOR", "first_name": "Paul", "last_name": "Durand"})).is_ok()
        );
    }

    #[test]
    fn agents_and_others_need_a_name() {
        for kind in ["AGENT", "OTHER"] {
            let e = read(json!({"kind": kind})).expect_err("name required");
            assert_eq!(fields(&e), ["last_name"]);
            assert!(read(json!({"kind": kind, "company_name": "Agence"})).is_ok());
        }
        let e = read(json!({"kind": "PLUMBER"})).expect_err("kind");
        assert_eq!(fields(&e), ["kind"]);
    }

    #[test]
    fn the_example_reads() {
        let example: Value =
            serde_json::from_str(ContactData::EXAMPLE.expect("example")).expect("json");
        assert!(read(example).is_ok());
    }
}
