use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;
use crate::text_enum;
use crate::values::{Address, CountryCode, Email, Text};

text_enum!(
    /// How a sample is kept.
    Storage {
        Cold => "COLD",
        Dry => "DRY",
    }
);

crate::typed_id!(SampleId);

/// A sample.
#[derive(Debug, Clone, PartialEq, crate::Record)]
#[record(rules)]
struct SampleData {
    /// What it is called.
    #[field(max_len = 10, example = "Pot")]
    name: Text,
    storage: Storage,
    #[field(decimals = 2, min = "0", max = "1000")]
    price: Decimal,
    #[field(min = -10, max = 300)]
    floor: Option<i32>,
    #[field(default = false)]
    fragile: bool,
    email: Option<Email>,
    address: Option<Address>,
    #[field(multiline, max_len = 50)]
    notes: Option<Text>,
    owner_id: Option<SampleId>,
    made_on: Option<NaiveDate>,
}

impl Rules for SampleData {
    fn check(&self, errors: &mut ValidationErrors, _: &Context) {
        if self.fragile && self.floor.is_some_and(|f| f > 100) {
            errors.push("floor", "a fragile sample stays below the 100th floor");
        }
    }
}

/// A sample with its id, the sample's fields inline.
#[derive(Debug, Clone, PartialEq, crate::Record)]
struct Held {
    id: SampleId,
    #[field(flatten)]
    data: SampleData,
}

fn ctx() -> Context {
    Context {
        today: NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"),
    }
}

fn fields_of(e: &ValidationErrors) -> Vec<&str> {
    e.errors().iter().map(|e| e.field.as_str()).collect()
}

fn decode(v: serde_json::Value) -> Result<SampleData, ValidationErrors> {
    SampleData::decode_json(&v, &ctx())
}

#[test]
fn a_valid_object_reads_with_its_defaults_and_blank_is_absent() {
    let s = decode(
        json!({"name": " Pot ", "storage": "COLD", "price": "850.50",
                          "email": null, "notes": "a\nb", "address": {"street": "1 rue X",
                          "postal_code": "75001", "city": "Paris", "country": "  "}}),
    )
    .expect("valid");
    // Blank free text is absent: the country takes its default.
    assert_eq!(s.address.as_ref().map(|a| a.country.as_str()), Some("FR"));
    assert_eq!(s.name.as_str(), "Pot");
    assert_eq!(s.storage, Storage::Cold);
    assert_eq!(s.price, Decimal::from_str("850.5").expect("d"));
    assert!(!s.fragile);
    assert_eq!(s.email, None);
    assert_eq!(s.notes.as_ref().map(Text::as_str), Some("a\nb"));
    // A number is read exactly, never through a float.
    let s = decode(json!({"name": "Pot", "storage": "DRY", "price": 0.1})).expect("valid");
    assert_eq!(s.price.to_string(), "0.1");
}

#[test]
fn blank_is_refused_where_the_schema_wants_a_format() {
    // A UUID, a date, an e-mail, a number or an enumeration name is never "": the schema says
    // so, and a blank one is a 400 naming the field, not an absent value.
    let e = decode(
        json!({"name": "Pot", "storage": "", "price": "", "email": "",
                          "owner_id": " ", "made_on": ""}),
    )
    .expect_err("invalid");
    let mut fields = fields_of(&e);
    fields.sort_unstable();
    assert_eq!(fields, ["email", "made_on", "owner_id", "price", "storage"]);
}

#[test]
fn every_bad_field_is_named_at_once() {
    let e = decode(
        json!({"name": 5, "storage": "WET", "price": 10.005, "floor": 400,
                          "fragile": "yes", "address": {"city": "Paris", "postal_code": "7501"},
                          "owner_id": "nope", "made_on": "07/12/2026", "colour": "red"}),
    )
    .expect_err("invalid");
    let mut fields = fields_of(&e);
    fields.sort();
    assert_eq!(
        fields,
        [
            "address.street",
            "colour",
            "floor",
            "fragile",
            "made_on",
            "name",
            "owner_id",
            "price",
            "storage"
        ]
    );
    let message = |f: &str| {
        e.errors()
            .iter()
            .find(|x| x.field == f)
            .map(|x| x.message.clone())
            .unwrap_or_default()
    };
    assert_eq!(message("name"), "must be a string");
    assert_eq!(message("storage"), "must be one of COLD, DRY");
    assert_eq!(message("floor"), "must be between -10 and 300");
    assert!(message("colour").starts_with("is not a field"));
    // Missing required fields.
    let e = decode(json!({})).expect_err("empty");
    assert_eq!(fields_of(&e), ["name", "storage", "price"]);
    assert!(e.errors().iter().all(|x| x.message == "is required"));
    // Rules run once the fields read.
    let e = decode(
        json!({"name": "Pot", "storage": "DRY", "price": 1, "fragile": true,
                          "floor": 150}),
    )
    .expect_err("rule");
    assert_eq!(fields_of(&e), ["floor"]);
}

#[test]
fn nested_records_take_their_rules_and_defaults_under_their_name() {
    let s = decode(json!({"name": "Pot", "storage": "DRY", "price": 1,
                          "address": {"street": "1 rue", "postal_code": "75001", "city": "Paris"}}))
    .expect("valid");
    let a = s.address.expect("address");
    assert_eq!(a.country, CountryCode::france());
    let e = decode(json!({"name": "Pot", "storage": "DRY", "price": 1,
                          "address": {"street": "1 rue", "postal_code": "7501", "city": "Paris"}}))
    .expect_err("postal code");
    assert_eq!(fields_of(&e), ["address.postal_code"]);
    let e = decode(json!({"name": "Pot", "storage": "DRY", "price": 1, "address": "Paris"}))
        .expect_err("not an object");
    assert_eq!(fields_of(&e), ["address"]);
}

#[test]
fn writing_then_reading_gives_the_same_record() {
    let s = decode(
        json!({"name": "Pot", "storage": "COLD", "price": "12.30", "floor": -2,
                          "address": {"street": "1 rue", "postal_code": "75001", "city": "Paris"},
                          "owner_id": "01a1ff3a-e695-72fc-9a58-26ec8410f677",
                          "made_on": "2026-01-31"}),
    )
    .expect("valid");
    let written = s.encode_json();
    assert_eq!(written["price"], json!(12.3));
    assert_eq!(written["storage"], "COLD");
    assert_eq!(written["email"], serde_json::Value::Null);
    assert_eq!(decode(written).expect("again"), s);
}

/// Columns in a map, as a row.
#[derive(Default)]
struct FakeRow(HashMap<String, SqlValue>);

macro_rules! getter {
    ($method:ident, $variant:ident, $ty:ty) => {
        fn $method(&mut self, column: &str) -> Result<Option<$ty>, DecodeError> {
            match self.0.get(column) {
                Some(SqlValue::$variant(v)) => Ok(v.clone()),
                Some(other) => Err(DecodeError::new(column, format!("{other:?}"), "type")),
                None => Err(DecodeError::new(column, "", "no such column")),
            }
        }
    };
}

impl SqlRow for FakeRow {
    getter!(text, Text, String);
    getter!(decimal, Decimal, Decimal);
    getter!(bool, Bool, bool);
    getter!(date, Date, NaiveDate);
    getter!(timestamp, Timestamp, DateTime<Utc>);
    getter!(uuid, Uuid, uuid::Uuid);
    getter!(json, Json, serde_json::Value);
    fn int(&mut self, column: &str) -> Result<Option<i64>, DecodeError> {
        match self.0.get(column) {
            Some(SqlValue::Int(v)) => Ok(v.map(i64::from)),
            Some(SqlValue::BigInt(v)) => Ok(*v),
            _ => Err(DecodeError::new(column, "", "no such column")),
        }
    }
    fn uuid_array(&mut self, column: &str) -> Result<Option<Vec<uuid::Uuid>>, DecodeError> {
        match self.0.get(column) {
            Some(SqlValue::UuidArray(v)) => Ok(Some(v.clone())),
            _ => Err(DecodeError::new(column, "", "no such column")),
        }
    }
    fn text_array(&mut self, column: &str) -> Result<Option<Vec<String>>, DecodeError> {
        match self.0.get(column) {
            Some(SqlValue::TextArray(v)) => Ok(Some(v.clone())),
            _ => Err(DecodeError::new(column, "", "no such column")),
        }
    }
    fn is_null(&mut self, column: &str) -> Result<bool, DecodeError> {
        Ok(match self.0.get(column) {
            Some(SqlValue::Text(v)) => v.is_none(),
            Some(SqlValue::Int(v)) => v.is_none(),
            Some(SqlValue::BigInt(v)) => v.is_none(),
            Some(SqlValue::Decimal(v)) => v.is_none(),
            Some(SqlValue::Bool(v)) => v.is_none(),
            Some(SqlValue::Date(v)) => v.is_none(),
            Some(SqlValue::Uuid(v)) => v.is_none(),
            Some(_) => false,
            None => return Err(DecodeError::new(column, "", "no such column")),
        })
    }
}

fn stored(held: &Held) -> FakeRow {
    let mut columns = Vec::new();
    Held::record_columns(&mut columns);
    let mut values = Vec::new();
    held.record_to_sql(&mut values);
    assert_eq!(columns.len(), values.len());
    FakeRow(columns.into_iter().map(|c| c.name).zip(values).collect())
}

#[test]
fn a_record_is_stored_in_its_columns_and_read_back() {
    let data = decode(json!({"name": "Pot", "storage": "DRY", "price": 3,
                             "address": {"street": "1 rue", "postal_code": "75001", "city": "Paris"}}))
    .expect("valid");
    let held = Held {
        id: SampleId::generate(),
        data,
    };
    assert_eq!(
        Held::column_names(),
        [
            "id",
            "name",
            "storage",
            "price",
            "floor",
            "fragile",
            "email",
            "address_street",
            "address_postal_code",
            "address_city",
            "address_country",
            "notes",
            "owner_id",
            "made_on"
        ]
    );
    let mut row = stored(&held);
    assert_eq!(Held::record_from_sql(&mut row).expect("read back"), held);
    // An absent address is NULL in all four columns, and reads back as absent.
    let mut bare = held.clone();
    bare.data.address = None;
    let mut row = stored(&bare);
    assert_eq!(row.0["address_city"], SqlValue::Text(None));
    assert_eq!(Held::record_from_sql(&mut row).expect("read back"), bare);
}

#[test]
fn a_stored_value_that_cannot_be_read_is_an_error_never_a_default() {
    let held = Held {
        id: SampleId::generate(),
        data: decode(json!({"name": "Pot", "storage": "DRY", "price": 3})).expect("valid"),
    };
    let mut row = stored(&held);
    row.0
        .insert("storage".into(), SqlValue::Text(Some("FROZEN".into())));
    let e = Held::record_from_sql(&mut row).expect_err("unknown name");
    assert_eq!(e.column, "storage");
    assert_eq!(e.value, "FROZEN");
    let mut row = stored(&held);
    row.0.insert("name".into(), SqlValue::Text(None));
    assert_eq!(
        Held::record_from_sql(&mut row).expect_err("null").column,
        "name"
    );
}

#[test]
fn the_schema_says_what_is_required_nullable_and_bounded() {
    let fields = SampleData::fields();
    let get = |n: &str| fields.iter().find(|f| f.name == n).expect("field").clone();
    assert!(get("name").required && !get("name").nullable);
    assert_eq!(get("name").description, Some("What it is called."));
    assert_eq!(get("name").example, Some("Pot"));
    assert!(!get("fragile").required, "a default makes it optional");
    assert!(!get("floor").required && get("floor").nullable);
    assert!(matches!(
        get("storage").shape,
        Shape::Enum {
            name: "Storage",
            values: ["COLD", "DRY"],
            ..
        }
    ));
    assert!(matches!(
        get("address").shape,
        Shape::Record {
            name: "Address",
            ..
        }
    ));
    assert_eq!(SampleData::NAME, "Sample");
    assert_eq!(SampleData::DESCRIPTION, Some("A sample."));
    // The flattened record's fields are the holder's.
    assert_eq!(Held::fields().len(), fields.len() + 1);
}

#[test]
fn enums_are_serde_by_name() {
    assert_eq!(
        serde_json::to_value(Storage::Cold).expect("json"),
        json!("COLD")
    );
    let back: Storage = serde_json::from_value(json!("DRY")).expect("read");
    assert_eq!(back, Storage::Dry);
    assert!(serde_json::from_value::<Storage>(json!("WET")).is_err());
    assert_eq!(
        <Storage as TextEnum>::DESCRIPTION.trim(),
        "How a sample is kept."
    );
}
