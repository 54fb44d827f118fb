//! Passes over the whole OpenAPI document once every route is in it: what every operation
//! shares is written once here, so that no route can forget it.

use std::collections::BTreeSet;

use utoipa::ToSchema;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AllOf, OneOf, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{Object, OpenApi, Ref, RefOr};

use crate::schema::Amount;

/// Who may call an operation, from its path and security: the sentence every operation's
/// description ends with.
fn who_may(path: &str, op: &Operation) -> &'static str {
    let keyed = op.security.as_ref().is_some_and(|s| !s.is_empty());
    if path == "/api/webhooks/stripe" {
        "Called by Stripe: no key, its `Stripe-Signature` is verified."
    } else if !keyed {
        "No key needed."
    } else if path.starts_with("/api/workers") {
        "Takes a WORKER key, in `X-API-Key`."
    } else if path.starts_with("/api/lessee/") {
        "Takes a LESSEE key with the scope the route names; a lessee reaches only its own leases."
    } else if path.starts_with("/api/api-keys") || path == "/api/credits/checkout" {
        "Takes an OWNER key."
    } else {
        "Takes an OWNER or MANAGER key (`Authorization: Bearer`)."
    }
}

/// Every operation has a description: its own, or its summary, then who may call it.
pub fn describe_operations(api: &mut OpenApi) {
    for (path, op) in operations_mut(api) {
        let who = who_may(path, op);
        let text = match (&op.description, &op.summary) {
            (Some(d), _) if d.contains(who) => continue,
            (Some(d), _) => format!("{d}\n\n{who}"),
            (None, Some(s)) => format!("{s}\n\n{who}"),
            (None, None) => who.to_owned(),
        };
        op.description = Some(text);
    }
}

/// Every operation of the document (GET, POST, PUT, PATCH, DELETE) with its path.
pub fn operations_mut(api: &mut OpenApi) -> impl Iterator<Item = (&String, &mut Operation)> {
    api.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ]
        .into_iter()
        .flatten()
        .map(move |op| (path, op))
    })
}

/// The format that marks an amount with an example (`#[schema(value_type = f64, format =
/// "amount", example = 850.5)]`): utoipa drops the example of a field that refers to a
/// component, so such a field is written as a number and [`amounts`] makes it an [`Amount`].
const AMOUNT_FORMAT: &str = "amount";

/// Every property marked [`AMOUNT_FORMAT`] refers to [`Amount`], with its own description and
/// example beside the reference: `null` allowed when the property is optional and not required.
pub fn amounts(api: &mut OpenApi) {
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::Object(form)) = schema else {
            continue;
        };
        for (name, property) in form.properties.iter_mut() {
            let RefOr::T(Schema::Object(p)) = property else {
                continue;
            };
            if p.format != Some(SchemaFormat::Custom(AMOUNT_FORMAT.to_owned())) {
                continue;
            }
            *property = amount(p, form.required.contains(name));
        }
    }
}

/// The [`Amount`] of a property marked [`AMOUNT_FORMAT`].
fn amount(marked: &Object, required: bool) -> RefOr<Schema> {
    let amount = RefOr::Ref(Ref::from_schema_name(Amount::name()));
    let nullable = matches!(&marked.schema_type, SchemaType::Array(t) if t.contains(&Type::Null));
    let (description, example) = (marked.description.clone(), marked.example.clone());
    if nullable && !required {
        let mut one = OneOf::new();
        one.items = vec![amount, Object::with_type(Type::Null).into()];
        (one.description, one.example) = (description, example);
        RefOr::T(Schema::OneOf(one))
    } else {
        let mut all = AllOf::new();
        all.items = vec![amount];
        (all.description, all.example) = (description, example);
        RefOr::T(Schema::AllOf(all))
    }
}

/// A field a client must send is never `null`: in the forms that requests send, a required
/// property's type loses `null` (sending null is answered "is required" anyway).
pub fn required_fields_not_null(api: &mut OpenApi) {
    let mut forms = BTreeSet::new();
    for item in api.paths.paths.values() {
        let operations = [
            item.post.as_ref(),
            item.put.as_ref(),
            item.patch.as_ref(),
            item.delete.as_ref(),
        ];
        for op in operations.into_iter().flatten() {
            let Some(RefOr::T(body)) = &op.request_body else {
                continue;
            };
            for content in body.content.values() {
                if let RefOr::T(content) = content
                    && let Some(RefOr::Ref(r)) = &content.schema
                {
                    forms.extend(r.ref_location.rsplit('/').next().map(str::to_owned));
                }
            }
        }
    }
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for name in forms {
        let Some(RefOr::T(Schema::Object(form))) = components.schemas.get_mut(&name) else {
            continue;
        };
        let required = form.required.clone();
        for field in required {
            match form.properties.get_mut(&field) {
                Some(RefOr::T(Schema::Object(p))) => not_null(&mut p.schema_type),
                Some(RefOr::T(Schema::Array(p))) => not_null(&mut p.schema_type),
                Some(RefOr::T(Schema::OneOf(one))) => {
                    one.items.retain(|s| {
                        !matches!(s, RefOr::T(Schema::Object(o))
                            if o.schema_type == SchemaType::Type(Type::Null))
                    });
                    if one.items.len() == 1
                        && let Some(only) = one.items.pop()
                    {
                        let description = one.description.clone();
                        let replaced = match only {
                            RefOr::T(Schema::Object(mut o)) => {
                                if o.description.is_none() {
                                    o.description = description;
                                }
                                RefOr::T(Schema::Object(o))
                            }
                            other => other,
                        };
                        form.properties.insert(field.clone(), replaced);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The type without `null`.
fn not_null(schema_type: &mut SchemaType) {
    if let SchemaType::Array(types) = schema_type {
        let kept: Vec<Type> = types
            .iter()
            .filter(|t| **t != Type::Null)
            .cloned()
            .collect();
        *schema_type = match kept.as_slice() {
            [one] => SchemaType::Type(one.clone()),
            _ => SchemaType::Array(kept),
        };
    }
}
