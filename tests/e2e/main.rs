//! The end-to-end suite, one binary: the real server on port 0 against a fresh PostgreSQL
//! database per test, driven over HTTP, one module per area (`cargo test -p faireplace-tests`;
//! one area: `cargo test -p faireplace-tests -- parties::`).

mod annexes;
mod architecture;
mod auth;
mod banking;
mod charges;
mod credits;
mod faults;
mod honesty;
mod isolation;
mod isolation_sweep;
mod lease_types;
mod leases;
mod media;
mod meters;
mod parties;
mod payments;
mod platform;
mod property;
mod query_count;
mod rent_control;
mod rent_regulation;
mod security;
mod signatures;
