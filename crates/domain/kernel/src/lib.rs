//! Shared vocabulary of the FairePlace domain.
//!
//! Everything here is plain data with validation on construction ("parse, don't validate"):
//! once a value of these types exists, it is known to be well formed.

pub mod access;
pub mod errors;
pub mod ids;
pub mod numbers;
pub mod paging;
pub mod values;

pub use errors::{FieldError, ValidationErrors};
pub use ids::TenantId;
pub use paging::{Page, PageRequest, Sort};
