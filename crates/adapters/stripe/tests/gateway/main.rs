//! The Stripe gateway against a local stand-in for Stripe's API, and against webhooks signed
//! here with a test secret. Nothing leaves the machine.

// serde_json's json! recurses once per field, and Stripe objects have many.
#![recursion_limit = "256"]

mod checkout;
mod mock;
mod webhook;
