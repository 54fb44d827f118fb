//! Charges: categories, distribution keys.

pub mod categories;
pub mod distribution_keys;
pub mod expenses;
pub mod freeze_periods;
pub mod lease_charges;
pub mod notifications;
pub mod references;
pub mod reviews;
pub mod services;
