//! Owners, contacts and lessees are declared once (`faireplace_parties`) and served by
//! [`crate::items`]. What stays here is the address form of the resources not yet declared
//! (places, estates): a declared record uses the kernel's `Address` itself.

use faireplace_kernel::values::{Address, AddressInput};
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
