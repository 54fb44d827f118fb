//! Charges: categories, distribution keys.

pub mod categories;
pub mod distribution_keys;
pub mod services;
