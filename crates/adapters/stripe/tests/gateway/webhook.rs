//! Webhooks: signed here, as Stripe signs them (HMAC-SHA256 of "t.payload" with the endpoint
//! secret, `t=<unix>,v1=<hex>`), with a hand-written HMAC so that the check is not the SDK
//! agreeing with itself.

use chrono::{DateTime, Utc};
use faireplace_ports::payments::{PaymentEvent, PaymentGateway, WebhookError};
use faireplace_stripe::{StripeConfig, StripeGateway};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::mock::{hmac_sha256, payment_intent_object, session_object, signature};

const WEBHOOK_SECRET: &str = "whsec_test_5f1c0d2e9b8a7f6e5d4c3b2a19081726";
const TENANT: &str = "0190f5a2-7c1e-7d3a-9b4e-2f6a8c0d1e3f";
const CREATED: i64 = 1_767_225_900;

fn gateway() -> StripeGateway {
    StripeGateway::new(StripeConfig {
        secret_key: "sk_test_unused_here".into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        // Nothing is sent: verifying a webhook is local.
        api_base: Some("http://127.0.0.1:9".into()),
    })
    .expect("gateway")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> i64 {
    Utc::now().timestamp()
}

/// A whole event envelope around `object`, as Stripe posts it.
fn event(id: &str, kind: &str, object: Value) -> String {
    json!({
        "id": id,
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": CREATED,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": "credits-purchase-42" },
        "type": kind
    })
    .to_string()
}

/// A Checkout session after the customer went through the payment page, made for our tenant
/// (its `client_reference_id`, whatever the metadata say).
fn completed_session(payment_status: &str, metadata: Value) -> Value {
    let mut session = session_object(
        "cs_test_a1b2c3d4e5f6g7h8i9j0",
        payment_status,
        metadata,
        1990,
        "eur",
    );
    session["client_reference_id"] = json!(TENANT);
    session
}

fn our_metadata() -> Value {
    json!({ "tenant_id": TENANT, "package_id": "pack-50", "credits": "50" })
}

/// A payment intent created by a Checkout session, `status` "succeeded" or
/// "requires_payment_method" (after a failure, with its `last_payment_error`).
fn payment_intent(status: &str, last_payment_error: Value) -> Value {
    payment_intent_object(
        "pi_3QxYzAbCdEfGhIjK0aBcDeFg",
        status,
        1990,
        json!({ "tenant_id": TENANT, "package_id": "pack-50", "credits": "50" }),
        last_payment_error,
    )
}

fn verify_signed(payload: &str) -> Result<PaymentEvent, WebhookError> {
    gateway().verify_webhook(
        payload.as_bytes(),
        &signature(payload, WEBHOOK_SECRET, now()),
    )
}

fn created_at() -> DateTime<Utc> {
    DateTime::from_timestamp(CREATED, 0).expect("a timestamp")
}

#[test]
fn the_hand_written_hmac_is_hmac_sha256() {
    // RFC 4231, test case 2.
    assert_eq!(
        hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn a_paid_checkout_names_the_tenant_the_package_and_the_credits() {
    let payload = event(
        "evt_1QxYzAbCdEfGhIjKcOmPlEtE",
        "checkout.session.completed",
        completed_session("paid", our_metadata()),
    );

    let event = verify_signed(&payload).expect("a verified event");

    assert_eq!(
        event,
        PaymentEvent::CheckoutCompleted {
            event_id: "evt_1QxYzAbCdEfGhIjKcOmPlEtE".into(),
            session_id: "cs_test_a1b2c3d4e5f6g7h8i9j0".into(),
            tenant_id: Some(Uuid::parse_str(TENANT).expect("uuid")),
            package_id: Some("pack-50".into()),
            credits: Some(50),
            amount_total: Some(1990),
            currency: Some("eur".into()),
            payment_intent: Some("pi_3QxYzAbCdEfGhIjK0aBcDeFg".into()),
            paid: true,
            created: created_at(),
        }
    );
}

#[test]
fn a_checkout_completed_unpaid_is_not_paid_yet() {
    let payload = event(
        "evt_1QxYzAbCdEfGhIjKsEpAdEbT",
        "checkout.session.completed",
        completed_session("unpaid", our_metadata()),
    );

    let event = verify_signed(&payload).expect("a verified event");

    assert!(
        matches!(event, PaymentEvent::CheckoutCompleted { paid: false, .. }),
        "{event:?}"
    );
}

#[test]
fn the_delayed_payment_of_a_checkout_arrives_as_a_paid_checkout() {
    let payload = event(
        "evt_1QxYzAbCdEfGhIjKaSyNcPaY",
        "checkout.session.async_payment_succeeded",
        completed_session("paid", our_metadata()),
    );

    let event = verify_signed(&payload).expect("a verified event");

    let PaymentEvent::CheckoutCompleted {
        paid,
        session_id,
        credits,
        ..
    } = event
    else {
        panic!("{event:?}")
    };
    assert!(paid);
    assert_eq!(session_id, "cs_test_a1b2c3d4e5f6g7h8i9j0");
    assert_eq!(credits, Some(50));
}

#[test]
fn a_checkout_created_elsewhere_carries_no_package_but_its_reference() {
    // A session made by hand in the dashboard: no metadata of ours.
    let payload = event(
        "evt_1QxYzAbCdEfGhIjKdAsHbOaR",
        "checkout.session.completed",
        completed_session("paid", json!({})),
    );

    let event = verify_signed(&payload).expect("a verified event");

    let PaymentEvent::CheckoutCompleted {
        tenant_id,
        package_id,
        credits,
        ..
    } = event
    else {
        panic!("{event:?}")
    };
    assert_eq!(tenant_id, Some(Uuid::parse_str(TENANT).expect("uuid")));
    assert_eq!(package_id, None);
    assert_eq!(credits, None);
}

#[test]
fn a_succeeded_payment_intent_names_its_tenant() {
    let payload = event(
        "evt_3QxYzAbCdEfGhIjK0sUcCeSs",
        "payment_intent.succeeded",
        payment_intent("succeeded", Value::Null),
    );

    let event = verify_signed(&payload).expect("a verified event");

    assert_eq!(
        event,
        PaymentEvent::PaymentIntent {
            event_id: "evt_3QxYzAbCdEfGhIjK0sUcCeSs".into(),
            succeeded: true,
            payment_intent_id: "pi_3QxYzAbCdEfGhIjK0aBcDeFg".into(),
            amount: 1990,
            currency: "eur".into(),
            tenant_id: Some(Uuid::parse_str(TENANT).expect("uuid")),
            failure_message: None,
            created: created_at(),
        }
    );
}

#[test]
fn a_failed_payment_intent_tells_why() {
    let error = json!({
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card has insufficient funds.",
        "payment_method": null
    });
    let payload = event(
        "evt_3QxYzAbCdEfGhIjK0fAiLeDd",
        "payment_intent.payment_failed",
        payment_intent("requires_payment_method", error),
    );

    let event = verify_signed(&payload).expect("a verified event");

    let PaymentEvent::PaymentIntent {
        succeeded,
        failure_message,
        tenant_id,
        ..
    } = event
    else {
        panic!("{event:?}")
    };
    assert!(!succeeded);
    assert_eq!(
        failure_message.as_deref(),
        Some("Your card has insufficient funds.")
    );
    assert_eq!(tenant_id, Some(Uuid::parse_str(TENANT).expect("uuid")));
}

#[test]
fn another_event_type_is_other() {
    // An object of an API area this adapter does not build (Climate): the SDK keeps it raw.
    let order = json!({ "id": "climorder_1QxYz", "object": "climate.order", "amount_total": 500 });
    let payload = event(
        "evt_1QxYzAbCdEfGhIjKoThErEv",
        "climate.order.canceled",
        order,
    );

    let event = verify_signed(&payload).expect("a verified event");

    assert_eq!(
        event,
        PaymentEvent::Other {
            event_id: "evt_1QxYzAbCdEfGhIjKoThErEv".into(),
            event_type: "climate.order.canceled".into(),
        }
    );
}

#[test]
fn another_event_the_sdk_cannot_read_is_still_other() {
    // A charge in a shape the SDK's model does not expect (as after an API version change).
    let charge = json!({ "id": "ch_3QxYzAbCdEfGhIjK0mOcKcHg", "object": "charge" });
    let payload = event("evt_3QxYzAbCdEfGhIjK0cHaRgE", "charge.succeeded", charge);

    let event = verify_signed(&payload).expect("a verified event");

    assert!(
        matches!(&event, PaymentEvent::Other { event_type, .. } if event_type == "charge.succeeded"),
        "{event:?}"
    );
}

#[test]
fn a_signed_event_of_ours_that_does_not_read_is_malformed() {
    let session = json!({ "id": "cs_test_a1b2c3d4e5f6g7h8i9j0", "object": "checkout.session" });
    let payload = event(
        "evt_1QxYzAbCdEfGhIjKbRoKeNn",
        "checkout.session.completed",
        session,
    );

    let error = verify_signed(&payload).expect_err("a session without its required fields");

    assert!(matches!(error, WebhookError::Malformed(_)), "{error:?}");
}

#[test]
fn a_signed_body_that_is_not_json_is_malformed() {
    let error = verify_signed("not json at all").expect_err("not an event");

    assert!(matches!(error, WebhookError::Malformed(_)), "{error:?}");
}

fn a_good_payload() -> String {
    event(
        "evt_1QxYzAbCdEfGhIjKcOmPlEtE",
        "checkout.session.completed",
        completed_session("paid", our_metadata()),
    )
}

fn assert_bad_signature(payload: &[u8], header: &str) {
    let error = gateway()
        .verify_webhook(payload, header)
        .expect_err("refused");
    assert!(
        matches!(error, WebhookError::BadSignature),
        "{header}: {error:?}"
    );
}

#[test]
fn a_tampered_body_is_refused() {
    let payload = a_good_payload();
    let header = signature(&payload, WEBHOOK_SECRET, now());
    let tampered = payload.replace("\"credits\":\"50\"", "\"credits\":\"5000\"");
    assert_ne!(tampered, payload);

    assert_bad_signature(tampered.as_bytes(), &header);
}

#[test]
fn a_signature_with_another_secret_is_refused() {
    let payload = a_good_payload();

    assert_bad_signature(
        payload.as_bytes(),
        &signature(&payload, "whsec_some_other_endpoint", now()),
    );
}

#[test]
fn a_signature_older_than_five_minutes_is_refused() {
    let payload = a_good_payload();

    assert_bad_signature(
        payload.as_bytes(),
        &signature(&payload, WEBHOOK_SECRET, now() - 301),
    );
}

#[test]
fn a_signature_from_the_future_is_refused() {
    let payload = a_good_payload();

    assert_bad_signature(
        payload.as_bytes(),
        &signature(&payload, WEBHOOK_SECRET, now() + 301),
    );
}

#[test]
fn a_signature_four_minutes_old_is_accepted() {
    let payload = a_good_payload();
    let header = signature(&payload, WEBHOOK_SECRET, now() - 240);

    gateway()
        .verify_webhook(payload.as_bytes(), &header)
        .expect("within the tolerance");
}

#[test]
fn a_header_signed_for_another_timestamp_is_refused() {
    // The signature covers t: replaying it with a fresh t does not verify.
    let payload = a_good_payload();
    let old = signature(&payload, WEBHOOK_SECRET, now() - 1000);
    let v1 = old.split_once(",v1=").expect("v1").1;

    assert_bad_signature(payload.as_bytes(), &format!("t={},v1={v1}", now()));
}

#[test]
fn garbage_headers_are_refused() {
    let payload = a_good_payload();
    let good = signature(&payload, WEBHOOK_SECRET, now());
    let v1 = good.split_once(",v1=").expect("v1").1;
    for header in [
        "",
        "garbage",
        "t=,v1=",
        &format!("t=yesterday,v1={v1}"),
        &format!("v1={v1}"),
        &format!("t={}", now()),
        &format!("t={},v0={v1}", now()),
        &format!("t={},v1=zz{}", now(), &v1[2..]),
    ] {
        assert_bad_signature(payload.as_bytes(), header);
    }
}

#[test]
fn a_body_that_is_not_utf8_is_refused() {
    assert_bad_signature(&[0xff, 0xfe, b'{', b'}'], &format!("t={},v1=00", now()));
}

#[test]
fn any_matching_v1_is_enough_as_during_a_secret_rotation() {
    let payload = a_good_payload();
    let t = now();
    let other = signature(&payload, "whsec_the_previous_secret", t);
    let ours = signature(&payload, WEBHOOK_SECRET, t);
    let header = format!("{other},v1={}", ours.split_once(",v1=").expect("v1").1);

    gateway()
        .verify_webhook(payload.as_bytes(), &header)
        .expect("one v1 matches");
}
