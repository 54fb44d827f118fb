//! One declaration per record: a struct with `#[derive(Record)]` is read from a client's JSON
//! (every invalid field reported at once, unknown fields refused), written back as JSON,
//! described as a schema (the OpenAPI document is built from it), and stored in and read from
//! columns of a table (a value that cannot be read back is an error, never a made-up default).
//!
//! The description is plain data: the adapters turn it into OpenAPI, SQL and HTTP; this crate
//! knows none of them.
//!
//! ```ignore
//! #[derive(Debug, Clone, PartialEq, Record)]
//! #[record(name = "BankAccount", id = BankAccountId)]
//! pub struct BankAccountData {
//!     pub kind: BankAccountKind,
//!     /// How the account is called in lists.
//!     #[field(max = 100, example = "Compte courant")]
//!     pub label: Text,
//!     pub iban: Iban,
//! }
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};

use crate::errors::ValidationErrors;

/// What reading a record may need besides its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Today, for rules such as "a birth date is in the past".
    pub today: NaiveDate,
}

/// The options of a field, from its `#[field(...)]` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldOpts {
    /// Longest text, in characters.
    pub max_len: Option<usize>,
    /// Text over several lines (tabs and line breaks allowed).
    pub multiline: bool,
    /// Most decimals of a number.
    pub decimals: Option<u32>,
    /// Bounds of a number, as text (`"0.01"`, `"-10"`).
    pub min: Option<&'static str>,
    pub max: Option<&'static str>,
}

impl FieldOpts {
    pub const DEFAULT: FieldOpts = FieldOpts {
        max_len: None,
        multiline: false,
        decimals: None,
        min: None,
        max: None,
    };
}

impl Default for FieldOpts {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The shape of a value, as a schema describes it.
#[derive(Debug, Clone)]
pub enum Shape {
    String {
        format: Option<&'static str>,
        max_length: Option<usize>,
        pattern: Option<&'static str>,
    },
    /// One of the names of an enumeration, a component of its own.
    Enum {
        name: &'static str,
        description: Option<&'static str>,
        values: &'static [&'static str],
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
        wide: bool,
    },
    /// An exact decimal, sent as a JSON number or a decimal string (`"850.50"`).
    Decimal {
        decimals: Option<u32>,
        min: Option<&'static str>,
        max: Option<&'static str>,
    },
    Boolean,
    Date,
    DateTime,
    Uuid,
    /// A nested record, a component of its own.
    Record {
        name: &'static str,
        description: Option<&'static str>,
        fields: fn() -> Vec<FieldSchema>,
    },
    Array(Box<Shape>),
    /// Any JSON object.
    Object,
}

/// One field of a record's schema.
#[derive(Debug, Clone)]
pub struct FieldSchema {
    pub name: &'static str,
    pub shape: Shape,
    /// A client must send it (no default, not nullable).
    pub required: bool,
    /// `null` is a value of it.
    pub nullable: bool,
    /// Written by the server only (ids, times, derived values).
    pub read_only: bool,
    pub description: Option<&'static str>,
    pub example: Option<&'static str>,
}

/// A column's type in storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlKind {
    Text,
    Int,
    BigInt,
    Decimal,
    Bool,
    Date,
    Timestamp,
    Uuid,
    UuidArray,
    TextArray,
    Json,
}

/// A column of a record, in the order [`Record::record_to_sql`] writes its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: SqlKind,
}

/// A value to store (`None`: NULL).
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Text(Option<String>),
    Int(Option<i32>),
    BigInt(Option<i64>),
    Decimal(Option<Decimal>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
    Timestamp(Option<DateTime<Utc>>),
    Uuid(Option<uuid::Uuid>),
    UuidArray(Vec<uuid::Uuid>),
    TextArray(Vec<String>),
    Json(Option<Json>),
}

impl SqlValue {
    /// NULL of a kind.
    pub fn null(kind: SqlKind) -> Self {
        match kind {
            SqlKind::Text => SqlValue::Text(None),
            SqlKind::Int => SqlValue::Int(None),
            SqlKind::BigInt => SqlValue::BigInt(None),
            SqlKind::Decimal => SqlValue::Decimal(None),
            SqlKind::Bool => SqlValue::Bool(None),
            SqlKind::Date => SqlValue::Date(None),
            SqlKind::Timestamp => SqlValue::Timestamp(None),
            SqlKind::Uuid => SqlValue::Uuid(None),
            SqlKind::UuidArray => SqlValue::UuidArray(Vec::new()),
            SqlKind::TextArray => SqlValue::TextArray(Vec::new()),
            SqlKind::Json => SqlValue::Json(None),
        }
    }
}

/// A stored value that cannot be read back: a row written by an older version, or by hand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: cannot read {value:?}: {reason}")]
pub struct DecodeError {
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl DecodeError {
    pub fn new(column: &str, value: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            column: column.to_owned(),
            value: value.into(),
            reason: reason.into(),
        }
    }

    fn null(column: &str) -> Self {
        Self::new(column, "NULL", "a value is required")
    }
}

/// A stored row, as a record reads it: each getter answers the column's value, `None` for
/// NULL, or a [`DecodeError`] when the column is missing or of another type.
pub trait SqlRow {
    fn text(&mut self, column: &str) -> Result<Option<String>, DecodeError>;
    fn int(&mut self, column: &str) -> Result<Option<i64>, DecodeError>;
    fn decimal(&mut self, column: &str) -> Result<Option<Decimal>, DecodeError>;
    fn bool(&mut self, column: &str) -> Result<Option<bool>, DecodeError>;
    fn date(&mut self, column: &str) -> Result<Option<NaiveDate>, DecodeError>;
    fn timestamp(&mut self, column: &str) -> Result<Option<DateTime<Utc>>, DecodeError>;
    fn uuid(&mut self, column: &str) -> Result<Option<uuid::Uuid>, DecodeError>;
    fn uuid_array(&mut self, column: &str) -> Result<Option<Vec<uuid::Uuid>>, DecodeError>;
    fn text_array(&mut self, column: &str) -> Result<Option<Vec<String>>, DecodeError>;
    fn json(&mut self, column: &str) -> Result<Option<Json>, DecodeError>;
    /// Whether the column is NULL, whatever its type.
    fn is_null(&mut self, column: &str) -> Result<bool, DecodeError>;
}

/// A value a record's field may hold.
pub trait FieldValue: Sized {
    /// Reads a present, non-null, non-blank JSON value; errors under the field itself have
    /// the field name `""`, those of nested fields their path (`street`).
    fn from_json(value: &Json, opts: &FieldOpts, ctx: &Context) -> Result<Self, ValidationErrors>;
    /// What an absent, null or blank field means: a value, or why it is needed.
    fn absent() -> Result<Self, &'static str> {
        Err("is required")
    }
    /// Whether `value` is an absent field: only for free text, whose schema allows `""`; a
    /// blank string where a UUID, a date, a number, an e-mail or a name of an enumeration is
    /// expected is refused like any other text that is not one.
    fn is_blank(_value: &Json) -> bool {
        false
    }
    fn to_json(&self) -> Json;
    fn shape(opts: &FieldOpts) -> Shape;
    /// `null` is a value of this field.
    const NULLABLE: bool = false;
    /// The storage type of a one-column value.
    const SQL: SqlKind;
    /// The columns of a field named `name`.
    fn columns(name: &str, out: &mut Vec<Column>) {
        out.push(Column {
            name: name.to_owned(),
            kind: Self::SQL,
        });
    }
    fn to_sql(&self, out: &mut Vec<SqlValue>);
    /// NULL in each of the field's columns (for an absent optional value).
    fn null_sql(name: &str, out: &mut Vec<SqlValue>) {
        let mut columns = Vec::new();
        Self::columns(name, &mut columns);
        out.extend(columns.into_iter().map(|c| SqlValue::null(c.kind)));
    }
    /// Reads the field from its columns; `Ok(None)` when they are NULL.
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError>;
}

/// A struct read from and written to JSON, described as a schema and stored in columns.
/// Implemented by `#[derive(Record)]`.
pub trait Record: Sized {
    /// The schema's name (`Owner`, `Address`).
    const NAME: &'static str;
    /// The record's documentation.
    const DESCRIPTION: Option<&'static str> = None;
    /// The JSON names of its fields (those of a flattened record included).
    fn json_names(out: &mut Vec<&'static str>);
    /// Reads the fields from `object` (members that are not fields are not looked at), then
    /// runs the record's rules; every problem goes into `errors`.
    fn decode_fields(
        object: &Map<String, Json>,
        ctx: &Context,
        errors: &mut ValidationErrors,
    ) -> Option<Self>;
    /// Writes every field into `out`.
    fn encode(&self, out: &mut Map<String, Json>);
    /// The fields a client sends.
    fn fields() -> Vec<FieldSchema>;
    fn record_columns(out: &mut Vec<Column>);
    fn record_to_sql(&self, out: &mut Vec<SqlValue>);
    fn record_from_sql(row: &mut dyn SqlRow) -> Result<Self, DecodeError>;
    /// The column of field `name` and what a JSON `value` of it stores there (a list filters
    /// with it); `None` when no such field.
    fn field_sql(
        name: &str,
        value: &Json,
        ctx: &Context,
    ) -> Option<Result<(String, Vec<SqlValue>), ValidationErrors>>;

    /// Reads a JSON object: every invalid field reported, unknown members refused, then the
    /// record's own rules.
    fn decode(object: &Map<String, Json>, ctx: &Context) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut known = Vec::new();
        Self::json_names(&mut known);
        refuse_unknown(object, &known, &mut errors);
        let value = Self::decode_fields(object, ctx, &mut errors);
        match value {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(errors),
        }
    }
    /// Reads a JSON value, which must be an object.
    fn decode_json(value: &Json, ctx: &Context) -> Result<Self, ValidationErrors> {
        match value {
            Json::Object(o) => Self::decode(o, ctx),
            _ => Err(ValidationErrors::single("body", "must be a JSON object")),
        }
    }
    /// The record as a JSON object.
    fn encode_json(&self) -> Json {
        let mut out = Map::new();
        self.encode(&mut out);
        Json::Object(out)
    }
    /// The names of its columns.
    fn column_names() -> Vec<String> {
        let mut out = Vec::new();
        Self::record_columns(&mut out);
        out.into_iter().map(|c| c.name).collect()
    }
}

/// A record used as the value of another's field: a JSON object, stored in the columns of its
/// fields prefixed with the field's name (`address_street`). `#[derive(Record)]` implements
/// [`FieldValue`] through these.
pub fn nested_from_json<R: Record>(value: &Json, ctx: &Context) -> Result<R, ValidationErrors> {
    match value {
        Json::Object(o) => R::decode(o, ctx),
        _ => Err(invalid("must be an object")),
    }
}

pub fn nested_columns<R: Record>(name: &str, out: &mut Vec<Column>) {
    let mut inner = Vec::new();
    R::record_columns(&mut inner);
    out.extend(inner.into_iter().map(|c| Column {
        name: format!("{name}_{}", c.name),
        kind: c.kind,
    }));
}

/// Reads a nested record from its prefixed columns; `None` when all of them are NULL.
pub fn nested_from_sql<R: Record>(
    row: &mut dyn SqlRow,
    name: &str,
) -> Result<Option<R>, DecodeError> {
    let mut columns = Vec::new();
    nested_columns::<R>(name, &mut columns);
    let mut all_null = true;
    for c in &columns {
        if !row.is_null(&c.name)? {
            all_null = false;
            break;
        }
    }
    if all_null {
        return Ok(None);
    }
    let mut prefixed = Prefixed {
        row,
        prefix: format!("{name}_"),
    };
    R::record_from_sql(&mut prefixed).map(Some)
}

/// A row whose columns are read under a prefix.
struct Prefixed<'a> {
    row: &'a mut dyn SqlRow,
    prefix: String,
}

macro_rules! prefixed_getters {
    ($($method:ident -> $ty:ty),+ $(,)?) => {
        impl SqlRow for Prefixed<'_> {
            $(fn $method(&mut self, column: &str) -> Result<Option<$ty>, DecodeError> {
                let name = format!("{}{column}", self.prefix);
                self.row.$method(&name)
            })+
            fn is_null(&mut self, column: &str) -> Result<bool, DecodeError> {
                let name = format!("{}{column}", self.prefix);
                self.row.is_null(&name)
            }
        }
    };
}

prefixed_getters!(
    text -> String,
    int -> i64,
    decimal -> Decimal,
    bool -> bool,
    date -> NaiveDate,
    timestamp -> DateTime<Utc>,
    uuid -> uuid::Uuid,
    uuid_array -> Vec<uuid::Uuid>,
    text_array -> Vec<String>,
    json -> Json,
);

/// A record's cross-field rules, run once every field reads: `#[record(rules)]` asks for an
/// implementation. Errors name the fields they are about (`postal_code`).
pub trait Rules {
    fn check(&self, errors: &mut ValidationErrors, ctx: &Context);
}

/// Reads field `name` of `object` into `errors` (the generated `decode` calls it).
pub fn read_field<T: FieldValue>(
    object: &Map<String, Json>,
    name: &str,
    opts: &FieldOpts,
    ctx: &Context,
    errors: &mut ValidationErrors,
) -> Option<T> {
    let found = match object.get(name) {
        None | Some(Json::Null) => T::absent().map_err(|m| ValidationErrors::single("", m)),
        Some(v) if T::is_blank(v) => T::absent().map_err(|m| ValidationErrors::single("", m)),
        Some(v) => T::from_json(v, opts, ctx),
    };
    push_under(name, found, errors)
}

/// Like [`read_field`], with `default` for an absent, null or blank field.
pub fn read_field_or<T: FieldValue>(
    object: &Map<String, Json>,
    name: &str,
    opts: &FieldOpts,
    ctx: &Context,
    errors: &mut ValidationErrors,
    default: impl FnOnce() -> T,
) -> Option<T> {
    let found = match object.get(name) {
        None | Some(Json::Null) => Ok(default()),
        Some(v) if T::is_blank(v) => Ok(default()),
        Some(v) => T::from_json(v, opts, ctx),
    };
    push_under(name, found, errors)
}

/// The value, or its errors recorded under field `name`.
pub fn push_under<T>(
    name: &str,
    found: Result<T, ValidationErrors>,
    errors: &mut ValidationErrors,
) -> Option<T> {
    match found {
        Ok(v) => Some(v),
        Err(e) => {
            for f in e.errors() {
                let field = if f.field.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name}.{}", f.field)
                };
                errors.push(field, f.message.clone());
            }
            None
        }
    }
}

/// Refuses the members of `object` that are not fields (`known`).
pub fn refuse_unknown(object: &Map<String, Json>, known: &[&str], errors: &mut ValidationErrors) {
    for key in object.keys() {
        if !known.contains(&key.as_str()) {
            errors.push(
                key.clone(),
                format!("is not a field; the fields are {}", known.join(", ")),
            );
        }
    }
}

/// Reads one field's JSON value and answers its column and stored values (the generated
/// `field_sql` calls it).
pub fn field_to_sql<T: FieldValue>(
    column: &str,
    value: &Json,
    opts: &FieldOpts,
    ctx: &Context,
) -> Result<(String, Vec<SqlValue>), ValidationErrors> {
    let v = T::from_json(value, opts, ctx)?;
    let mut out = Vec::new();
    v.to_sql(&mut out);
    Ok((column.to_owned(), out))
}

/// Reads a field's columns, requiring a value unless the field is optional.
pub fn read_column<T: FieldValue>(row: &mut dyn SqlRow, name: &str) -> Result<T, DecodeError> {
    match T::from_sql(row, name)? {
        Some(v) => Ok(v),
        None => T::absent().map_err(|_| DecodeError::null(name)),
    }
}

fn invalid(message: impl Into<String>) -> ValidationErrors {
    ValidationErrors::single("", message)
}

fn json_str(value: &Json) -> Result<&str, ValidationErrors> {
    value.as_str().ok_or_else(|| invalid("must be a string"))
}

fn null_is(column: &str) -> impl Fn(()) -> DecodeError + '_ {
    move |_| DecodeError::null(column)
}

// ---------------------------------------------------------------------------------------------
// Optional values

impl<T: FieldValue> FieldValue for Option<T> {
    fn from_json(value: &Json, opts: &FieldOpts, ctx: &Context) -> Result<Self, ValidationErrors> {
        T::from_json(value, opts, ctx).map(Some)
    }
    fn absent() -> Result<Self, &'static str> {
        Ok(None)
    }
    fn is_blank(value: &Json) -> bool {
        T::is_blank(value)
    }
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, FieldValue::to_json)
    }
    fn shape(opts: &FieldOpts) -> Shape {
        T::shape(opts)
    }
    const NULLABLE: bool = true;
    const SQL: SqlKind = T::SQL;
    fn columns(name: &str, out: &mut Vec<Column>) {
        T::columns(name, out)
    }
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        match self {
            Some(v) => v.to_sql(out),
            None => T::null_sql("", out),
        }
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        Ok(Some(T::from_sql(row, name)?))
    }
}

// ---------------------------------------------------------------------------------------------
// Plain values

impl FieldValue for bool {
    fn from_json(value: &Json, _: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        value
            .as_bool()
            .ok_or_else(|| invalid("must be true or false"))
    }
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::Boolean
    }
    const SQL: SqlKind = SqlKind::Bool;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Bool(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.bool(name)
    }
}

fn bounds(opts: &FieldOpts) -> (Option<i64>, Option<i64>) {
    (
        opts.min.and_then(|m| m.parse().ok()),
        opts.max.and_then(|m| m.parse().ok()),
    )
}

fn read_int(value: &Json, opts: &FieldOpts) -> Result<i64, ValidationErrors> {
    let n = match value {
        Json::Number(n) => n.as_i64(),
        _ => None,
    }
    .ok_or_else(|| invalid("must be a whole number"))?;
    let (min, max) = bounds(opts);
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        return Err(invalid(format!(
            "must be between {} and {}",
            min.map_or("-∞".into(), |m| m.to_string()),
            max.map_or("∞".into(), |m| m.to_string())
        )));
    }
    Ok(n)
}

impl FieldValue for i32 {
    fn from_json(value: &Json, opts: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        let n = read_int(value, opts)?;
        i32::try_from(n).map_err(|_| invalid("is too large"))
    }
    fn to_json(&self) -> Json {
        Json::from(*self)
    }
    fn shape(opts: &FieldOpts) -> Shape {
        let (min, max) = bounds(opts);
        Shape::Integer {
            min,
            max,
            wide: false,
        }
    }
    const SQL: SqlKind = SqlKind::Int;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Int(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.int(name)?
            .map(|n| {
                i32::try_from(n).map_err(|_| DecodeError::new(name, n.to_string(), "out of range"))
            })
            .transpose()
    }
}

impl FieldValue for i64 {
    fn from_json(value: &Json, opts: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        read_int(value, opts)
    }
    fn to_json(&self) -> Json {
        Json::from(*self)
    }
    fn shape(opts: &FieldOpts) -> Shape {
        let (min, max) = bounds(opts);
        Shape::Integer {
            min,
            max,
            wide: true,
        }
    }
    const SQL: SqlKind = SqlKind::BigInt;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::BigInt(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.int(name)
    }
}

/// Reads an exact decimal from a JSON number (read exactly: never through a float) or a
/// decimal string, then checks its decimals and bounds.
pub fn read_decimal(value: &Json, opts: &FieldOpts) -> Result<Decimal, ValidationErrors> {
    use std::str::FromStr;
    let text = match value {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_owned(),
        _ => {
            return Err(invalid(
                "must be a number or a decimal string such as \"850.50\"",
            ));
        }
    };
    let d = Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|_| invalid("must be a number or a decimal string such as \"850.50\""))?;
    let min = opts.min.and_then(|m| Decimal::from_str(m).ok());
    let max = opts.max.and_then(|m| Decimal::from_str(m).ok());
    let scale = opts.decimals.unwrap_or(28);
    crate::numbers::bounded_decimal(
        d,
        scale,
        min.unwrap_or(Decimal::MIN),
        max.unwrap_or(Decimal::MAX),
    )
    .map_err(|e| invalid(e.0))
}

impl FieldValue for Decimal {
    fn from_json(value: &Json, opts: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        read_decimal(value, opts)
    }
    fn to_json(&self) -> Json {
        // Exact: serde_json keeps the digits (arbitrary precision).
        serde_json::to_value(self.normalize()).unwrap_or(Json::Null)
    }
    fn shape(opts: &FieldOpts) -> Shape {
        Shape::Decimal {
            decimals: opts.decimals,
            min: opts.min,
            max: opts.max,
        }
    }
    const SQL: SqlKind = SqlKind::Decimal;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Decimal(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        Ok(row.decimal(name)?.map(|d| d.normalize()))
    }
}

impl FieldValue for NaiveDate {
    fn from_json(value: &Json, _: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        let s = json_str(value)?;
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| invalid("must be a date (YYYY-MM-DD)"))
    }
    fn to_json(&self) -> Json {
        Json::String(self.format("%Y-%m-%d").to_string())
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::Date
    }
    const SQL: SqlKind = SqlKind::Date;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Date(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.date(name)
    }
}

impl FieldValue for DateTime<Utc> {
    fn from_json(value: &Json, _: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        let s = json_str(value)?;
        DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| invalid("must be a date and time (RFC 3339)"))
    }
    fn to_json(&self) -> Json {
        serde_json::to_value(self).unwrap_or(Json::Null)
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::DateTime
    }
    const SQL: SqlKind = SqlKind::Timestamp;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Timestamp(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.timestamp(name)
    }
}

impl FieldValue for uuid::Uuid {
    fn from_json(value: &Json, _: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        let s = json_str(value)?;
        uuid::Uuid::parse_str(s.trim()).map_err(|_| invalid("must be a UUID"))
    }
    fn to_json(&self) -> Json {
        Json::String(self.to_string())
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::Uuid
    }
    const SQL: SqlKind = SqlKind::Uuid;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Uuid(Some(*self)));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.uuid(name)
    }
}

/// A list of ids (typed or not): a JSON array, a `uuid[]` column.
impl<T: IdValue> FieldValue for Vec<T> {
    fn from_json(value: &Json, _: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        let Json::Array(items) = value else {
            return Err(invalid("must be an array"));
        };
        let mut errors = ValidationErrors::new();
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item
                .as_str()
                .and_then(|s| uuid::Uuid::parse_str(s.trim()).ok())
            {
                Some(u) => out.push(T::from_uuid(u)),
                None => errors.push(format!("[{i}]"), "must be a UUID"),
            }
        }
        errors.into_result()?;
        Ok(out)
    }
    fn absent() -> Result<Self, &'static str> {
        Ok(Vec::new())
    }
    fn is_blank(_: &Json) -> bool {
        false
    }
    fn to_json(&self) -> Json {
        Json::Array(
            self.iter()
                .map(|i| Json::String(i.to_uuid().to_string()))
                .collect(),
        )
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::Array(Box::new(Shape::Uuid))
    }
    const SQL: SqlKind = SqlKind::UuidArray;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::UuidArray(
            self.iter().map(IdValue::to_uuid).collect(),
        ));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        Ok(Some(
            row.uuid_array(name)?
                .unwrap_or_default()
                .into_iter()
                .map(T::from_uuid)
                .collect(),
        ))
    }
}

/// An id: a UUID under a type of its own.
pub trait IdValue: Copy {
    fn from_uuid(u: uuid::Uuid) -> Self;
    fn to_uuid(&self) -> uuid::Uuid;
}

impl IdValue for uuid::Uuid {
    fn from_uuid(u: uuid::Uuid) -> Self {
        u
    }
    fn to_uuid(&self) -> uuid::Uuid {
        *self
    }
}

/// Any JSON object, stored as `jsonb`.
impl FieldValue for Map<String, Json> {
    fn from_json(value: &Json, _: &FieldOpts, _: &Context) -> Result<Self, ValidationErrors> {
        value
            .as_object()
            .cloned()
            .ok_or_else(|| invalid("must be an object"))
    }
    fn to_json(&self) -> Json {
        Json::Object(self.clone())
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::Object
    }
    const SQL: SqlKind = SqlKind::Json;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Json(Some(Json::Object(self.clone()))));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        match row.json(name)? {
            None => Ok(None),
            Some(Json::Object(o)) => Ok(Some(o)),
            Some(other) => Err(DecodeError::new(name, other.to_string(), "not an object")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Text values of the kernel

/// Reads a text value with `parse`, checking the field's `max_len` (and `multiline`) first.
pub fn read_text<T>(
    value: &Json,
    parse: impl Fn(&str) -> Result<T, crate::values::InvalidValue>,
) -> Result<T, ValidationErrors> {
    parse(json_str(value)?).map_err(|e| invalid(e.0))
}

/// A text value of the kernel (`Text`, `Email`…): stored as text, a string in JSON.
#[macro_export]
#[doc(hidden)]
macro_rules! __text_field {
    ($ty:ident, $format:expr, $max:expr) => {
        $crate::__text_field!(
            $ty,
            |raw, _o| $ty::parse(raw),
            format = $format,
            max = Some($max)
        );
    };
    ($ty:ident, |$raw:ident, $opts:ident| $parse:expr, format = $format:expr, max = $max:expr) => {
        impl $crate::record::FieldValue for $ty {
            /// Blank text is an absent value where the schema allows it (no format).
            fn is_blank(value: &$crate::__json::Value) -> bool {
                let format: Option<&str> = $format;
                format.is_none() && value.as_str().is_some_and(|s| s.trim().is_empty())
            }
            fn from_json(
                value: &$crate::__json::Value,
                $opts: &$crate::record::FieldOpts,
                _: &$crate::record::Context,
            ) -> Result<Self, $crate::ValidationErrors> {
                $crate::record::read_text(value, |$raw: &str| $parse)
            }
            fn to_json(&self) -> $crate::__json::Value {
                $crate::__json::Value::String(self.as_str().to_owned())
            }
            fn shape($opts: &$crate::record::FieldOpts) -> $crate::record::Shape {
                $crate::record::Shape::String {
                    format: $format,
                    max_length: $max,
                    pattern: None,
                }
            }
            const SQL: $crate::record::SqlKind = $crate::record::SqlKind::Text;
            fn to_sql(&self, out: &mut Vec<$crate::record::SqlValue>) {
                out.push($crate::record::SqlValue::Text(Some(
                    self.as_str().to_owned(),
                )));
            }
            fn from_sql(
                row: &mut dyn $crate::record::SqlRow,
                name: &str,
            ) -> Result<Option<Self>, $crate::record::DecodeError> {
                // What was stored was validated then: it is taken as it is.
                Ok(row.text(name)?.map($ty::from_trusted))
            }
        }
    };
}

use crate::values::{Bic, CountryCode, Email, Iban, Phone, Siret, Text};

crate::__text_field!(
    Text,
    |raw, opts| if opts.multiline {
        Text::parse_multiline(raw, opts.max_len.unwrap_or(5000))
    } else {
        Text::parse(raw, opts.max_len.unwrap_or(200))
    },
    format = None,
    max = Some(
        opts.max_len
            .unwrap_or(if opts.multiline { 5000 } else { 200 })
    )
);
// The values that parse alone, whatever the field's options, with their format and length.
crate::__text_field!(Email, Some("email"), 254);
crate::__text_field!(Phone, None, 30);
crate::__text_field!(Siret, None, 20);
crate::__text_field!(Iban, None, 42);
crate::__text_field!(CountryCode, None, 2);
crate::__text_field!(Bic, None, 11);

/// Reads a value of a one-column field, failing on NULL (the generated code uses it through
/// [`read_column`]; kept for values whose getter answers a non-optional value).
pub fn required_sql<T>(value: Option<T>, column: &str) -> Result<T, DecodeError> {
    value.ok_or(()).map_err(null_is(column))
}

// ---------------------------------------------------------------------------------------------
// Enumerations

/// An enumeration declared with [`text_enum!`](crate::text_enum): its names are what clients
/// send and read, and what is stored.
pub trait TextEnum: Copy + 'static {
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    const NAMES: &'static [&'static str];
    fn as_str(&self) -> &'static str;
    fn parse(value: &str) -> Result<Self, crate::values::InvalidValue>;

    /// The shape of a field holding one.
    fn enum_shape() -> Shape {
        let d = Self::DESCRIPTION.trim();
        Shape::Enum {
            name: Self::NAME,
            description: (!d.is_empty()).then_some(Self::DESCRIPTION),
            values: Self::NAMES,
        }
    }

    /// Reads a stored name: an unknown one is an error, never another value.
    fn from_stored(column: &str, stored: Option<String>) -> Result<Option<Self>, DecodeError> {
        stored
            .map(|s| {
                Self::parse(&s)
                    .map_err(|_| DecodeError::new(column, s, format!("not a {}", Self::NAME)))
            })
            .transpose()
    }
}

/// The field, serde and storage side of a [`TextEnum`] (`text_enum!` calls it).
#[macro_export]
#[doc(hidden)]
macro_rules! __enum_field {
    ($name:ident) => {
        impl $crate::record::FieldValue for $name {
            fn from_json(
                value: &$crate::__json::Value,
                _: &$crate::record::FieldOpts,
                _: &$crate::record::Context,
            ) -> Result<Self, $crate::ValidationErrors> {
                $crate::record::read_text(value, <$name as $crate::record::TextEnum>::parse)
            }
            fn to_json(&self) -> $crate::__json::Value {
                $crate::__json::Value::String(self.as_str().to_owned())
            }
            fn shape(_: &$crate::record::FieldOpts) -> $crate::record::Shape {
                <$name as $crate::record::TextEnum>::enum_shape()
            }
            const SQL: $crate::record::SqlKind = $crate::record::SqlKind::Text;
            fn to_sql(&self, out: &mut Vec<$crate::record::SqlValue>) {
                out.push($crate::record::SqlValue::Text(Some(
                    self.as_str().to_owned(),
                )));
            }
            fn from_sql(
                row: &mut dyn $crate::record::SqlRow,
                name: &str,
            ) -> Result<Option<Self>, $crate::record::DecodeError> {
                <$name as $crate::record::TextEnum>::from_stored(name, row.text(name)?)
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as $crate::__serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).map_err(<D::Error as $crate::__serde::de::Error>::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests;
