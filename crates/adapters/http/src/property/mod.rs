//! Types, places, estates and what is attached to estates beyond the resources declared once
//! (rooms, equipment, inventory lines and keys are served by `items`): energy diagnoses,
//! diagnostics, inventory compliance, the hand-over history of keys.

pub mod diagnostics;
pub mod energy;
pub mod estate_keys;
pub mod estates;
pub mod inventory;
pub mod places;
pub mod types;

pub(crate) fn opt<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

/// A boolean query value (`true`/`false`), 400 otherwise.
pub(crate) fn bool_param(
    field: &str,
    raw: &Option<String>,
) -> Result<Option<bool>, faireplace_kernel::ValidationErrors> {
    match raw.as_deref().map(str::trim) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(faireplace_kernel::ValidationErrors::single(
            field,
            "must be true or false",
        )),
    }
}

/// An optional enumeration from the query string: absent or blank is `None`, anything else
/// must be one of the enumeration's names.
pub(crate) fn enum_param<T: faireplace_kernel::TextEnum>(
    field: &str,
    raw: &Option<String>,
) -> Result<Option<T>, faireplace_kernel::ValidationErrors> {
    match raw.as_deref().filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(v) => T::parse(v)
            .map(Some)
            .map_err(|e| faireplace_kernel::ValidationErrors::single(field, e.to_string())),
    }
}

/// A UUID query value, 400 otherwise (an empty value too: `?estate_id=` is not "any estate").
pub(crate) fn uuid_param(
    field: &str,
    raw: &Option<String>,
) -> Result<Option<uuid::Uuid>, faireplace_kernel::ValidationErrors> {
    match raw.as_deref().map(str::trim) {
        None => Ok(None),
        Some(v) => uuid::Uuid::parse_str(v)
            .map(Some)
            .map_err(|_| faireplace_kernel::ValidationErrors::single(field, "must be a UUID")),
    }
}
