//! The Stripe gateway against a local stand-in for Stripe's API, and against webhooks signed
//! here with a test secret. Nothing leaves the machine.

// serde_json's json! recurses once per field, and Stripe objects have many.
#![recursion_limit = "256"]

mod checkout;
/// The stand-in for Stripe's API, shared with the end-to-end tests.
mod mock {
    pub use faireplace_stripe_testkit::*;
}
mod webhook;
