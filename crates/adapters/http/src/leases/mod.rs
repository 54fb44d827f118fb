//! Leases and their frames.

pub mod lease_types;
