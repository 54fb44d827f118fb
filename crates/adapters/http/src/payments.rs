//! Buying credits through Stripe: `POST /api/credits/checkout` (OWNER), the signed webhook
//! `POST /api/webhooks/stripe` (no key: Stripe signs it), and `GET /api/payments`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use faireplace_app::idempotency::request_hash;
use faireplace_app::payments::CheckoutInput;
use faireplace_billing::{Payment, PaymentKind, PaymentStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::AppState;
use crate::common::PageParams;
use crate::common::{Manager, OwnerOnly, Paginated};
use crate::problem::ApiError;
use crate::responses::{Conflict, Forbidden, Unavailable};

/// The header that names a request for replays.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A package to buy, and where the customer lands afterwards.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// A package of `GET /api/credits/packages`.
    #[schema(example = "starter", required = true)]
    pub package_id: Option<String>,
    /// Absolute http(s) URL the customer is sent to once paid. Stripe replaces
    /// `{CHECKOUT_SESSION_ID}` in it with the session's id.
    #[schema(
        example = "https://app.example.org/credits?session={CHECKOUT_SESSION_ID}",
        required = true
    )]
    pub success_url: Option<String>,
    /// Absolute http(s) URL the customer is sent to on giving up.
    #[schema(example = "https://app.example.org/credits", required = true)]
    pub cancel_url: Option<String>,
}

/// A checkout session: send the customer to `url`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutResponse {
    #[schema(example = "cs_test_a1b2c3d4e5f6g7h8i9j0")]
    pub session_id: String,
    /// Stripe's hosted payment page.
    #[schema(example = "https://checkout.stripe.com/c/pay/cs_test_a1b2c3d4e5f6g7h8i9j0")]
    pub url: String,
}

/// The `Idempotency-Key` header, if sent (400 when it is not text).
pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    match req.headers().get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|k| Some(k.trim().to_owned()))
            .map_err(|_| ApiError::field("Idempotency-Key", "must be visible ASCII characters")),
    }
}

/// Buy a package of credits (OWNER only).
///
/// Creates a Stripe Checkout session and answers the URL of its payment page. The credits are granted when Stripe reports the payment (see the
/// webhook). With `Idempotency-Key`, a retry of the same request within 24 hours replays the
/// first answer (header `Idempotent-Replayed: true`) without creating another session, and the
/// same key with another body is 409 `IDEMPOTENCY_KEY_REUSED`; only successful answers are
/// kept. 409 `PAYMENT_REJECTED` when Stripe refuses the session; 503 `PAYMENTS_UNAVAILABLE`
/// when Stripe is not configured, 503 `PAYMENT_PROVIDER_UNAVAILABLE` when it does not answer.
#[utoipa::path(
    tag = "Payments", operation_id = "create_checkout",
    request_body = CheckoutRequest,
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "1 to 200 visible ASCII characters naming this request for retries")
    ),
    responses(
        (status = 200, description = "The checkout session", body = CheckoutResponse),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 503, response = Unavailable),
    ),
    security(("bearer" = []))
)]
#[post("/credits/checkout")]
pub async fn checkout(
    state: web::Data<AppState>,
    caller: OwnerOnly,
    req: HttpRequest,
    body: crate::json::Json<CheckoutRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req)?;
    let mut replay_of = None;
    if let Some(key) = &key {
        // The body as read, re-serialized: the same request in other white space or field
        // order is the same request.
        let canonical =
            serde_json::to_vec(&body).map_err(|e| faireplace_app::AppError::Unknown(e.into()))?;
        let hash = request_hash("POST", req.path(), &canonical);
        if let Some(replay) = state.idempotency.replay(&caller.0, key, &hash).await? {
            let status = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK);
            return Ok(HttpResponse::build(status)
                .insert_header(("Idempotent-Replayed", "true"))
                .json(replay.body));
        }
        replay_of = Some((key.clone(), hash));
    }
    let input = CheckoutInput {
        package_id: body.package_id,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
    };
    let session = state
        .payments
        .checkout(&caller.0, &input, key.as_deref())
        .await?;
    let answer = CheckoutResponse {
        session_id: session.session_id,
        url: session.url,
    };
    if let Some((key, hash)) = replay_of {
        let kept = serde_json::to_value(&answer)
            .map_err(|e| faireplace_app::AppError::Unknown(e.into()))?;
        // The session exists: answer it even if it could not be kept. A retry then reaches
        // Stripe again with the same forwarded key, and Stripe answers the same session.
        if let Err(e) = state
            .idempotency
            .remember(&caller.0, &key, &hash, StatusCode::OK.as_u16(), kept)
            .await
        {
            tracing::error!(error = %e, "an idempotent answer could not be kept");
        }
    }
    Ok(HttpResponse::Ok().json(answer))
}

/// The acknowledgement of a webhook call.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAck {
    pub received: bool,
    /// The event had been processed before: nothing changed.
    pub duplicate: bool,
}

/// Stripe's webhook: no API key, Stripe signs each call.
///
/// The body is read as sent and checked against `Stripe-Signature` (HMAC-SHA256 of `t.body` with the endpoint's secret, at most
/// 300 s old); 400 `INVALID_SIGNATURE` otherwise. `checkout.session.completed` and
/// `checkout.session.async_payment_succeeded`, once paid, credit the tenant named in the
/// session's metadata with its package's credits (once per session, and only when the amount
/// paid is the package's price); `payment_intent.succeeded` and `payment_intent.payment_failed`
/// are logged (`GET /api/payments`). Every event is processed once: an event id seen before
/// answers 200 with `duplicate: true`. An event that cannot be credited (unknown tenant or
/// package, amount that does not match) is acknowledged with 200 too, logged for operators,
/// so that Stripe does not resend it for days. 503 `PAYMENTS_UNAVAILABLE` when Stripe is not
/// configured.
#[utoipa::path(
    tag = "Payments", operation_id = "stripe_webhook",
    request_body(content = Object, content_type = "application/json",
        description = "A Stripe event, exactly as Stripe sent it"),
    params(
        ("Stripe-Signature" = String, Header,
            description = "`t=<unix time>,v1=<hex HMAC-SHA256>`, as Stripe sends it")
    ),
    responses(
        (status = 200, description = "Received", body = WebhookAck),
        (status = 503, response = Unavailable),
    ),
    security(())
)]
#[post("/webhooks/stripe")]
pub async fn stripe_webhook(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let signature = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let receipt = state.payments.handle_webhook(&body, signature).await?;
    Ok(HttpResponse::Ok().json(WebhookAck {
        received: true,
        duplicate: receipt.duplicate,
    }))
}

/// A payment as Stripe reported it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    pub id: Uuid,
    #[schema(example = "STRIPE")]
    pub provider: String,
    pub kind: PaymentKind,
    /// CREDITED, PENDING or REJECTED for checkouts; SUCCEEDED or FAILED for payments.
    pub status: PaymentStatus,
    /// Stripe's event.
    pub event_id: String,
    pub session_id: Option<String>,
    pub payment_intent_id: Option<String>,
    pub package_id: Option<String>,
    /// The credits granted.
    pub credits: Option<i64>,
    /// In cents of `currency`.
    pub amount_cents: Option<i64>,
    #[schema(example = "EUR")]
    pub currency: Option<String>,
    /// Why the payment failed, or why it was not credited.
    pub failure_message: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn payment(p: Payment) -> PaymentResponse {
    PaymentResponse {
        id: p.id,
        provider: p.provider,
        kind: p.kind,
        status: p.status,
        event_id: p.event_id,
        session_id: p.session_id,
        payment_intent_id: p.payment_intent_id,
        package_id: p.package_id,
        credits: p.credits,
        amount_cents: p.amount_cents,
        currency: p.currency,
        failure_message: p.failure_message,
        created_at: p.created_at,
    }
}

crate::endpoint! {
    /// The tenant's payments as Stripe reported them, newest first.
    get "/payments", tag = "Payments", id = "list_payments",
    ok = (200, "A page", Paginated<PaymentResponse>),
    errors = [403 Forbidden],
    query params: PageParams;
    fn payments(state, caller: Manager) {
        let page = params.request()?;
        let page = state.payments.payments(&caller.0, page).await?;
        Ok(Paginated::from_page(page, payment).respond())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(checkout)
        .service(stripe_webhook)
        .service(payments);
}
