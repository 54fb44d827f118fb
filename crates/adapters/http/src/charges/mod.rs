//! Charges: the legal catalog of categories, distribution keys and their split, place services,
//! lease charges, expenses, freeze periods, reviews, regulations, notifications. Categories and
//! distribution references are declared once and served by `crate::items`.

pub mod categories;
pub mod distribution_keys;
pub mod expenses;
pub mod freeze_periods;
pub mod lease_charges;
pub mod notifications;
pub mod regulations;
pub mod reviews;
pub mod services;
