//! With the `openapi` feature (the HTTP adapter enables it), each enumeration declared with
//! [`text_enum!`](crate::text_enum) is a `utoipa` schema of its own, so that a DTO holding one
//! shows it as a reference to its enumeration. Without it, nothing: the domain builds and
//! tests without knowing OpenAPI.

#[cfg(feature = "openapi")]
pub use enabled::*;

#[cfg(feature = "openapi")]
mod enabled {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

    use crate::record::TextEnum;

    /// Documentation as paragraphs: lines joined, blank lines kept.
    pub fn prose(text: &str) -> String {
        let mut out = String::new();
        let mut blank = false;
        for line in text.lines().map(str::trim) {
            if line.is_empty() {
                blank = !out.is_empty();
                continue;
            }
            if !out.is_empty() {
                out.push_str(if blank { "\n\n" } else { " " });
            }
            blank = false;
            out.push_str(line);
        }
        out
    }

    /// The schema of an enumeration: its names, and what it is.
    pub fn enum_schema<E: TextEnum>() -> RefOr<Schema> {
        let d = prose(E::DESCRIPTION);
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description((!d.is_empty()).then_some(d))
                .enum_values(Some(E::NAMES.iter().copied()))
                .build(),
        ))
    }
}

/// `text_enum!`'s OpenAPI side.
#[cfg(feature = "openapi")]
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_enum {
    ($name:ident) => {
        impl $crate::__utoipa::PartialSchema for $name {
            fn schema()
            -> $crate::__utoipa::openapi::RefOr<$crate::__utoipa::openapi::schema::Schema> {
                $crate::openapi::enum_schema::<$name>()
            }
        }

        impl $crate::__utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// Without the `openapi` feature, nothing.
#[cfg(not(feature = "openapi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_enum {
    ($name:ident) => {};
}
