//! Shared vocabulary of the FairePlace domain.
//!
//! Everything here is plain data with validation on construction ("parse, don't validate"):
//! once a value of these types exists, it is known to be well formed.

pub mod access;
pub mod errors;
pub mod ids;
pub mod item;
pub mod numbers;
pub mod paging;
pub mod record;
pub mod values;

// The derive's code names this crate by its name, here too.
extern crate self as faireplace_kernel;

pub use faireplace_derive::Record;
pub use item::{Declared, Item, ItemFilter, ItemSort};
pub use record::{Context, FieldValue, Record as RecordTrait, Rules, TextEnum};

#[doc(hidden)]
pub use chrono as __chrono;
#[doc(hidden)]
pub use serde as __serde;
#[cfg(feature = "openapi")]
#[doc(hidden)]
pub use utoipa as __utoipa;

pub mod openapi;
#[doc(hidden)]
pub use serde_json as __json;
#[doc(hidden)]
pub use uuid as __uuid;

pub use errors::{ErrorCode, FieldError, ValidationErrors};
pub use ids::TenantId;
pub use paging::{Page, PageRequest, Sort};
