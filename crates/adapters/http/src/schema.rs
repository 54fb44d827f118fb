//! The OpenAPI side of what the domain declares once: its records (`#[derive(Record)]`) and
//! enumerations (`text_enum!`) become components of the document, built from their plain-data
//! descriptions by the kernel (`faireplace_kernel::openapi`). No schema is written twice.

pub use faireplace_kernel::openapi::{
    Components, Form, enum_schema, object_schema, prose, reference, shape_schema,
};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};

/// A file's bytes: `type: string, format: binary` (what generators read as a download).
pub fn binary() -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .build(),
    ))
}

/// An exact amount a client sends: a JSON number, or a decimal string (`"850.50"`) so that a
/// client computing in floating point can send an exact value. The schema of the `Decimal`
/// fields of the hand-written request bodies (`#[schema(value_type = Amount)]`, or
/// `#[schema(value_type = f64, format = "amount", example = …)]` for one with an example, which
/// utoipa would drop beside a reference: see `openapi::amounts`); declared records describe
/// theirs from their field's bounds.
#[allow(dead_code)]
pub struct Amount(rust_decimal::Decimal);

impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        let unbounded = faireplace_kernel::record::Shape::Decimal {
            decimals: None,
            min: None,
            max: None,
        };
        shape_schema(&unbounded, &mut Components::default())
    }
}

impl utoipa::ToSchema for Amount {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Amount")
    }
}
