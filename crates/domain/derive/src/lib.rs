//! `#[derive(Record)]`: one declaration of a struct gives its JSON reading (every invalid field
//! reported at once), its JSON writing, its schema and its storage columns. See
//! `faireplace_kernel::record` for what the generated code calls.
//!
//! ```ignore
//! #[derive(Record)]
//! #[record(name = "Room", rules)]
//! pub struct RoomData {
//!     /// A ROOM type.
//!     pub type_id: TypeId,
//!     #[field(max_len = 100, example = "Chambre 1")]
//!     pub name: Text,
//!     #[field(decimals = 2, min = "0.01", max = "10000")]
//!     pub surface_m2: Option<Decimal>,
//!     #[field(default = false)]
//!     pub is_furnished: bool,
//! }
//! ```
//!
//! Struct attributes: `name = "…"` (the schema's name; the struct's without `Data` by default),
//! `rules` (the record implements `Rules`, run once every field reads), `response` (its OpenAPI
//! schema is what a client reads, `{Name}`, rather than what it sends, `{Name}Request`).
//! Field attributes: `max_len`, `multiline`, `decimals`, `min`, `max` (the value's bounds),
//! `default = expr` (an absent field's value), `example = "…"`, `validate = path` (a
//! `fn(&T) -> Result<(), String>` run on a value that reads), `flatten` (a record whose fields
//! stand among this one's), `column = "…"` (the stored column, the field's name by default).

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Expr, Fields, Lit, LitStr, Meta, parse_macro_input};

#[proc_macro_derive(Record, attributes(record, field))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

#[derive(Default)]
struct FieldAttrs {
    max_len: Option<Expr>,
    multiline: bool,
    decimals: Option<Expr>,
    min: Option<String>,
    max: Option<String>,
    default: Option<Expr>,
    example: Option<LitStr>,
    validate: Option<Expr>,
    flatten: bool,
    column: Option<LitStr>,
}

/// `"0.01"`, `-10` or `100` as the text of a bound.
fn bound_text(expr: &Expr) -> syn::Result<String> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Ok(s.value()),
            Lit::Int(i) => Ok(i.base10_digits().to_owned()),
            Lit::Float(f) => Ok(f.base10_digits().to_owned()),
            other => Err(syn::Error::new_spanned(other, "a number or a string")),
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            Ok(format!("-{}", bound_text(&u.expr)?))
        }
        other => Err(syn::Error::new_spanned(other, "a number or a string")),
    }
}

fn field_attrs(attrs: &[syn::Attribute]) -> syn::Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match key.as_str() {
                "multiline" => out.multiline = true,
                "flatten" => out.flatten = true,
                "max_len" => out.max_len = Some(meta.value()?.parse()?),
                "decimals" => out.decimals = Some(meta.value()?.parse()?),
                "min" => out.min = Some(bound_text(&meta.value()?.parse()?)?),
                "max" => out.max = Some(bound_text(&meta.value()?.parse()?)?),
                "default" => out.default = Some(meta.value()?.parse()?),
                "example" => out.example = Some(meta.value()?.parse()?),
                "validate" => out.validate = Some(meta.value()?.parse()?),
                "column" => out.column = Some(meta.value()?.parse()?),
                _ => return Err(meta.error("unknown field attribute")),
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// The `///` lines of an item, joined.
fn docs(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(l) => match &l.lit {
                    Lit::Str(s) => Some(s.value().trim().to_owned()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn opt_str(v: &Option<String>) -> Tokens {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let k = quote!(::faireplace_kernel);
    let r = quote!(::faireplace_kernel::record);
    let ident = &input.ident;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            ident,
            "Record is derived for structs only",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(ident, "Record needs named fields"));
    };

    let mut name = ident.to_string();
    if let Some(stripped) = name.strip_suffix("Data") {
        name = stripped.to_owned();
    }
    let mut rules = false;
    let mut response = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("record")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let s: LitStr = meta.value()?.parse()?;
                name = s.value();
            } else if meta.path.is_ident("rules") {
                rules = true;
            } else if meta.path.is_ident("response") {
                response = true;
            } else {
                return Err(meta.error("unknown record attribute"));
            }
            Ok(())
        })?;
    }
    let description = opt_str(&docs(&input.attrs));

    let mut json_names = Vec::new();
    let mut reads = Vec::new();
    let mut binds = Vec::new();
    let mut encodes = Vec::new();
    let mut schemas = Vec::new();
    let mut columns = Vec::new();
    let mut to_sql = Vec::new();
    let mut from_sql = Vec::new();
    let mut idents = Vec::new();
    let mut field_sql = Vec::new();
    let mut flat_sql = Vec::new();

    for field in &named.named {
        let Some(fident) = &field.ident else {
            continue;
        };
        let ty = &field.ty;
        let a = field_attrs(&field.attrs)?;
        let fname = fident.to_string();
        let local = format_ident!("__{}", fident);
        idents.push(fident.clone());
        binds.push(local.clone());

        if a.flatten {
            json_names.push(quote!(<#ty as #r::Record>::json_names(out);));
            reads.push(quote! {
                let #local: Option<#ty> = <#ty as #r::Record>::decode_fields(object, ctx, errors);
            });
            encodes.push(quote!(#r::Record::encode(&self.#fident, out);));
            schemas.push(quote!(fields.extend(<#ty as #r::Record>::fields());));
            columns.push(quote!(<#ty as #r::Record>::record_columns(out);));
            to_sql.push(quote!(#r::Record::record_to_sql(&self.#fident, out);));
            from_sql.push(quote!(let #local: #ty = <#ty as #r::Record>::record_from_sql(row)?;));
            flat_sql.push(quote! {
                if let Some(found) = <#ty as #r::Record>::field_sql(name, value, ctx) {
                    return Some(found);
                }
            });
            continue;
        }

        let column = a
            .column
            .as_ref()
            .map(LitStr::value)
            .unwrap_or_else(|| fname.clone());
        let max_len = match &a.max_len {
            Some(e) => quote!(Some(#e)),
            None => quote!(None),
        };
        let decimals = match &a.decimals {
            Some(e) => quote!(Some(#e)),
            None => quote!(None),
        };
        let min = opt_str(&a.min);
        let max = opt_str(&a.max);
        let multiline = a.multiline;
        let opts = quote! {
            #r::FieldOpts {
                max_len: #max_len,
                multiline: #multiline,
                decimals: #decimals,
                min: #min,
                max: #max,
            }
        };
        json_names.push(quote!(out.push(#fname);));
        let read = match &a.default {
            Some(default) => quote! {
                #r::read_field_or::<#ty>(object, #fname, &#opts, ctx, errors, || #default)
            },
            None => quote!(#r::read_field::<#ty>(object, #fname, &#opts, ctx, errors)),
        };
        let validate = a.validate.as_ref().map(|v| {
            quote! {
                if let Some(value) = &#local {
                    if let Err(message) = (#v)(value) {
                        errors.push(#fname, message);
                    }
                }
            }
        });
        reads.push(quote! {
            let #local: Option<#ty> = #read;
            #validate
        });
        encodes.push(quote! {
            out.insert(#fname.to_owned(), #r::FieldValue::to_json(&self.#fident));
        });
        let fdoc = opt_str(&docs(&field.attrs));
        let example = match &a.example {
            Some(e) => quote!(Some(#e)),
            None => quote!(None),
        };
        let has_default = a.default.is_some();
        schemas.push(quote! {
            fields.push(#r::FieldSchema {
                name: #fname,
                shape: <#ty as #r::FieldValue>::shape(&#opts),
                required: !<#ty as #r::FieldValue>::NULLABLE
                    && !#has_default
                    && <#ty as #r::FieldValue>::absent().is_err(),
                nullable: <#ty as #r::FieldValue>::NULLABLE,
                read_only: false,
                description: #fdoc,
                example: #example,
            });
        });
        columns.push(quote!(<#ty as #r::FieldValue>::columns(#column, out);));
        to_sql.push(quote!(#r::FieldValue::to_sql(&self.#fident, out);));
        from_sql.push(quote!(let #local: #ty = #r::read_column::<#ty>(row, #column)?;));
        field_sql.push(quote! {
            #fname => Some(#r::field_to_sql::<#ty>(#column, value, &#opts, ctx)),
        });
    }

    let rules_call = if rules {
        quote! {
            let before = errors.errors().len();
            <Self as #r::Rules>::check(&value, errors, ctx);
            if errors.errors().len() > before {
                return None;
            }
        }
    } else {
        quote!()
    };

    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #r::Record for #ident #ty_generics #where_clause {
            const NAME: &'static str = #name;
            const DESCRIPTION: Option<&'static str> = #description;

            fn json_names(out: &mut Vec<&'static str>) {
                #(#json_names)*
            }

            #[allow(clippy::redundant_closure_call)]
            fn decode_fields(
                object: &#k::__json::Map<String, #k::__json::Value>,
                ctx: &#r::Context,
                errors: &mut #k::ValidationErrors,
            ) -> Option<Self> {
                #(#reads)*
                let (#(Some(#binds),)*) = (#(#binds,)*) else {
                    return None;
                };
                let value = Self { #(#idents: #binds,)* };
                #rules_call
                Some(value)
            }

            fn encode(&self, out: &mut #k::__json::Map<String, #k::__json::Value>) {
                #(#encodes)*
            }

            fn fields() -> Vec<#r::FieldSchema> {
                let mut fields = Vec::new();
                #(#schemas)*
                fields
            }

            fn record_columns(out: &mut Vec<#r::Column>) {
                #(#columns)*
            }

            fn record_to_sql(&self, out: &mut Vec<#r::SqlValue>) {
                #(#to_sql)*
            }

            fn record_from_sql(row: &mut dyn #r::SqlRow) -> Result<Self, #r::DecodeError> {
                #(#from_sql)*
                Ok(Self { #(#idents: #binds,)* })
            }

            fn field_sql(
                name: &str,
                value: &#k::__json::Value,
                ctx: &#r::Context,
            ) -> Option<Result<(String, Vec<#r::SqlValue>), #k::ValidationErrors>> {
                match name {
                    #(#field_sql)*
                    _ => {
                        #(#flat_sql)*
                        let _ = (value, ctx);
                        None
                    }
                }
            }
        }

        impl #impl_generics #r::FieldValue for #ident #ty_generics #where_clause {
            fn from_json(
                value: &#k::__json::Value,
                _: &#r::FieldOpts,
                ctx: &#r::Context,
            ) -> Result<Self, #k::ValidationErrors> {
                #r::nested_from_json::<Self>(value, ctx)
            }
            fn is_blank(_: &#k::__json::Value) -> bool {
                false
            }
            fn to_json(&self) -> #k::__json::Value {
                #r::Record::encode_json(self)
            }
            fn shape(_: &#r::FieldOpts) -> #r::Shape {
                #r::Shape::Record {
                    name: #name,
                    description: #description,
                    fields: <Self as #r::Record>::fields,
                }
            }
            const SQL: #r::SqlKind = #r::SqlKind::Json;
            fn columns(name: &str, out: &mut Vec<#r::Column>) {
                #r::nested_columns::<Self>(name, out)
            }
            fn to_sql(&self, out: &mut Vec<#r::SqlValue>) {
                #r::Record::record_to_sql(self, out)
            }
            fn from_sql(
                row: &mut dyn #r::SqlRow,
                name: &str,
            ) -> Result<Option<Self>, #r::DecodeError> {
                #r::nested_from_sql::<Self>(row, name)
            }
        }

        #k::__openapi_record!(#ident, #response);
    })
}
