//! Creating a Checkout session: what is sent to Stripe, and how its answers are read.

use faireplace_ports::TenantId;
use faireplace_ports::payments::{CheckoutRequest, PaymentError, PaymentGateway};
use faireplace_stripe::{StripeConfig, StripeGateway};
use serde_json::json;
use uuid::Uuid;

use crate::mock::{MockStripe, stripe_error};

const SECRET_KEY: &str = "sk_test_51FairePlaceLocalMockOnly";
const SESSION_ID: &str = "cs_test_a1b2c3d4e5f6g7h8i9j0";
const SESSION_URL: &str = "https://checkout.stripe.com/c/pay/cs_test_a1b2c3d4e5f6g7h8i9j0#fid";

fn tenant() -> TenantId {
    TenantId::from_uuid(Uuid::parse_str("0190f5a2-7c1e-7d3a-9b4e-2f6a8c0d1e3f").expect("uuid"))
}

fn request(idempotency_key: Option<&str>) -> CheckoutRequest {
    CheckoutRequest {
        tenant_id: tenant(),
        package_id: "pack-50".into(),
        package_name: "50 crédits".into(),
        credits: 50,
        amount_cents: 1990,
        currency: "eur".into(),
        success_url: "https://app.faireplace.test/credits?session={CHECKOUT_SESSION_ID}".into(),
        cancel_url: "https://app.faireplace.test/credits?cancelled=1".into(),
        idempotency_key: idempotency_key.map(str::to_owned),
    }
}

fn gateway(api_base: &str) -> StripeGateway {
    StripeGateway::new(StripeConfig {
        secret_key: SECRET_KEY.into(),
        webhook_secret: "whsec_unused_here".into(),
        api_base: Some(api_base.into()),
    })
    .expect("gateway")
}

/// The error a checkout through the gateway at `api_base` came back with.
async fn checkout_error(api_base: &str, idempotency_key: Option<&str>) -> PaymentError {
    gateway(api_base)
        .create_checkout(&request(idempotency_key))
        .await
        .expect_err("Stripe refused or was unreachable")
}

/// Stripe answering `status` with `body`, and the error a checkout came back with.
async fn failed_checkout(status: u16, body: String) -> (MockStripe, PaymentError) {
    let stripe = MockStripe::start(status, body).await;
    let error = checkout_error(&stripe.base_url, None).await;
    (stripe, error)
}

/// A Checkout session as Stripe answers its creation (API 2025), trimmed of nothing the SDK
/// requires.
fn created_session() -> String {
    let tenant = tenant().to_string();
    json!({
        "id": SESSION_ID,
        "object": "checkout.session",
        "adaptive_pricing": { "enabled": false },
        "after_expiration": null,
        "allow_promotion_codes": null,
        "amount_subtotal": 1990,
        "amount_total": 1990,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "billing_address_collection": null,
        "cancel_url": "https://app.faireplace.test/credits?cancelled=1",
        "client_reference_id": tenant,
        "client_secret": null,
        "collected_information": null,
        "consent": null,
        "consent_collection": null,
        "created": 1_767_225_600,
        "currency": "eur",
        "currency_conversion": null,
        "custom_fields": [],
        "custom_text": {
            "after_submit": null,
            "shipping_address": null,
            "submit": null,
            "terms_of_service_acceptance": null
        },
        "customer": null,
        "customer_creation": "if_required",
        "customer_details": null,
        "customer_email": null,
        "discounts": [],
        "expires_at": 1_767_312_000,
        "invoice": null,
        "invoice_creation": null,
        "livemode": false,
        "locale": null,
        "metadata": { "tenant_id": tenant, "package_id": "pack-50", "credits": "50" },
        "mode": "payment",
        "payment_intent": null,
        "payment_link": null,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "saved_payment_method_options": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_options": [],
        "status": "open",
        "submit_type": null,
        "subscription": null,
        "success_url": "https://app.faireplace.test/credits?session={CHECKOUT_SESSION_ID}",
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted",
        "url": SESSION_URL
    })
    .to_string()
}

#[tokio::test]
async fn a_session_sells_one_package_to_one_tenant() {
    let stripe = MockStripe::start(200, created_session()).await;

    let session = gateway(&stripe.base_url)
        .create_checkout(&request(Some("credits-purchase-42")))
        .await
        .expect("a checkout session");

    assert_eq!(session.session_id, SESSION_ID);
    assert_eq!(session.url, SESSION_URL);

    let sent = stripe.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/checkout/sessions");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {SECRET_KEY}").as_str())
    );
    assert_eq!(sent.header("idempotency-key"), Some("credits-purchase-42"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );

    let tenant = tenant().to_string();
    assert_eq!(sent.field("mode"), "payment");
    assert_eq!(sent.field("line_items[0][price_data][currency]"), "eur");
    assert_eq!(sent.field("line_items[0][price_data][unit_amount]"), "1990");
    assert_eq!(
        sent.field("line_items[0][price_data][product_data][name]"),
        "50 crédits"
    );
    assert_eq!(sent.field("line_items[0][quantity]"), "1");
    assert_eq!(
        sent.field("success_url"),
        "https://app.faireplace.test/credits?session={CHECKOUT_SESSION_ID}"
    );
    assert_eq!(
        sent.field("cancel_url"),
        "https://app.faireplace.test/credits?cancelled=1"
    );
    assert_eq!(sent.field("client_reference_id"), tenant);
    assert_eq!(sent.field("metadata[tenant_id]"), tenant);
    assert_eq!(sent.field("metadata[package_id]"), "pack-50");
    assert_eq!(sent.field("metadata[credits]"), "50");
    assert_eq!(
        sent.field("payment_intent_data[metadata][tenant_id]"),
        tenant
    );
    assert_eq!(
        sent.field("payment_intent_data[metadata][package_id]"),
        "pack-50"
    );
    assert_eq!(sent.field("payment_intent_data[metadata][credits]"), "50");
    // One line item, and nothing that would price it twice.
    assert!(
        sent.form()
            .iter()
            .all(|(k, _)| !k.starts_with("line_items[1]")),
        "{:?}",
        sent.form()
    );
    assert!(
        sent.form().iter().all(|(k, _)| !k.contains("[price]")),
        "{:?}",
        sent.form()
    );
}

#[tokio::test]
async fn without_a_key_no_idempotency_header_is_sent() {
    let stripe = MockStripe::start(200, created_session()).await;

    gateway(&stripe.base_url)
        .create_checkout(&request(None))
        .await
        .expect("a checkout session");

    assert_eq!(stripe.only_request().header("idempotency-key"), None);
}

#[tokio::test]
async fn an_api_base_with_a_trailing_slash_reaches_the_same_path() {
    let stripe = MockStripe::start(200, created_session()).await;

    gateway(&format!("{}/", stripe.base_url))
        .create_checkout(&request(None))
        .await
        .expect("a checkout session");

    assert_eq!(stripe.only_request().path, "/v1/checkout/sessions");
}

#[tokio::test]
async fn a_card_error_402_is_a_refusal() {
    let body = stripe_error(
        "card_error",
        Some("card_declined"),
        "Your card was declined.",
    );
    let (stripe, error) = failed_checkout(402, body).await;

    let PaymentError::Rejected(message) = error else {
        panic!("{error:?}")
    };
    assert!(message.contains("402"), "{message}");
    assert!(message.contains("card_declined"), "{message}");
    assert!(message.contains("Your card was declined."), "{message}");
    // A refusal is final: the client does not try again by itself.
    assert_eq!(stripe.requests().len(), 1);
}

#[tokio::test]
async fn an_invalid_request_400_is_a_refusal() {
    let body = stripe_error(
        "invalid_request_error",
        Some("parameter_invalid_integer"),
        "Invalid integer: -5",
    );
    let (_stripe, error) = failed_checkout(400, body).await;

    assert!(
        matches!(&error, PaymentError::Rejected(m) if m.contains("Invalid integer")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_wrong_api_key_401_is_a_refusal() {
    let body = stripe_error(
        "invalid_request_error",
        None,
        "Invalid API Key provided: sk_test_****Only",
    );
    let (_stripe, error) = failed_checkout(401, body).await;

    assert!(matches!(error, PaymentError::Rejected(_)), "{error:?}");
}

#[tokio::test]
async fn a_rate_limit_429_is_worth_a_retry() {
    let body = stripe_error(
        "invalid_request_error",
        Some("rate_limit"),
        "Too many requests.",
    );
    let (_stripe, error) = failed_checkout(429, body).await;

    assert!(matches!(error, PaymentError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn a_stripe_server_error_500_is_unavailability() {
    let body = stripe_error("api_error", None, "An unknown error occurred.");
    let (_stripe, error) = failed_checkout(500, body).await;

    assert!(matches!(error, PaymentError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn a_proxy_page_instead_of_json_is_unavailability() {
    let (_stripe, error) = failed_checkout(502, "<html>Bad Gateway</html>".into()).await;

    assert!(matches!(error, PaymentError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn a_closed_port_is_unavailability() {
    // A port that was just free: nothing listens there any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let base_url = format!("http://{}", listener.local_addr().expect("its address"));
    drop(listener);

    let error = checkout_error(&base_url, None).await;

    assert!(matches!(error, PaymentError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn an_empty_idempotency_key_is_refused_before_calling_stripe() {
    let stripe = MockStripe::start(200, created_session()).await;

    let error = checkout_error(&stripe.base_url, Some("")).await;

    assert!(matches!(error, PaymentError::Rejected(_)), "{error:?}");
    assert!(stripe.requests().is_empty());
}

#[test]
fn the_secrets_never_show_in_debug_output() {
    let config = StripeConfig {
        secret_key: SECRET_KEY.into(),
        webhook_secret: "whsec_do_not_print".into(),
        api_base: None,
    };
    let printed = format!(
        "{config:?} {:?}",
        StripeGateway::new(config.clone()).expect("gateway")
    );

    assert!(!printed.contains(SECRET_KEY), "{printed}");
    assert!(!printed.contains("whsec_do_not_print"), "{printed}");
    assert!(printed.contains("***"), "{printed}");
}

#[test]
fn a_secret_key_that_cannot_be_a_header_is_a_configuration_error() {
    let error = StripeGateway::new(StripeConfig {
        secret_key: "sk_test_line\nbreak".into(),
        webhook_secret: "whsec_x".into(),
        api_base: None,
    })
    .expect_err("a secret key with a line break");

    assert!(!error.to_string().contains("line\nbreak"), "{error}");
}
