//! Property in PostgreSQL: types, places, estates, and what hangs under an estate with rules
//! of its own (energy diagnoses, diagnostics, the hand-over history of keys). Rooms, equipment,
//! inventory and keys are declared once and stored by `PgItems`.

mod diagnostics;
mod energy;
mod estate_keys;
mod estates;
mod places;
mod types;

pub use diagnostics::PgDiagnostics;
pub use energy::PgEnergyDiagnoses;
pub use estate_keys::PgKeyHandovers;
pub use estates::PgEstates;
pub use places::PgPlaces;
pub use types::PgTypes;

use faireplace_kernel::TextEnum;
use faireplace_kernel::record::DecodeError;
use faireplace_kernel::values::{Address, CountryCode, Text};
use faireplace_ports::RepoError;
use uuid::Uuid;

/// The error of a row of `table` that cannot be read back: never replaced by a made-up value.
pub(crate) fn corrupt(table: &'static str, id: Uuid) -> impl FnOnce(DecodeError) -> RepoError {
    move |error| RepoError::Corrupt {
        table,
        id: id.to_string(),
        error,
    }
}

/// A stored name of an enumeration: an unknown one is an error.
pub(crate) fn stored<E: TextEnum>(column: &str, value: String) -> Result<E, DecodeError> {
    E::parse(&value).map_err(|_| DecodeError::new(column, value, format!("not a {}", E::NAME)))
}

/// A stored name of an enumeration, or NULL.
pub(crate) fn stored_opt<E: TextEnum>(
    column: &str,
    value: Option<String>,
) -> Result<Option<E>, DecodeError> {
    E::from_stored(column, value)
}

/// An address stored in four columns (`{prefix}street`, `{prefix}postal_code`, `{prefix}city`,
/// `{prefix}country`): all NULL is none, some NULL is an error.
pub(crate) fn stored_address(
    prefix: &str,
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
) -> Result<Option<Address>, DecodeError> {
    match (street, postal_code, city, country) {
        (None, None, None, None) => Ok(None),
        (Some(street), Some(postal_code), Some(city), Some(country)) => Ok(Some(Address {
            street: Text::from_trusted(street),
            postal_code: Text::from_trusted(postal_code),
            city: Text::from_trusted(city),
            country: CountryCode::from_trusted(country),
        })),
        (street, postal_code, city, _) => {
            let missing = if street.is_none() {
                "street"
            } else if postal_code.is_none() {
                "postal_code"
            } else if city.is_none() {
                "city"
            } else {
                "country"
            };
            Err(DecodeError::new(
                &format!("{prefix}{missing}"),
                "NULL",
                "part of an address is missing",
            ))
        }
    }
}
