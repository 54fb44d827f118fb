//! Owners, contacts and lessees: the people and companies of a portfolio.
//!
//! Each is declared once (a `#[derive(Record)]` data struct and its `Declared`): its fields,
//! its rules, how it is served, listed and stored. `Owner`, `Contact` and `Lessee` are the
//! stored items (`Item<…Data>`: id, fields, times).

mod contact;
mod lessee;
mod owner;

pub use contact::{Contact, ContactData, ContactId, ContactKind};
pub use lessee::{BirthDate, Lessee, LesseeData, LesseeId};
pub use owner::{Owner, OwnerData, OwnerId, OwnerKind};

/// Longest first or last name.
pub const NAME_MAX: usize = 100;
/// Longest company name.
pub const COMPANY_NAME_MAX: usize = 200;
/// Longest notes.
pub const NOTES_MAX: usize = 5000;
