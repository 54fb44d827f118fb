//! Owners, contacts and lessees: the people and companies of a portfolio.
//!
//! Each party has an `…Input` (what a client sent, every field optional), validated into
//! `…Data` (well-formed values only) by `parse`, which reports every invalid field at once.
//! The entity adds the id and timestamps.

mod contact;
mod lessee;
mod owner;

pub use contact::{Contact, ContactData, ContactId, ContactInput, ContactKind};
pub use lessee::{Lessee, LesseeData, LesseeId, LesseeInput};
pub use owner::{Owner, OwnerData, OwnerId, OwnerInput, OwnerKind};

use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::{Address, AddressInput, Email, InvalidValue, Phone, Text};

/// Longest first or last name.
pub const NAME_MAX: usize = 100;
/// Longest company name.
pub const COMPANY_NAME_MAX: usize = 200;
/// Longest notes.
pub const NOTES_MAX: usize = 5000;

/// Parses an optional single-line text; an empty string counts as absent.
fn opt_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<Text> {
    let value = value.as_deref().filter(|v| !v.trim().is_empty())?;
    errors.take(field, Text::parse(value, max))
}

/// The contact details every party shares.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Reachability {
    email: Option<Email>,
    phone: Option<Phone>,
    address: Option<Address>,
    notes: Option<Text>,
}

fn reachability(
    errors: &mut ValidationErrors,
    email: &Option<String>,
    phone: &Option<String>,
    address: &Option<AddressInput>,
    notes: &Option<String>,
) -> Reachability {
    let email = present(email).and_then(|e| errors.take("email", Email::parse(e)));
    let phone = present(phone).and_then(|p| errors.take("phone", Phone::parse(p)));
    let address = address
        .as_ref()
        .and_then(|a| Address::parse(a, "address", errors));
    let notes =
        present(notes).and_then(|n| errors.take("notes", Text::parse_multiline(n, NOTES_MAX)));
    Reachability {
        email,
        phone,
        address,
        notes,
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

/// Parses a required enumeration given as text.
fn required_kind<K>(
    errors: &mut ValidationErrors,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<K, InvalidValue>,
) -> Option<K> {
    match present(value) {
        None => {
            errors.push("kind", "is required");
            None
        }
        Some(v) => errors.take("kind", parse(v.trim())),
    }
}

faireplace_kernel::sort_fields!(
    /// How owner and contact lists can be sorted.
    pub PartySort {
        LastName => "last_name",
        FirstName => "first_name",
        CompanyName => "company_name",
        Email => "email",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

faireplace_kernel::sort_fields!(
    /// How lessee lists can be sorted.
    pub LesseeSort {
        LastName => "last_name",
        FirstName => "first_name",
        Email => "email",
        BirthDate => "birth_date",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

/// Equality filters of the owner list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerFilter {
    pub email: Option<Email>,
    pub kind: Option<OwnerKind>,
}

/// Equality filters of the contact list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    pub email: Option<Email>,
    pub kind: Option<ContactKind>,
}

/// Equality filters of the lessee list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LesseeFilter {
    pub email: Option<Email>,
}
