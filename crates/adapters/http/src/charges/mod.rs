//! Charges: categories, distribution keys.

pub mod categories;
