//! Owners, contacts and lessees.

pub mod contacts;
pub mod lessees;
pub mod owners;

use faireplace_kernel::ValidationErrors;
use faireplace_kernel::values::{Address, AddressInput, Email};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A postal address. All of street, postal_code and city are required when an address is
/// given; country is ISO 3166-1 alpha-2 and defaults to FR (whose postal codes have 5 digits).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct AddressDto {
    #[schema(example = "12 rue de la Paix")]
    pub street: Option<String>,
    #[schema(example = "75002")]
    pub postal_code: Option<String>,
    #[schema(example = "Paris")]
    pub city: Option<String>,
    #[schema(example = "FR")]
    pub country: Option<String>,
}

impl From<AddressDto> for AddressInput {
    fn from(a: AddressDto) -> Self {
        AddressInput {
            street: a.street,
            postal_code: a.postal_code,
            city: a.city,
            country: a.country,
        }
    }
}

impl From<&Address> for AddressDto {
    fn from(a: &Address) -> Self {
        AddressDto {
            street: Some(a.street.to_string()),
            postal_code: Some(a.postal_code.to_string()),
            city: Some(a.city.to_string()),
            country: Some(a.country.to_string()),
        }
    }
}

/// The `?email=` filter: compared as stored (trimmed, lower-cased).
fn email_filter(raw: &Option<String>) -> Result<Option<Email>, ValidationErrors> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(e) => Email::parse(e)
            .map(Some)
            .map_err(|err| ValidationErrors::single("email", err.to_string())),
    }
}

fn opt<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}
