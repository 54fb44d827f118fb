//! Charges: the legal catalog of categories (the categories themselves are declared once and
//! served by `crate::items`), distribution keys and their split, place services, lease charges,
//! expenses, freeze periods, distribution references, reviews, regulations, notifications.

pub mod categories;
pub mod distribution_keys;
pub mod distribution_references;
pub mod expenses;
pub mod freeze_periods;
pub mod lease_charges;
pub mod notifications;
pub mod regulations;
pub mod reviews;
pub mod services;
