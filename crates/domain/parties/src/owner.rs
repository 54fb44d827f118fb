//! Owners, declared once: fields, rules, and how they are served and stored.

use faireplace_kernel::values::{Address, Email, Iban, Phone, Siret, Text};
use faireplace_kernel::{Context, Declared, Item, Record, Rules, ValidationErrors, text_enum};

use crate::{COMPANY_NAME_MAX, NAME_MAX, NOTES_MAX};

pub use faireplace_kernel::ids::OwnerId;

text_enum!(
    /// A natural person or a company (an SCI, a bank, an investor…).
    pub OwnerKind {
        Person => "PERSON",
        Company => "COMPANY",
    }
);

/// An owner of estates: a PERSON needs first_name and last_name, a COMPANY company_name.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "Owner", rules)]
pub struct OwnerData {
    pub kind: OwnerKind,
    #[field(max_len = NAME_MAX, example = "Jeanne")]
    pub first_name: Option<Text>,
    #[field(max_len = NAME_MAX, example = "Martin")]
    pub last_name: Option<Text>,
    #[field(max_len = COMPANY_NAME_MAX, example = "SCI Les Tilleuls")]
    pub company_name: Option<Text>,
    /// 14 digits with a valid Luhn checksum.
    #[field(example = "73282932000074")]
    pub siret: Option<Siret>,
    /// Stored lower-cased; the list's `?email=` compares it so.
    #[field(example = "jeanne.martin@example.fr")]
    pub email: Option<Email>,
    #[field(example = "+33 6 12 34 56 78")]
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    #[field(example = "FR7630006000011234567890189")]
    pub iban: Option<Iban>,
    /// The owner's id in the client's own software.
    #[field(max_len = 100, example = "ERP-42")]
    pub external_reference_id: Option<Text>,
    #[field(multiline, max_len = NOTES_MAX)]
    pub notes: Option<Text>,
}

impl Rules for OwnerData {
    fn check(&self, errors: &mut ValidationErrors, _: &Context) {
        match self.kind {
            OwnerKind::Person => {
                if self.first_name.is_none() {
                    errors.push("first_name", "is required for a PERSON owner");
                }
                if self.last_name.is_none() {
                    errors.push("last_name", "is required for a PERSON owner");
                }
            }
            OwnerKind::Company => {
                if self.company_name.is_none() {
                    errors.push("company_name", "is required for a COMPANY owner");
                }
            }
        }
    }
}

impl OwnerData {
    /// The name to show: the company's, or "First Last".
    pub fn display_name(&self) -> String {
        match (&self.company_name, self.kind) {
            (Some(c), OwnerKind::Company) => c.to_string(),
            _ => [&self.first_name, &self.last_name]
                .into_iter()
                .flatten()
                .map(Text::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

impl Declared for OwnerData {
    type Id = OwnerId;
    type Parent = ();
    const NOUN: &'static str = "owner";
    const PLURAL: &'static str = "owners";
    const TABLE: &'static str = "owners";
    const PATH: &'static str = "/api/owners";
    const TAG: &'static str = "Owners";
    const AUDIT: Option<&'static str> = Some("owner");
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
        r#"{"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin",
            "email": "jeanne.martin@example.fr", "phone": "+33 6 12 34 56 78",
            "address": {"street": "12 rue de la Paix", "postal_code": "75002", "city": "Paris",
                        "country": "FR"},
            "iban": "FR7630006000011234567890189", "external_reference_id": "ERP-42",
            "notes": "Paie à 30 jours"}"#,
    );
}

/// An owner of estates.
pub type Owner = Item<OwnerData>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields;
    use serde_json::{Value, json};

    fn read(body: Value) -> Result<OwnerData, ValidationErrors> {
        crate::testing::read(body)
    }

    #[test]
    fn a_person_needs_both_names() {
        assert!(
            read(json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin"})).is_ok()
        );
        let e = read(json!({"kind": "PERSON", "last_name": "  "})).expect_err("names missing");
        assert_eq!(fields(&e), ["first_name", "last_name"]);
    }

    #[test]
    fn a_company_needs_its_name_and_a_valid_siret() {
        let e = read(json!({"kind": "COMPANY"})).expect_err("no name");
        assert_eq!(fields(&e), ["company_name"]);
        let e = read(json!({"kind": "COMPANY", "company_name": "X", "siret": "12345678901234"}))
            .expect_err("bad siret");
        assert_eq!(fields(&e), ["siret"]);
        let ok = read(
            json!({"kind": "COMPANY", "company_name": "SCI Les Tilleuls",
                             "siret": "732 829 320 00074"}),
        )
        .expect("valid");
        assert_eq!(ok.siret.expect("siret").as_str(), "73282932000074");
    }

    #[test]
    fn kind_is_required_and_checked() {
        let e = read(json!({})).expect_err("no kind");
        assert_eq!(fields(&e), ["kind"]);
        let e = read(json!({"kind": "ROBOT"})).expect_err("bad kind");
        assert_eq!(fields(&e), ["kind"]);
        assert!(e.errors()[0].message.contains("PERSON, COMPANY"));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let e = read(
            json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin",
                            "email": "nope", "phone": "12", "iban": "FR00"}),
        )
        .expect_err("invalid");
        assert_eq!(fields(&e), ["email", "phone", "iban"]);
    }

    #[test]
    fn the_example_reads() {
        let example: Value =
            serde_json::from_str(OwnerData::EXAMPLE.expect("example")).expect("json");
        assert!(read(example).is_ok());
    }

    #[test]
    fn display_name() {
        let person = read(json!({"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin"}))
            .expect("valid");
        assert_eq!(person.display_name(), "Jeanne Martin");
        let company =
            read(json!({"kind": "COMPANY", "company_name": "SCI Les Tilleuls"})).expect("valid");
        assert_eq!(company.display_name(), "SCI Les Tilleuls");
    }
}
