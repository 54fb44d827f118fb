//! Buying credits end to end: checkout through the real Stripe adapter against a local stand-in
//! for Stripe's API, and webhooks signed here as Stripe signs them, into PostgreSQL.

use faireplace_tests::stripe_mock::{
    self, MockStripe, WEBHOOK_SECRET, card_error, event, payment_intent_object, session_object,
    sign_now, signature, stripe_error,
};
use faireplace_tests::{TestApp, TestTenant, statuses_at_once};
use serde_json::{Value, json};

const SESSION_ID: &str = "cs_test_a1b2c3d4e5f6g7h8i9j0";
const SESSION_URL: &str = "https://checkout.stripe.com/c/pay/cs_test_a1b2c3d4e5f6g7h8i9j0#fid";
const SUCCESS_URL: &str = "https://app.faireplace.test/credits?session={CHECKOUT_SESSION_ID}";
const CANCEL_URL: &str = "https://app.faireplace.test/credits?cancelled=1";

/// A server configured with Stripe at `mock`, with the default packages (starter: 10 credits
/// for 1500 cents).
async fn app_with(mock: &MockStripe) -> TestApp {
    let stripe = stripe_mock::config(mock);
    TestApp::spawn_with(move |c| c.stripe = Some(stripe)).await
}

/// A server whose webhooks are all these tests need (its Stripe API is never called).
async fn webhook_app() -> (TestApp, MockStripe) {
    let mock = MockStripe::checkout(SESSION_ID, SESSION_URL).await;
    (app_with(&mock).await, mock)
}

fn checkout_body(package_id: &str) -> Value {
    json!({"package_id": package_id, "success_url": SUCCESS_URL, "cancel_url": CANCEL_URL})
}

/// Asks for a checkout session for `package_id`, with the usual return addresses.
async fn checkout(app: &TestApp, key: &str, package_id: &str) -> faireplace_tests::Answer {
    app.post("/api/credits/checkout", key, checkout_body(package_id))
        .await
}

fn metadata(tenant: &str, package_id: &str, credits: &str) -> Value {
    json!({"tenant_id": tenant, "package_id": package_id, "credits": credits})
}

/// A signed `kind` event for a checkout session of `tenant` (starter, paid 1500 EUR unless
/// the session says otherwise).
fn checkout_event(event_id: &str, kind: &str, session: Value) -> String {
    event(event_id, kind, session)
}

fn paid_starter(tenant: &str) -> Value {
    session_object(
        SESSION_ID,
        "paid",
        metadata(tenant, "starter", "10"),
        1500,
        "eur",
    )
}

async fn balance(app: &TestApp, t: &TestTenant) -> i64 {
    let res = app.get("/api/credits/balance", &t.owner_key).await;
    res.assert_status(200);
    res.body["balance"].as_i64().expect("balance")
}

async fn send_signed(app: &TestApp, payload: &str) -> faireplace_tests::Answer {
    app.post_webhook(payload, Some(&sign_now(payload))).await
}

/// POSTs a checkout with an Idempotency-Key and a body given as text.
async fn checkout_with_key(
    app: &TestApp,
    key: &str,
    idempotency_key: &str,
    body: &str,
) -> faireplace_tests::Answer {
    let res = app
        .client
        .post(app.url("/api/credits/checkout"))
        .bearer_auth(key)
        .header("idempotency-key", idempotency_key)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("sent");
    TestApp::read(res).await
}

#[tokio::test]
async fn an_owner_buys_a_package_through_a_stripe_checkout_session() {
    let mock = MockStripe::checkout(SESSION_ID, SESSION_URL).await;
    let app = app_with(&mock).await;
    let t = app.tenant("A").await;

    let res = checkout(&app, &t.owner_key, "starter").await;

    res.assert_status(200);
    assert_eq!(res.body["session_id"], SESSION_ID);
    assert_eq!(res.body["url"], SESSION_URL);
    let sent = mock.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/checkout/sessions");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {}", stripe_mock::SECRET_KEY).as_str())
    );
    assert_eq!(sent.header("idempotency-key"), None);
    // Our package, priced by our configuration, for this tenant.
    assert_eq!(sent.field("mode"), "payment");
    assert_eq!(sent.field("line_items[0][price_data][unit_amount]"), "1500");
    assert_eq!(sent.field("line_items[0][price_data][currency]"), "eur");
    assert_eq!(sent.field("line_items[0][quantity]"), "1");
    assert_eq!(sent.field("metadata[tenant_id]"), t.id);
    assert_eq!(sent.field("metadata[package_id]"), "starter");
    assert_eq!(sent.field("metadata[credits]"), "10");
    assert_eq!(sent.field("payment_intent_data[metadata][tenant_id]"), t.id);
    assert_eq!(sent.field("client_reference_id"), t.id);
    assert_eq!(sent.field("success_url"), SUCCESS_URL);
    assert_eq!(sent.field("cancel_url"), CANCEL_URL);
    // Nothing is credited before Stripe says the payment went through.
    assert_eq!(balance(&app, &t).await, 0);
}

#[tokio::test]
async fn only_an_owner_buys_and_only_what_is_on_sale() {
    let mock = MockStripe::checkout(SESSION_ID, SESSION_URL).await;
    let app = app_with(&mock).await;
    let t = app.tenant("A").await;
    let manager = app.key(&t, "MANAGER").await;
    let (lessee, _) = app.lessee_key(&t, &["lessee:leases:read"]).await;

    checkout(&app, &manager, "starter")
        .await
        .assert_problem(403, "FORBIDDEN");
    checkout(&app, &lessee, "starter")
        .await
        .assert_problem(403, "FORBIDDEN");
    checkout(&app, "", "starter")
        .await
        .assert_problem(401, "UNAUTHENTICATED");

    let res = checkout(&app, &t.owner_key, "platinum").await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["package_id"]);

    let res = app
        .post(
            "/api/credits/checkout",
            &t.owner_key,
            json!({"package_id": "starter", "success_url": "/credits/done",
                   "cancel_url": "javascript:alert(1)"}),
        )
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(res.error_fields(), ["success_url", "cancel_url"]);

    let res = app
        .post("/api/credits/checkout", &t.owner_key, json!({}))
        .await;
    res.assert_problem(400, "VALIDATION_ERROR");
    assert_eq!(
        res.error_fields(),
        ["package_id", "success_url", "cancel_url"]
    );

    let mut extra = checkout_body("starter");
    extra["credits"] = json!(1000);
    app.post("/api/credits/checkout", &t.owner_key, extra)
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    assert!(mock.requests().is_empty(), "{:#?}", mock.requests());
}

#[tokio::test]
async fn a_retried_checkout_replays_its_first_answer_without_calling_stripe_again() {
    let mock = MockStripe::checkout(SESSION_ID, SESSION_URL).await;
    let app = app_with(&mock).await;
    let t = app.tenant("A").await;
    let body = checkout_body("starter").to_string();

    let first = checkout_with_key(&app, &t.owner_key, "buy-starter-1", &body).await;
    first.assert_status(200);
    assert_eq!(first.header("idempotent-replayed"), None);
    // Stripe meanwhile would answer another session: the retry must not reach it.
    mock.answer(
        200,
        stripe_mock::checkout_session("cs_test_other", "https://checkout.stripe.com/c/pay/other"),
    );

    // The same request, written in another field order and spacing.
    let reordered = format!(
        r#"{{ "cancel_url": "{CANCEL_URL}", "success_url": "{SUCCESS_URL}", "package_id": "starter" }}"#
    );
    for again in [&body, &reordered] {
        let replay = checkout_with_key(&app, &t.owner_key, "buy-starter-1", again).await;
        replay.assert_status(200);
        assert_eq!(replay.body, first.body);
        assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    }
    let sent = mock.only_request();
    // The key reaches Stripe too, scoped to the tenant.
    assert_eq!(
        sent.header("idempotency-key"),
        Some(format!("{}:buy-starter-1", t.id).as_str())
    );

    // The same key for another request.
    let other = checkout_body("pro").to_string();
    checkout_with_key(&app, &t.owner_key, "buy-starter-1", &other)
        .await
        .assert_problem(409, "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(mock.requests().len(), 1);

    // Keys are the tenant's own: another tenant's same key is another request.
    let b = app.tenant("B").await;
    let res = checkout_with_key(&app, &b.owner_key, "buy-starter-1", &other).await;
    res.assert_status(200);
    assert_eq!(res.body["session_id"], "cs_test_other");
    assert_eq!(mock.requests().len(), 2);

    // A key that cannot be one.
    checkout_with_key(&app, &t.owner_key, &"k".repeat(201), &body)
        .await
        .assert_problem(400, "VALIDATION_ERROR");
}

#[tokio::test]
async fn a_failed_checkout_is_not_kept_and_stripe_errors_are_problems() {
    let mock = MockStripe::start(
        400,
        stripe_error(
            "invalid_request_error",
            Some("parameter_invalid_integer"),
            "Invalid integer: unit_amount",
        ),
    )
    .await;
    let app = app_with(&mock).await;
    let t = app.tenant("A").await;
    let body = checkout_body("starter").to_string();

    let res = checkout_with_key(&app, &t.owner_key, "k-1", &body).await;
    res.assert_problem(409, "PAYMENT_REJECTED");
    // Stripe's words stay in the server's log.
    assert!(!res.text.contains("unit_amount"), "{}", res.text);

    mock.answer(500, stripe_error("api_error", None, "Something went wrong"));
    let res = checkout_with_key(&app, &t.owner_key, "k-1", &body).await;
    res.assert_problem(503, "PAYMENT_PROVIDER_UNAVAILABLE");
    assert!(res.header("retry-after").is_some());

    // Only a success is kept: the retry under the same key goes through.
    mock.answer(200, stripe_mock::checkout_session(SESSION_ID, SESSION_URL));
    let res = checkout_with_key(&app, &t.owner_key, "k-1", &body).await;
    res.assert_status(200);
    assert_eq!(res.body["session_id"], SESSION_ID);
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn without_stripe_checkout_and_webhook_answer_503() {
    // Whatever the environment says.
    let app = TestApp::spawn_with(|c| c.stripe = None).await;
    let t = app.tenant("A").await;

    let res = checkout(&app, &t.owner_key, "starter").await;
    res.assert_problem(503, "PAYMENTS_UNAVAILABLE");
    assert!(
        res.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Stripe is not configured")),
        "{}",
        res.text
    );
    // The role is checked first all the same.
    let manager = app.key(&t, "MANAGER").await;
    checkout(&app, &manager, "starter")
        .await
        .assert_problem(403, "FORBIDDEN");

    let payload = checkout_event(
        "evt_unconfigured",
        "checkout.session.completed",
        paid_starter(&t.id),
    );
    send_signed(&app, &payload)
        .await
        .assert_problem(503, "PAYMENTS_UNAVAILABLE");
    assert_eq!(balance(&app, &t).await, 0);
    // The log of payments needs no Stripe.
    app.get("/api/payments", &t.owner_key)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_paid_checkout_credits_its_tenant_once_whatever_stripe_resends() {
    let (app, _mock) = webhook_app().await;
    let t = app.tenant("A").await;
    let payload = checkout_event(
        "evt_completed_1",
        "checkout.session.completed",
        paid_starter(&t.id),
    );

    // No API key: the signature is the credential.
    let res = send_signed(&app, &payload).await;
    res.assert_status(200);
    assert_eq!(res.body, json!({"received": true, "duplicate": false}));
    assert_eq!(balance(&app, &t).await, 10);
    let ledger = app.get("/api/credits/transactions", &t.owner_key).await;
    assert_eq!(ledger.body["pagination"]["total"], 1);
    let line = &ledger.body["data"][0];
    assert_eq!(line["kind"], "PURCHASE");
    assert_eq!(line["amount"], 10);
    assert_eq!(line["balance_after"], 10);
    assert_eq!(line["reference"], format!("stripe:{SESSION_ID}"));

    // Stripe delivers at least once: the same event, signed anew, changes nothing.
    let res = send_signed(&app, &payload).await;
    res.assert_status(200);
    assert_eq!(res.body, json!({"received": true, "duplicate": true}));
    assert_eq!(balance(&app, &t).await, 10);

    // Another event for the same session (the delayed-payment one) credits nothing more.
    let again = checkout_event(
        "evt_async_1",
        "checkout.session.async_payment_succeeded",
        paid_starter(&t.id),
    );
    let res = send_signed(&app, &again).await;
    res.assert_status(200);
    assert_eq!(res.body["duplicate"], false);
    assert_eq!(balance(&app, &t).await, 10);

    let payments = app.get("/api/payments", &t.owner_key).await;
    payments.assert_status(200);
    assert_eq!(payments.body["pagination"]["total"], 1, "{}", payments.text);
    let p = &payments.body["data"][0];
    assert_eq!(p["provider"], "STRIPE");
    assert_eq!(p["kind"], "CHECKOUT_COMPLETED");
    assert_eq!(p["status"], "CREDITED");
    assert_eq!(p["session_id"], SESSION_ID);
    assert_eq!(p["event_id"], "evt_completed_1");
    assert_eq!(p["package_id"], "starter");
    assert_eq!(p["credits"], 10);
    assert_eq!(p["amount_cents"], 1500);
    assert_eq!(p["currency"], "EUR");

    // Every event is recorded as processed, with what it did.
    let mut conn = app.admin_connection().await;
    let events: Vec<(String, Option<uuid::Uuid>, String)> = sqlx::query_as(
        "SELECT event_id, for_tenant_id, outcome FROM stripe_events ORDER BY processed_at, event_id",
    )
    .fetch_all(&mut conn)
    .await
    .expect("events");
    let tenant = uuid::Uuid::parse_str(&t.id).expect("uuid");
    assert_eq!(
        events,
        [
            (
                "evt_completed_1".to_owned(),
                Some(tenant),
                "CREDITED".to_owned()
            ),
            (
                "evt_async_1".to_owned(),
                Some(tenant),
                "ALREADY_CREDITED".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn concurrent_deliveries_of_one_session_credit_it_once() {
    let (app, _mock) = webhook_app().await;
    let t = app.tenant("A").await;
    let mut requests = Vec::new();
    for i in 0..8 {
        // Half the same event id, half other ids for the same session.
        let id = if i % 2 == 0 {
            "evt_same".to_owned()
        } else {
            format!("evt_other_{i}")
        };
        let payload = checkout_event(&id, "checkout.session.completed", paid_starter(&t.id));
        let url = app.url("/api/webhooks/stripe");
        let signature = sign_now(&payload);
        requests.push(
            app.client
                .post(url)
                .header("stripe-signature", signature)
                .body(payload),
        );
    }
    for status in statuses_at_once(requests).await {
        assert_eq!(status, 200);
    }
    assert_eq!(balance(&app, &t).await, 10);
}

#[tokio::test]
async fn unsigned_badly_signed_and_stale_calls_are_refused() {
    let (app, _mock) = webhook_app().await;
    let t = app.tenant("A").await;
    let payload = checkout_event(
        "evt_forged",
        "checkout.session.completed",
        paid_starter(&t.id),
    );
    let now = chrono::Utc::now().timestamp();

    app.post_webhook(&payload, None)
        .await
        .assert_problem(400, "INVALID_SIGNATURE");
    app.post_webhook(
        &payload,
        Some(&signature(&payload, "whsec_someone_else", now)),
    )
    .await
    .assert_problem(400, "INVALID_SIGNATURE");
    app.post_webhook(
        &payload,
        Some(&signature(&payload, WEBHOOK_SECRET, now - 400)),
    )
    .await
    .assert_problem(400, "INVALID_SIGNATURE");
    app.post_webhook(&payload, Some("t=1,v1=00"))
        .await
        .assert_problem(400, "INVALID_SIGNATURE");
    // Signed, then changed on the way.
    let header = sign_now(&payload);
    let tampered = payload.replace(r#""credits":"10""#, r#""credits":"1000""#);
    assert_ne!(tampered, payload);
    app.post_webhook(&tampered, Some(&header))
        .await
        .assert_problem(400, "INVALID_SIGNATURE");
    // Signed by Stripe, but not an event.
    let garbage = "not json";
    send_signed(&app, garbage)
        .await
        .assert_problem(400, "MALFORMED_JSON");

    assert_eq!(balance(&app, &t).await, 0);
    // None of them was recorded: Stripe's genuine delivery of that id still counts.
    let res = send_signed(&app, &payload).await;
    res.assert_status(200);
    assert_eq!(res.body["duplicate"], false);
    assert_eq!(balance(&app, &t).await, 10);
}

#[tokio::test]
async fn an_unpaid_checkout_is_credited_when_its_payment_arrives() {
    let (app, _mock) = webhook_app().await;
    let t = app.tenant("A").await;
    let unpaid = session_object(
        SESSION_ID,
        "unpaid",
        metadata(&t.id, "starter", "10"),
        1500,
        "eur",
    );

    let res = send_signed(
        &app,
        &checkout_event("evt_sepa_completed", "checkout.session.completed", unpaid),
    )
    .await;
    res.assert_status(200);
    assert_eq!(balance(&app, &t).await, 0);
    let payments = app.get("/api/payments", &t.owner_key).await;
    assert_eq!(payments.body["data"][0]["status"], "PENDING");
    assert_eq!(payments.body["data"][0]["credits"], Value::Null);

    // Days later, the SEPA debit went through.
    let res = send_signed(
        &app,
        &checkout_event(
            "evt_sepa_paid",
            "checkout.session.async_payment_succeeded",
            paid_starter(&t.id),
        ),
    )
    .await;
    res.assert_status(200);
    assert_eq!(balance(&app, &t).await, 10);
    let payments = app.get("/api/payments", &t.owner_key).await;
    assert_eq!(payments.body["pagination"]["total"], 2);
    // Newest first.
    assert_eq!(payments.body["data"][0]["status"], "CREDITED");
    assert_eq!(payments.body["data"][0]["event_id"], "evt_sepa_paid");
    assert_eq!(payments.body["data"][1]["status"], "PENDING");
}

#[tokio::test]
async fn payment_intents_are_logged_for_their_tenant_only() {
    let (app, _mock) = webhook_app().await;
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let meta = metadata(&a.id, "starter", "10");

    let succeeded = event(
        "evt_pi_ok",
        "payment_intent.succeeded",
        payment_intent_object("pi_ok", "succeeded", 1500, meta.clone(), Value::Null),
    );
    send_signed(&app, &succeeded).await.assert_status(200);
    let failed = event(
        "evt_pi_ko",
        "payment_intent.payment_failed",
        payment_intent_object(
            "pi_ko",
            "requires_payment_method",
            1500,
            meta,
            card_error("Your card has insufficient funds."),
        ),
    );
    send_signed(&app, &failed).await.assert_status(200);

    // Logged, not credited: checkout.session.* grants credits.
    assert_eq!(balance(&app, &a).await, 0);
    let manager = app.key(&a, "MANAGER").await;
    let res = app.get("/api/payments", &manager).await;
    res.assert_status(200);
    assert_eq!(res.body["pagination"]["total"], 2, "{}", res.text);
    let rows = res.body["data"].as_array().expect("rows");
    let failed = rows
        .iter()
        .find(|p| p["kind"] == "PAYMENT_FAILED")
        .expect("the failure");
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["payment_intent_id"], "pi_ko");
    assert_eq!(
        failed["failure_message"],
        "Your card has insufficient funds."
    );
    assert_eq!(failed["amount_cents"], 1500);
    let ok = rows
        .iter()
        .find(|p| p["kind"] == "PAYMENT_SUCCEEDED")
        .expect("the success");
    assert_eq!(ok["status"], "SUCCEEDED");
    assert_eq!(ok["failure_message"], Value::Null);

    // Paging.
    let res = app.get("/api/payments?limit=1&page=2", &manager).await;
    assert_eq!(res.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(res.body["pagination"]["total_pages"], 2);
    app.get("/api/payments?limit=0", &manager)
        .await
        .assert_problem(400, "VALIDATION_ERROR");

    // Another tenant sees none of them; a lessee sees nothing at all.
    let res = app.get("/api/payments", &b.owner_key).await;
    res.assert_status(200);
    assert_eq!(res.body["pagination"]["total"], 0);
    assert_eq!(res.body["data"], json!([]));
    let (lessee, _) = app.lessee_key(&a, &["lessee:leases:read"]).await;
    app.get("/api/payments", &lessee)
        .await
        .assert_problem(403, "FORBIDDEN");
}

#[tokio::test]
async fn events_that_cannot_be_credited_are_acknowledged_and_credit_nothing() {
    let (app, _mock) = webhook_app().await;
    let t = app.tenant("A").await;

    // A tenant that does not exist.
    let ghost = "0190f5a2-7c1e-7d3a-9b4e-2f6a8c0d1e3f";
    let res = send_signed(
        &app,
        &checkout_event(
            "evt_ghost",
            "checkout.session.completed",
            session_object(
                "cs_ghost",
                "paid",
                metadata(ghost, "starter", "10"),
                1500,
                "eur",
            ),
        ),
    )
    .await;
    res.assert_status(200);
    assert_eq!(res.body["duplicate"], false);

    // An amount that is not the package's price; the right amount in another currency; a
    // package that is not on sale; a session made by hand in the dashboard: no metadata of ours
    // at all.
    for (name, metadata, currency) in [
        ("cheap", metadata(&t.id, "pro", "200"), "eur"),
        ("usd", metadata(&t.id, "starter", "10"), "usd"),
        ("nopackage", metadata(&t.id, "platinum", "500"), "eur"),
        ("dashboard", json!({}), "eur"),
    ] {
        let session = session_object(&format!("cs_{name}"), "paid", metadata, 1500, currency);
        let completed = "checkout.session.completed";
        let event = checkout_event(&format!("evt_{name}"), completed, session);
        send_signed(&app, &event).await.assert_status(200);
    }
    // An event type not acted on.
    send_signed(
        &app,
        &event(
            "evt_charge",
            "charge.succeeded",
            json!({"id": "ch_1", "object": "charge"}),
        ),
    )
    .await
    .assert_status(200);

    assert_eq!(balance(&app, &t).await, 0);
    let res = app.get("/api/payments?limit=100", &t.owner_key).await;
    assert_eq!(res.body["pagination"]["total"], 3, "{}", res.text);
    for p in res.body["data"].as_array().expect("rows") {
        assert_eq!(p["status"], "REJECTED", "{p}");
        assert_eq!(p["credits"], Value::Null);
        assert!(
            p["failure_message"]
                .as_str()
                .is_some_and(|m| m.contains("not credited")),
            "{p}"
        );
    }

    let mut conn = app.admin_connection().await;
    let outcomes: Vec<(String, Option<uuid::Uuid>, String)> = sqlx::query_as(
        "SELECT event_id, for_tenant_id, outcome FROM stripe_events ORDER BY event_id",
    )
    .fetch_all(&mut conn)
    .await
    .expect("events");
    let tenant = Some(uuid::Uuid::parse_str(&t.id).expect("uuid"));
    let expected = [
        ("evt_charge", None, "IGNORED"),
        ("evt_cheap", tenant, "REJECTED"),
        ("evt_dashboard", None, "NO_TENANT"),
        ("evt_ghost", None, "UNKNOWN_TENANT"),
        ("evt_nopackage", tenant, "REJECTED"),
        ("evt_usd", tenant, "REJECTED"),
    ];
    let expected: Vec<(String, Option<uuid::Uuid>, String)> = expected
        .iter()
        .map(|(e, t, o)| ((*e).to_owned(), *t, (*o).to_owned()))
        .collect();
    assert_eq!(outcomes, expected);
    let credited: i64 = sqlx::query_scalar("SELECT count(*) FROM credit_transactions")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    assert_eq!(credited, 0);
}

#[tokio::test]
async fn the_credits_granted_are_the_packages_not_the_metadatas() {
    let (app, _mock) = webhook_app().await;
    let t = app.tenant("A").await;
    // Metadata claiming more credits than the package holds (it could only come from a
    // session made by hand): the package paid for decides.
    let res = send_signed(
        &app,
        &checkout_event(
            "evt_greedy",
            "checkout.session.completed",
            session_object(
                SESSION_ID,
                "paid",
                metadata(&t.id, "starter", "1000"),
                1500,
                "eur",
            ),
        ),
    )
    .await;
    res.assert_status(200);
    assert_eq!(balance(&app, &t).await, 10);
}
