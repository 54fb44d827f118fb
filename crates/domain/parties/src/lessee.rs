//! Lessees (the people renting), declared once: fields, and how they are served and stored.

use chrono::NaiveDate;
use faireplace_kernel::record::{
    Context, DecodeError, FieldOpts, FieldValue, Shape, SqlKind, SqlRow, SqlValue,
};
use faireplace_kernel::values::{Address, Email, InvalidValue, Phone, Text};
use faireplace_kernel::{Declared, Item, Record, ValidationErrors};
use serde_json::Value as Json;

use crate::{NAME_MAX, NOTES_MAX};

pub use faireplace_kernel::ids::LesseeId;

/// A birth date: on or after 1900-01-01 and not in the future. Checked as it is read, against
/// the day of the request (the record's context), so that it is reported with every other
/// invalid field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    /// The earliest birth date taken.
    pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };

    pub fn parse(date: NaiveDate, today: NaiveDate) -> Result<Self, InvalidValue> {
        if date > today {
            Err(InvalidValue("must not be in the future".into()))
        } else if date < Self::EARLIEST {
            Err(InvalidValue("must be on or after 1900-01-01".into()))
        } else {
            Ok(Self(date))
        }
    }

    pub fn date(&self) -> NaiveDate {
        self.0
    }
}

impl FieldValue for BirthDate {
    fn from_json(value: &Json, opts: &FieldOpts, ctx: &Context) -> Result<Self, ValidationErrors> {
        let date = NaiveDate::from_json(value, opts, ctx)?;
        Self::parse(date, ctx.today).map_err(|e| ValidationErrors::single("", e.0))
    }
    fn to_json(&self) -> Json {
        self.0.to_json()
    }
    fn shape(opts: &FieldOpts) -> Shape {
        NaiveDate::shape(opts)
    }
    const SQL: SqlKind = SqlKind::Date;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        self.0.to_sql(out)
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        // What was stored was checked then: it is taken as it is.
        Ok(NaiveDate::from_sql(row, name)?.map(Self))
    }
}

/// A lessee (the person renting): first_name and last_name are required.
#[derive(Debug, Clone, PartialEq, Record)]
#[record(name = "Lessee")]
pub struct LesseeData {
    #[field(max_len = NAME_MAX, example = "Léa")]
    pub first_name: Text,
    #[field(max_len = NAME_MAX, example = "Bernard")]
    pub last_name: Text,
    /// Not in the future, not before 1900.
    #[field(example = "1990-05-17")]
    pub birth_date: Option<BirthDate>,
    /// Stored lower-cased; the list's `?email=` compares it so.
    #[field(example = "lea.bernard@example.fr")]
    pub email: Option<Email>,
    #[field(example = "06 98 76 54 32")]
    pub phone: Option<Phone>,
    pub address: Option<Address>,
    #[field(multiline, max_len = NOTES_MAX)]
    pub notes: Option<Text>,
}

impl LesseeData {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

impl Declared for LesseeData {
    type Id = LesseeId;
    type Parent = ();
    const NOUN: &'static str = "lessee";
    const PLURAL: &'static str = "lessees";
    const TABLE: &'static str = "lessees";
    const PATH: &'static str = "/api/lessees";
    const TAG: &'static str = "Lessees";
    const AUDIT: Option<&'static str> = Some("lessee");
    const SEARCH: &'static [&'static str] = &["first_name", "last_name"];
    const FILTERS: &'static [&'static str] = &["email"];
    const SORTS: &'static [&'static str] = &[
        "created_at",
        "updated_at",
        "last_name",
        "first_name",
        "email",
        "birth_date",
    ];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"first_name": "Léa", "last_name": "Bernard", "birth_date": "1990-05-17",
            "email": "lea.bernard@example.fr", "phone": "06 98 76 54 32",
            "address": {"street": "8 rue des Lilas", "postal_code": "33000", "city": "Bordeaux",
                        "country": "FR"},
            "notes": "Préfère être joint par courriel"}"#,
    );
}

/// A lessee (the person renting).
pub type Lessee = Item<LesseeData>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fields;
    use serde_json::json;

    fn read(body: Json) -> Result<LesseeData, ValidationErrors> {
        crate::testing::read(body)
    }

    #[test]
    fn both_names_are_required() {
        let e = read(json!({})).expect_err("names");
        assert_eq!(fields(&e), ["first_name", "last_name"]);
    }

    #[test]
    fn birth_date_is_bounded_and_reported_with_the_rest() {
        let e = read(json!({"birth_date": "2027-01-01"})).expect_err("future");
        assert_eq!(fields(&e), ["first_name", "last_name", "birth_date"]);
        let named = |birth: &str| {
            read(json!({"first_name": "Léa", "last_name": "Bernard",
                                               "birth_date": birth}))
        };
        assert!(named("1850-01-01").is_err());
        assert!(named("2026-11-22").is_err());
        assert!(named("2026-11-21").is_ok());
        let ok = named("1990-05-17").expect("valid");
        assert_eq!(
            ok.birth_date.map(|b| b.date()),
            NaiveDate::from_ymd_opt(1990, 5, 17)
        );
        assert_eq!(ok.full_name(), "Léa Bernard");
    }

    #[test]
    fn the_example_reads() {
        let example: Json =
            serde_json::from_str(LesseeData::EXAMPLE.expect("example")).expect("json");
        assert!(read(example).is_ok());
    }
}
