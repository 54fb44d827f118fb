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

/// How the tests read a body, on a fixed day, and see the fields it fails on.
#[cfg(test)]
pub(crate) mod testing {
    use faireplace_kernel::{Context, RecordTrait, ValidationErrors};
    use serde_json::Value;

    pub(crate) fn read<R: RecordTrait>(body: Value) -> Result<R, ValidationErrors> {
        let ctx = Context {
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
        };
        R::decode_json(&body, &ctx)
    }

    pub(crate) fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }
}
