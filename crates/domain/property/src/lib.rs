//! The physical side of a portfolio: places (buildings), estates (lots) and everything attached
//! to them, with the rules of energy diagnoses (DPE), other diagnostics and furnished letting.

pub mod diagnostics;
pub mod energy;
pub mod equipment;
pub mod estate;
pub mod estate_key;
pub mod inventory;
pub mod place;
pub mod room;
pub mod types;

pub use diagnostics::{Diagnostic, DiagnosticData, DiagnosticId, DiagnosticInput, DiagnosticType};
pub use energy::{
    EnergyClass, EnergyDiagnosis, EnergyDiagnosisData, EnergyDiagnosisId, EnergyDiagnosisInput,
};
pub use equipment::{Condition, Equipment, EquipmentData, EquipmentId};
pub use estate::{
    ConstructionPeriod, Estate, EstateData, EstateFilter, EstateId, EstateInput, EstateSort,
    EstateStatus,
};
pub use estate_key::{EstateKey, HolderKind, KeyData, KeyHandover, KeyId, KeyKind};
pub use inventory::{FurnitureItem, InventoryData, InventoryId, InventoryItem, missing_furniture};
pub use place::{HeatingType, Place, PlaceData, PlaceFilter, PlaceId, PlaceInput, PlaceSort};
pub use room::{Room, RoomData, RoomId};
pub use types::{PropertyType, TypeData, TypeId, TypeInput, TypeKind};

use chrono::NaiveDate;
use faireplace_kernel::numbers::{bounded_decimal, bounded_int};
use faireplace_kernel::values::{InvalidValue, Text};
use faireplace_kernel::{Declared, Item, ValidationErrors};
use rust_decimal::Decimal;

/// A timestamped entity of an estate: every sub-resource carries its estate.
pub trait OfEstate {
    fn estate_id(&self) -> EstateId;
}

/// What is declared under an estate (rooms, equipment, inventory, keys) carries it as parent.
impl<D: Declared<Parent = EstateId>> OfEstate for Item<D> {
    fn estate_id(&self) -> EstateId {
        self.parent
    }
}

/// Declares an entity of an estate with a repository of its own: id, estate, data, timestamps,
/// `new` and `replace`.
macro_rules! estate_entity {
    ($(#[$meta:meta])* $name:ident, $id:ident, $data:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            pub id: $id,
            pub estate_id: EstateId,
            pub data: $data,
            pub created_at: DateTime<Utc>,
            pub updated_at: DateTime<Utc>,
        }

        impl $name {
            pub fn new(estate_id: EstateId, data: $data, now: DateTime<Utc>) -> Self {
                Self {
                    id: $id::generate(),
                    estate_id,
                    data,
                    created_at: now,
                    updated_at: now,
                }
            }

            pub fn replace(&mut self, data: $data, now: DateTime<Utc>) {
                self.data = data;
                self.updated_at = now;
            }
        }

        impl $crate::OfEstate for $name {
            fn estate_id(&self) -> EstateId {
                self.estate_id
            }
        }
    };
}

pub(crate) use estate_entity;

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

fn opt_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<Text> {
    present(value).and_then(|v| errors.take(field, Text::parse(v, max)))
}

fn req_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<Text> {
    match present(value) {
        None => {
            errors.push(field, "is required");
            None
        }
        Some(v) => errors.take(field, Text::parse(v, max)),
    }
}

/// Optional notes: several lines allowed.
fn opt_notes(errors: &mut ValidationErrors, value: &Option<String>, max: usize) -> Option<Text> {
    present(value).and_then(|n| errors.take("notes", Text::parse_multiline(n, max)))
}

fn opt_enum<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, InvalidValue>,
) -> Option<T> {
    present(value).and_then(|v| errors.take(field, parse(v)))
}

fn req_enum<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, InvalidValue>,
) -> Option<T> {
    match present(value) {
        None => {
            errors.push(field, "is required");
            None
        }
        Some(v) => errors.take(field, parse(v)),
    }
}

fn opt_decimal(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<Decimal>,
    min: Decimal,
    max: Decimal,
) -> Option<Decimal> {
    value.and_then(|v| errors.take(field, bounded_decimal(v, 2, min, max)))
}

fn opt_int(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<i64>,
    min: i64,
    max: i64,
) -> Option<i64> {
    value.and_then(|v| errors.take(field, bounded_int(v, min, max)))
}

fn required<T>(errors: &mut ValidationErrors, field: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        errors.push(field, "is required");
    }
    value
}

fn not_future(
    errors: &mut ValidationErrors,
    field: &str,
    date: Option<NaiveDate>,
    today: NaiveDate,
) {
    if date.is_some_and(|d| d > today) {
        errors.push(field, "must not be in the future");
    }
}

/// Adds whole years, landing on 28 February for a 29 February that has none.
pub fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    date.with_year_checked(date.year_ce_plus(years))
}

trait YearArithmetic {
    fn year_ce_plus(&self, years: i32) -> i32;
    fn with_year_checked(&self, year: i32) -> NaiveDate;
}

impl YearArithmetic for NaiveDate {
    fn year_ce_plus(&self, years: i32) -> i32 {
        chrono::Datelike::year(self) + years
    }

    fn with_year_checked(&self, year: i32) -> NaiveDate {
        use chrono::Datelike;
        self.with_year(year)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month(), 28))
            .unwrap_or(*self)
    }
}

/// Adds whole months, clamping to the end of a shorter month.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(chrono::Months::new(months))
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_months_add_like_a_calendar() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("date");
        assert_eq!(add_years(d(2024, 2, 29), 10), d(2034, 2, 28));
        assert_eq!(add_years(d(2020, 6, 15), 6), d(2026, 6, 15));
        assert_eq!(add_months(d(2026, 8, 31), 6), d(2027, 2, 28));
    }
}
