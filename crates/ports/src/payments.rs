//! Selling credits through a payment provider: a hosted checkout page, then signed webhooks that
//! tell what happened to the payment.
//!
//! The provider is asynchronous by nature: creating a checkout only hands the customer a URL, and
//! the credits are granted when a verified event says the payment went through. Each event
//! carries the tenant and package it was created for (the provider echoes the metadata we sent),
//! so a webhook handler needs no state of its own to know whom to credit.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_billing::{CreditTransaction, Payment};
use faireplace_kernel::{Page, PageRequest, TenantId, text_enum};

use crate::RepoError;

/// What a Checkout session sells: one credit package to one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    pub tenant_id: TenantId,
    pub package_id: String,
    /// Shown to the customer on the payment page.
    pub package_name: String,
    pub credits: i64,
    /// The price, in the currency's smallest unit (cents for euros).
    pub amount_cents: i64,
    /// ISO 4217, lowercase, as the provider expects it ("eur").
    pub currency: String,
    /// Where the customer lands after paying.
    pub success_url: String,
    /// Where the customer lands after giving up.
    pub cancel_url: String,
    /// Forwarded to the provider so that a retried request creates one session, not two.
    pub idempotency_key: Option<String>,
}

/// A checkout session the provider created: send the customer to `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub session_id: String,
    pub url: String,
}

/// A verified event from the payment provider, reduced to what the application acts on.
///
/// Ids and metadata are optional where the provider may leave them out (a session created
/// elsewhere, by hand in the dashboard, carries none of our metadata): the handler decides what
/// an incomplete event means, the adapter does not guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The customer finished a checkout session (`checkout.session.completed`), or the payment
    /// of a session completed earlier came through (`checkout.session.async_payment_succeeded`).
    ///
    /// Grant the credits only when `paid`: with a delayed payment method (SEPA debit, ...) the
    /// session completes unpaid, and the same session comes back paid days later.
    CheckoutCompleted {
        /// The provider's event id: the key to process each event once, as they can be re-sent.
        event_id: String,
        session_id: String,
        tenant_id: Option<uuid::Uuid>,
        package_id: Option<String>,
        credits: Option<i64>,
        /// What was charged, in the currency's smallest unit.
        amount_total: Option<i64>,
        currency: Option<String>,
        payment_intent: Option<String>,
        /// Whether the money is there (or none was due).
        paid: bool,
        /// When the provider created the event.
        created: DateTime<Utc>,
    },
    /// A payment settled or failed (`payment_intent.succeeded`, `payment_intent.payment_failed`).
    PaymentIntent {
        event_id: String,
        succeeded: bool,
        payment_intent_id: String,
        amount: i64,
        currency: String,
        tenant_id: Option<uuid::Uuid>,
        /// Why the payment failed, as the provider tells it to the customer.
        failure_message: Option<String>,
        created: DateTime<Utc>,
    },
    /// Any other event type: acknowledged, not acted on.
    Other {
        event_id: String,
        event_type: String,
    },
}

/// Why a checkout session could not be created.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The provider answered and said no (bad parameters, account not allowed, ...): retrying
    /// the same request will not help.
    #[error("payment provider refused: {0}")]
    Rejected(String),
    /// The provider could not be reached or did not answer sensibly: a retry may help.
    #[error("payment provider unreachable: {0}")]
    Unavailable(String),
}

/// Why a webhook call was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Missing, malformed, wrong or stale signature: the call may not come from the provider.
    #[error("bad signature")]
    BadSignature,
    /// Signed by the provider but not readable as an event.
    #[error("unreadable event: {0}")]
    Malformed(String),
}

/// The payment provider: hosted checkout out, verified events in.
#[async_trait]
pub trait PaymentGateway: Send + Sync {
    /// Creates a hosted checkout session for one credit package.
    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError>;

    /// Verifies `Stripe-Signature` over the raw body (HMAC-SHA256 of "t.payload", 300 s
    /// tolerance) and reads the event.
    ///
    /// `payload` must be the body exactly as received: re-serialized JSON no longer matches
    /// the signature.
    fn verify_webhook(
        &self,
        payload: &[u8],
        signature_header: &str,
    ) -> Result<PaymentEvent, WebhookError>;
}

text_enum!(
    /// What processing a provider event did, kept with the event for operators.
    pub EventOutcome {
        /// A paid checkout: its package was credited.
        Credited => "CREDITED",
        /// A checkout completed unpaid: logged, credited when the payment arrives.
        Pending => "PENDING",
        /// A payment intent: logged.
        Logged => "LOGGED",
        /// A paid checkout that does not match the package it names: logged, not credited.
        Rejected => "REJECTED",
        /// A paid checkout whose session had already been credited (by another event).
        AlreadyCredited => "ALREADY_CREDITED",
        /// The tenant named in the metadata does not exist: nothing done.
        UnknownTenant => "UNKNOWN_TENANT",
        /// No tenant named: nothing to do.
        NoTenant => "NO_TENANT",
        /// A type not acted on.
        Ignored => "IGNORED",
    }
);

/// A verified provider event and what the use case decided to do with it.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub event_id: String,
    pub event_type: String,
    /// The tenant the event names, if any. Storage checks that it exists.
    pub tenant: Option<TenantId>,
    /// The payment to log for `tenant`, if any. A [`PaymentStatus::Credited`] payment grants
    /// its `credits` (a PURCHASE with the reference `stripe:<session_id>`), once per session.
    ///
    /// [`PaymentStatus::Credited`]: faireplace_billing::PaymentStatus::Credited
    pub payment: Option<Payment>,
    /// What this processing does, as decided (storage may find the tenant unknown or the
    /// session already credited).
    pub outcome: EventOutcome,
    pub at: DateTime<Utc>,
}

/// What recording an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The event was new: processed, with this outcome and, when credited, the ledger line.
    Processed {
        outcome: EventOutcome,
        credited: Option<CreditTransaction>,
    },
    /// The event id had been processed before: nothing changed.
    AlreadyProcessed,
}

/// Where provider events and the payments they report are kept.
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Records the event and does what it calls for, in one transaction: marks the event id
    /// processed (an id already there answers [`Recorded::AlreadyProcessed`] and changes
    /// nothing), logs the payment and grants the credits of a credited checkout, at most once
    /// per session. A tenant that does not exist gets nothing ([`EventOutcome::UnknownTenant`]).
    async fn record_event(&self, event: &EventRecord) -> Result<Recorded, RepoError>;

    /// The tenant's logged payments, newest first.
    async fn payments(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<Payment>, RepoError>;
}
