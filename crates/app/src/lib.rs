//! FairePlace use cases: who may do what, and the orchestration of domain rules and ports.

pub mod annexes;
pub mod audit;
pub mod auth;
pub mod charges;
pub mod credits;
pub mod crud;
#[cfg(test)]
mod crud_tests;
pub mod documents;
pub mod error;
#[cfg(test)]
pub(crate) mod fakes;
pub mod heavy;
pub mod idempotency;
pub mod keys;
pub mod leases;
pub mod media;
pub mod meters;
pub mod payments;
pub mod principal;
pub mod property;
pub mod rent;
pub mod rent_control;
pub mod signatures;

pub use auth::{AuthConfig, Authenticator};
pub use crud::{Checks, CrudService, ItemService};
pub use error::AppError;
pub use keys::{KeyService, NewKeyRequest};
pub use media::{MediaService, UploadForm};
pub use principal::{Principal, TenantPrincipal};
