//! [`PaymentGateway`] on Stripe: hosted Checkout sessions that sell credit packages, and
//! verification of the webhooks Stripe sends back.
//!
//! Built on async-stripe's 1.x crates: `async-stripe` (the HTTP client), `async-stripe-checkout`
//! (the Checkout session request) and `async-stripe-webhook` (signature check and typed events).

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_ports::payments::{
    CheckoutRequest, CheckoutSession, PaymentError, PaymentEvent, PaymentGateway, WebhookError,
};
use stripe::{IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionPaymentIntentData, ProductData,
};
use stripe_checkout::{CheckoutSessionMode, CheckoutSessionPaymentStatus};
use stripe_webhook::{EventObject, Webhook};
use uuid::Uuid;

/// The metadata keys a session and its payment intent carry, read back from the webhooks.
const META_TENANT_ID: &str = "tenant_id";
const META_PACKAGE_ID: &str = "package_id";
const META_CREDITS: &str = "credits";

/// async-stripe's client has no timeout of its own: without one, a Stripe that accepts the
/// connection and never answers would hold the request (and its database transaction, if any)
/// forever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What the gateway needs to talk to Stripe.
#[derive(Clone)]
pub struct StripeConfig {
    /// The API secret key (`sk_live_...`, `sk_test_...`, or a restricted `rk_...`).
    pub secret_key: String,
    /// The signing secret of the webhook endpoint (`whsec_...`).
    pub webhook_secret: String,
    /// Another API base URL than `https://api.stripe.com/`: a local mock in tests, or
    /// stripe-mock. Plain `http://` is accepted there.
    pub api_base: Option<String>,
}

/// By hand, so that neither secret can reach a log through `{:?}`.
impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("secret_key", &"***")
            .field("webhook_secret", &"***")
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// The configuration could not make a client (a secret key that is not a valid header value,
/// an API base that is not a URL).
#[derive(Debug, thiserror::Error)]
#[error("invalid Stripe configuration: {0}")]
pub struct InvalidStripeConfig(String);

/// The Stripe [`PaymentGateway`]. Cheap to clone; build it once and share it.
#[derive(Clone)]
pub struct StripeGateway {
    client: stripe::Client,
    webhook_secret: String,
}

impl fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeGateway").finish_non_exhaustive()
    }
}

impl StripeGateway {
    /// Builds the HTTP client; nothing is sent to Stripe yet.
    pub fn new(config: StripeConfig) -> Result<Self, InvalidStripeConfig> {
        let mut builder = stripe::ClientBuilder::new(config.secret_key).timeout(REQUEST_TIMEOUT);
        if let Some(api_base) = config.api_base {
            // async-stripe appends "v1/..." to the base as it is, so it must end with a slash.
            let api_base = if api_base.ends_with('/') {
                api_base
            } else {
                format!("{api_base}/")
            };
            builder = builder.url(api_base);
        }
        // The error names the faulty setting, never its value.
        let client = builder
            .build()
            .map_err(|e| InvalidStripeConfig(e.to_string()))?;
        Ok(Self {
            client,
            webhook_secret: config.webhook_secret,
        })
    }

    fn checkout_params(request: &CheckoutRequest) -> CreateCheckoutSession {
        let tenant_id = request.tenant_id.to_string();
        let metadata = HashMap::from([
            (META_TENANT_ID.to_owned(), tenant_id.clone()),
            (META_PACKAGE_ID.to_owned(), request.package_id.clone()),
            (META_CREDITS.to_owned(), request.credits.to_string()),
        ]);

        let currency: stripe_types::Currency = request
            .currency
            .to_ascii_lowercase()
            .parse()
            .unwrap_or_else(|never| match never {});
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(request.amount_cents);
        price.product_data = Some(ProductData::new(request.package_name.clone()));
        let mut line = CreateCheckoutSessionLineItems::new();
        line.price_data = Some(price);
        line.quantity = Some(1);

        // The payment intent gets its own copy of the metadata: Stripe does not pass the
        // session's on, and payment_intent.* events carry only the intent's.
        let mut intent = CreateCheckoutSessionPaymentIntentData::new();
        intent.metadata = Some(metadata.clone());

        CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(vec![line])
            .success_url(request.success_url.clone())
            .cancel_url(request.cancel_url.clone())
            .client_reference_id(tenant_id)
            .metadata(metadata)
            .payment_intent_data(intent)
    }
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    #[tracing::instrument(
        skip_all,
        fields(tenant_id = %request.tenant_id, package_id = %request.package_id),
        err
    )]
    async fn create_checkout(
        &self,
        request: &CheckoutRequest,
    ) -> Result<CheckoutSession, PaymentError> {
        let strategy = match &request.idempotency_key {
            Some(key) => RequestStrategy::Idempotent(
                IdempotencyKey::new(key)
                    .map_err(|e| PaymentError::Rejected(format!("idempotency key: {e}")))?,
            ),
            None => RequestStrategy::Once,
        };
        let session = Self::checkout_params(request)
            .customize()
            .request_strategy(strategy)
            .send(&self.client)
            .await
            .map_err(payment_error)?;
        // Only the embedded UI modes answer without a URL; this adapter never asks for them.
        let url = session.url.ok_or_else(|| {
            PaymentError::Unavailable("Stripe answered a checkout session without a URL".into())
        })?;
        Ok(CheckoutSession {
            session_id: session.id.as_str().to_owned(),
            url,
        })
    }

    fn verify_webhook(
        &self,
        payload: &[u8],
        signature_header: &str,
    ) -> Result<PaymentEvent, WebhookError> {
        // Stripe signs the body as sent; a body that is not UTF-8 was not sent by Stripe.
        let payload = std::str::from_utf8(payload).map_err(|_| WebhookError::BadSignature)?;
        let event = match Webhook::construct_event(payload, signature_header, &self.webhook_secret)
        {
            Ok(event) => event,
            // The signature is checked before the body is read, so a body that does not read
            // was signed by Stripe all the same.
            Err(stripe_webhook::WebhookError::BadParse(why)) => {
                return unread_event(payload, why);
            }
            Err(
                stripe_webhook::WebhookError::BadKey
                | stripe_webhook::WebhookError::BadHeader(_)
                | stripe_webhook::WebhookError::BadSignature
                | stripe_webhook::WebhookError::BadTimestamp(_),
            ) => return Err(WebhookError::BadSignature),
        };
        let event_id = event.id.as_str().to_owned();
        let created = DateTime::<Utc>::from_timestamp(event.created, 0)
            .ok_or_else(|| WebhookError::Malformed(format!("created {}", event.created)))?;

        Ok(match event.data.object {
            // A delayed payment method (SEPA debit...) completes the session unpaid; the money
            // is there when the session comes back, paid, with async_payment_succeeded.
            EventObject::CheckoutSessionCompleted(session)
            | EventObject::CheckoutSessionAsyncPaymentSucceeded(session) => {
                checkout_completed(event_id, created, &session)
            }
            EventObject::PaymentIntentSucceeded(intent) => {
                payment_intent(event_id, created, &intent, true)
            }
            EventObject::PaymentIntentPaymentFailed(intent) => {
                payment_intent(event_id, created, &intent, false)
            }
            _ => PaymentEvent::Other {
                event_id,
                event_type: event.type_.as_str().to_owned(),
            },
        })
    }
}

/// The event types this adapter turns into something else than [`PaymentEvent::Other`].
const HANDLED_EVENT_TYPES: [&str; 4] = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
];

/// A signed event the SDK could not read. For the types we act on, that is an error worth an
/// alert. For any other type it is only the SDK's typed model lagging behind the account's API
/// version (its objects gain fields, some required): we read the envelope ourselves and let the
/// event through as `Other`, rather than answer an error that Stripe would retry for days.
fn unread_event(payload: &str, why: String) -> Result<PaymentEvent, WebhookError> {
    let envelope: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| WebhookError::Malformed(e.to_string()))?;
    let field = |name: &str| envelope.get(name).and_then(serde_json::Value::as_str);
    match (field("id"), field("type")) {
        (Some(id), Some(kind)) if !HANDLED_EVENT_TYPES.contains(&kind) => {
            tracing::warn!(
                event_id = id,
                event_type = kind,
                "Stripe event read as Other: {why}"
            );
            Ok(PaymentEvent::Other {
                event_id: id.to_owned(),
                event_type: kind.to_owned(),
            })
        }
        _ => Err(WebhookError::Malformed(why)),
    }
}

fn checkout_completed(
    event_id: String,
    created: DateTime<Utc>,
    session: &stripe_checkout::CheckoutSession,
) -> PaymentEvent {
    let metadata = session.metadata.as_ref();
    let meta = |key: &str| metadata.and_then(|m| m.get(key));
    // client_reference_id carries the tenant too: the fallback for a session whose metadata
    // was edited away in the dashboard.
    let tenant_id = meta(META_TENANT_ID)
        .or(session.client_reference_id.as_ref())
        .and_then(|s| Uuid::parse_str(s).ok());
    PaymentEvent::CheckoutCompleted {
        event_id,
        session_id: session.id.as_str().to_owned(),
        tenant_id,
        package_id: meta(META_PACKAGE_ID).cloned(),
        credits: meta(META_CREDITS).and_then(|c| c.parse().ok()),
        amount_total: session.amount_total,
        currency: session.currency.as_ref().map(ToString::to_string),
        payment_intent: session
            .payment_intent
            .as_ref()
            .map(|p| p.id().as_str().to_owned()),
        // no_payment_required counts as paid: nothing was due (a 100 % discount). A status this
        // SDK does not know does not: money is granted on a status we understand only.
        paid: matches!(
            session.payment_status,
            CheckoutSessionPaymentStatus::Paid | CheckoutSessionPaymentStatus::NoPaymentRequired
        ),
        created,
    }
}

fn payment_intent(
    event_id: String,
    created: DateTime<Utc>,
    intent: &stripe_shared::PaymentIntent,
    succeeded: bool,
) -> PaymentEvent {
    PaymentEvent::PaymentIntent {
        event_id,
        succeeded,
        payment_intent_id: intent.id.as_str().to_owned(),
        amount: intent.amount,
        currency: intent.currency.to_string(),
        tenant_id: intent
            .metadata
            .get(META_TENANT_ID)
            .and_then(|s| Uuid::parse_str(s).ok()),
        failure_message: intent
            .last_payment_error
            .as_ref()
            .and_then(|e| e.message.clone()),
        created,
    }
}

/// Stripe's answers that a retry can fix (a conflict on the idempotency key while the first
/// request runs, a rate limit, a failed dependency, a server error) say "unavailable"; any
/// other 4xx is a refusal that the same request will meet again.
fn payment_error(error: StripeError) -> PaymentError {
    match error {
        StripeError::Stripe(api, status) => {
            let what = [
                api.code.as_ref().map(|c| c.as_str().to_owned()),
                api.message.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
            let message = format!("{status} {}: {what}", api.type_.as_str());
            if matches!(status, 409 | 424 | 429 | 500..=599) {
                PaymentError::Unavailable(message)
            } else {
                PaymentError::Rejected(message)
            }
        }
        StripeError::ConfigError(why) => PaymentError::Rejected(why),
        StripeError::JSONDeserialize(why) | StripeError::ClientError(why) => {
            PaymentError::Unavailable(why)
        }
        StripeError::Timeout => PaymentError::Unavailable("timed out".into()),
    }
}
