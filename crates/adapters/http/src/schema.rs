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
