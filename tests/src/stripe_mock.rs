//! Stripe, from outside: the testkit's stand-in for its API and signed webhooks, and the
//! configuration of a test server talking to it.

pub use faireplace_stripe_testkit::*;

/// The Stripe configuration of a test server talking to `mock`.
pub fn config(mock: &MockStripe) -> faireplace_stripe::StripeConfig {
    faireplace_stripe::StripeConfig {
        secret_key: SECRET_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        api_base: Some(mock.base_url.clone()),
    }
}
