//! Leases and their frames.

pub mod contracts;
pub mod lease_types;
pub mod rent_control;
pub mod rent_regulation;
