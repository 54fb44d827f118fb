//! PostgreSQL adapter: provisioning, migrations, tenant-scoped sessions and repositories.
//!
//! The server connects as an application role that owns nothing and cannot bypass row-level
//! security; migrations run as the database owner. Each unit of work opens a transaction whose
//! first statement sets `app.tenant_id` locally, so the setting dies with the transaction and
//! can never reach another request through the pool.

mod annexes;
mod audit_log;
pub mod bootstrap;
mod common;
mod credits;
mod distribution_keys;
mod error;
mod expenses;
mod freeze_periods;
mod items;
mod journal;
mod key_changes;
mod keys;
mod lease_charges;
mod lease_types;
mod leases;
mod media;
mod meters;
mod notifications;
mod payments;
mod place_services;
mod property;
mod reads;
mod regulations;
mod rent;
mod rent_control;
mod reviews;
mod session;
mod signatures;
mod stored;

pub use annexes::PgLeaseAnnexes;
pub use audit_log::PgAuditLog;
pub use bootstrap::{DbSettings, MIGRATOR, prepare_database};
pub use credits::PgCredits;
pub use distribution_keys::PgDistributionKeys;
pub use error::map_error;
pub use expenses::PgChargeExpenses;
pub use freeze_periods::PgFreezePeriods;
pub use items::{PgExists, PgItems};
pub use key_changes::{KeyChange, KeyChanges};
pub use keys::PgApiKeyStore;
pub use lease_charges::PgLeaseCharges;
pub use lease_types::PgLeaseTypes;
pub use leases::PgLeases;
pub use media::PgMedia;
pub use meters::PgMeters;
pub use notifications::PgNotifications;
pub use payments::PgPayments;
pub use place_services::PgPlaceServices;
pub use property::{
    PgDiagnostics, PgEnergyDiagnoses, PgEstates, PgKeyHandovers, PgPlaces, PgTypes,
};
pub use regulations::PgRegulations;
pub use rent::PgRentIndices;
pub use rent_control::PgRentControl;
pub use reviews::PgChargeReviews;
pub use session::Db;
pub use signatures::PgSignatures;
