//! With the `openapi` feature (the HTTP adapter enables it), each enumeration declared with
//! [`text_enum!`](crate::text_enum) is a `utoipa` schema of its own, so that a DTO holding one
//! shows it as a reference to its enumeration. Without it, nothing: the domain builds and
//! tests without knowing OpenAPI.

#[cfg(feature = "openapi")]
pub use enabled::*;

#[cfg(feature = "openapi")]
mod enabled {
    use std::collections::BTreeMap;

    use utoipa::openapi::schema::{
        ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
    };
    use utoipa::openapi::{KnownFormat, Ref, RefOr};

    use crate::record::{FieldSchema, Record, Shape, TextEnum};

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
    pub fn enum_schema_of<E: TextEnum>() -> RefOr<Schema> {
        let d = prose(E::DESCRIPTION);
        enum_schema((!d.is_empty()).then_some(&d), E::NAMES)
    }

    /// The schema of a record in `form`, and the components it refers to.
    pub fn record_schema<R: Record>(form: Form) -> (RefOr<Schema>, Components) {
        let mut components = Components::default();
        let schema = object_schema(R::DESCRIPTION, &R::fields(), form, &mut components);
        (RefOr::T(schema), components)
    }

    /// The components met while building schemas, to add to the document.
    #[derive(Default)]
    pub struct Components(pub BTreeMap<String, RefOr<Schema>>);

    impl Components {
        /// Adds the components to `api` (a component of the same name already there stays).
        pub fn add_to(self, api: &mut utoipa::openapi::OpenApi) {
            let components = api.components.get_or_insert_with(Default::default);
            for (name, schema) in self.0 {
                components.schemas.entry(name).or_insert(schema);
            }
        }
    }

    /// A reference to the component `name`.
    pub fn reference(name: &str) -> RefOr<Schema> {
        RefOr::Ref(Ref::from_schema_name(name))
    }

    /// The schema of an enumeration: its names, and what it is.
    pub fn enum_schema(description: Option<&str>, values: &[&'static str]) -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(description.map(prose))
                .enum_values(Some(values.iter().copied()))
                .build(),
        ))
    }

    /// The component of a [`TextEnum`].
    pub fn enum_component<E: TextEnum>(components: &mut Components) -> RefOr<Schema> {
        let d = E::DESCRIPTION.trim();
        components.0.insert(
            E::NAME.to_owned(),
            enum_schema((!d.is_empty()).then_some(d), E::NAMES),
        );
        reference(E::NAME)
    }

    /// A decimal bound as a JSON Schema bound: whole bounds only, read exactly (a fractional
    /// one, `0.01`, would go through a float: the description states it instead).
    fn whole(value: &str) -> Option<utoipa::Number> {
        let d = rust_decimal::Decimal::from_str_exact(value).ok()?;
        if !d.fract().is_zero() {
            return None;
        }
        rust_decimal::prelude::ToPrimitive::to_isize(&d).map(utoipa::Number::Int)
    }

    /// The schema of a shape; enumerations and records become components of their own.
    pub fn shape_schema(shape: &Shape, components: &mut Components) -> RefOr<Schema> {
        shape_schema_in(shape, Form::Request, components)
    }

    /// The schema of a shape in a record of `form`: a record held in a merge patch is a merge
    /// patch itself (`{Name}Patch`, nothing required), since RFC 7396 merges nested objects.
    pub fn shape_schema_in(
        shape: &Shape,
        form: Form,
        components: &mut Components,
    ) -> RefOr<Schema> {
        let object = match shape {
            Shape::String {
                format,
                max_length,
                pattern,
            } => ObjectBuilder::new()
                .schema_type(Type::String)
                .format(format.map(|f| SchemaFormat::Custom(f.to_owned())))
                .max_length(*max_length)
                .pattern(*pattern),
            Shape::Enum {
                name,
                description,
                values,
            } => {
                components
                    .0
                    .entry((*name).to_owned())
                    .or_insert_with(|| enum_schema(*description, values));
                return reference(name);
            }
            Shape::Integer { min, max, wide } => ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(if *wide {
                    KnownFormat::Int64
                } else {
                    KnownFormat::Int32
                })))
                .minimum(*min)
                .maximum(*max),
            Shape::Decimal { decimals, min, max } => {
                let mut text = String::from(
                    "An exact decimal: a JSON number, or a decimal string (\"850.50\") so that a \
                     client computing in floating point can send an exact value.",
                );
                if let Some(d) = decimals {
                    text.push_str(&format!(" At most {d} decimals."));
                }
                if let Some(m) = min {
                    text.push_str(&format!(" At least {m}."));
                }
                if let Some(m) = max {
                    text.push_str(&format!(" At most {m}."));
                }
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::Number, Type::String]))
                    .pattern(Some(r"^-?[0-9]+(\.[0-9]+)?$"))
                    .minimum(min.and_then(whole))
                    .maximum(max.and_then(whole))
                    .description(Some(text))
            }
            Shape::Boolean => ObjectBuilder::new().schema_type(Type::Boolean),
            Shape::Date => ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
            Shape::DateTime => ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            Shape::Uuid => ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
            Shape::Record {
                name,
                description,
                fields,
            } => {
                let (component, form) = match form {
                    Form::Patch => (format!("{name}Patch"), Form::Patch),
                    _ => ((*name).to_owned(), Form::Request),
                };
                if !components.0.contains_key(&component) {
                    // Reserved first: a record that refers to itself ends.
                    components
                        .0
                        .insert(component.clone(), reference(&component));
                    let schema = object_schema(*description, &fields(), form, components);
                    components.0.insert(component.clone(), RefOr::T(schema));
                }
                return reference(&component);
            }
            Shape::Array(inner) => {
                return RefOr::T(Schema::Array(
                    ArrayBuilder::new()
                        .items(shape_schema(inner, components))
                        .build(),
                ));
            }
            Shape::Object => ObjectBuilder::new().schema_type(Type::Object),
        };
        RefOr::T(Schema::Object(object.build()))
    }

    /// Which form of a record a schema describes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Form {
        /// What a client sends to create or replace: required fields required.
        Request,
        /// A JSON merge patch: nothing required.
        Patch,
        /// What a client reads: every field present (null when it has no value).
        Response,
    }

    impl Form {
        /// The form of a record: its response form when `response`, else its request form.
        pub fn of(response: bool) -> Self {
            if response {
                Form::Response
            } else {
                Form::Request
            }
        }
    }

    /// A record's schema name: `{Name}` for what a client reads, `{Name}Request` for what it
    /// sends.
    pub fn record_name<R: Record>(response: bool) -> std::borrow::Cow<'static, str> {
        if response {
            std::borrow::Cow::Borrowed(R::NAME)
        } else {
            std::borrow::Cow::Owned(format!("{}Request", R::NAME))
        }
    }

    /// A field's schema: its shape, what it is, an example, and `null` when it may be null
    /// (in what a client sends, `null` for a field with a default is that default).
    fn field_schema(f: &FieldSchema, form: Form, components: &mut Components) -> RefOr<Schema> {
        let schema = shape_schema_in(&f.shape, form, components);
        let nullable = f.nullable || (form != Form::Response && !f.required && !f.read_only);
        let described = |schema: RefOr<Schema>| -> RefOr<Schema> {
            match schema {
                RefOr::T(Schema::Object(mut o)) => {
                    if o.description.is_none() {
                        o.description = f.description.map(prose);
                    }
                    if let Some(e) = f.example {
                        o.examples = vec![example_value(e, &f.shape)];
                    }
                    o.read_only = f.read_only.then_some(true);
                    if nullable {
                        o.schema_type = with_null(o.schema_type);
                    }
                    RefOr::T(Schema::Object(o))
                }
                other if nullable || f.description.is_some() => {
                    let mut one = OneOfBuilder::new().item(other);
                    if nullable {
                        one = one.item(RefOr::T(Schema::Object(
                            ObjectBuilder::new().schema_type(Type::Null).build(),
                        )));
                    }
                    RefOr::T(Schema::OneOf(
                        one.description(f.description.map(prose)).build(),
                    ))
                }
                other => other,
            }
        };
        described(schema)
    }

    /// An example as JSON: a text field's stays text even when it reads as a number (`"75011"`).
    fn example_value(e: &str, shape: &Shape) -> serde_json::Value {
        let text = || serde_json::Value::String(e.to_owned());
        match shape {
            Shape::String { .. }
            | Shape::Enum { .. }
            | Shape::Date
            | Shape::DateTime
            | Shape::Uuid => text(),
            _ => serde_json::from_str(e).unwrap_or_else(|_| text()),
        }
    }

    fn with_null(t: SchemaType) -> SchemaType {
        match t {
            SchemaType::Type(t) => SchemaType::from_iter([t, Type::Null]),
            SchemaType::Array(mut ts) => {
                if !ts.contains(&Type::Null) {
                    ts.push(Type::Null);
                }
                SchemaType::Array(ts)
            }
            SchemaType::AnyValue => SchemaType::AnyValue,
        }
    }

    /// The object schema of `fields` in a form.
    pub fn object_schema(
        description: Option<&str>,
        fields: &[FieldSchema],
        form: Form,
        components: &mut Components,
    ) -> Schema {
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(description.map(prose));
        for f in fields {
            object = object.property(f.name, field_schema(f, form, components));
            let required = match form {
                Form::Request => f.required,
                Form::Patch => false,
                Form::Response => true,
            };
            if required {
                object = object.required(f.name);
            }
        }
        if form != Form::Response {
            object = object.additional_properties(Some(
                utoipa::openapi::schema::AdditionalProperties::<Schema>::FreeForm(false),
            ));
        }
        Schema::Object(object.build())
    }

    /// A file's bytes: `type: string, format: binary` (what generators read as a download).
    pub fn binary() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
                .build(),
        ))
    }
}

#[cfg(all(test, feature = "openapi"))]
mod tests {
    use super::*;
    use crate::record::Shape;

    #[test]
    fn decimal_bounds_are_exact_whole_numbers_or_words() {
        let shape = Shape::Decimal {
            decimals: Some(2),
            min: Some("0.01"),
            max: Some("10000"),
        };
        let json =
            serde_json::to_value(shape_schema(&shape, &mut Components::default())).expect("json");
        // A fractional bound never goes through a float: the description says it.
        assert!(json.get("minimum").is_none(), "{json}");
        assert_eq!(json["maximum"], 10000);
        let text = json["description"].as_str().expect("description");
        assert!(text.contains("At least 0.01.") && text.contains("At most 10000."));
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
                $crate::openapi::enum_schema_of::<$name>()
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

/// `#[derive(Record)]`'s OpenAPI side: the record is a schema of its own, in the request form
/// (`{Name}Request`: what a client sends) or, for `#[record(response)]`, the response form
/// (`{Name}`: what a client reads).
#[cfg(feature = "openapi")]
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_record {
    ($name:ident, $response:expr) => {
        impl $crate::__utoipa::PartialSchema for $name {
            fn schema()
            -> $crate::__utoipa::openapi::RefOr<$crate::__utoipa::openapi::schema::Schema> {
                $crate::openapi::record_schema::<$name>($crate::openapi::Form::of($response)).0
            }
        }

        impl $crate::__utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                $crate::openapi::record_name::<$name>($response)
            }

            fn schemas(
                schemas: &mut Vec<(
                    String,
                    $crate::__utoipa::openapi::RefOr<$crate::__utoipa::openapi::schema::Schema>,
                )>,
            ) {
                let (_, components) =
                    $crate::openapi::record_schema::<$name>($crate::openapi::Form::of($response));
                schemas.extend(components.0);
            }
        }
    };
}

/// Without the `openapi` feature, nothing.
#[cfg(not(feature = "openapi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __openapi_record {
    ($name:ident, $response:expr) => {};
}
