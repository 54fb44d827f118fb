#![recursion_limit = "256"]
//! Stripe, from outside: a local stand-in for its API that records what the server sends, and
//! webhooks signed here as Stripe signs them.
//!
//! The mock is an HTTP/1.1 responder on 127.0.0.1, hand-written on tokio so that the tests need
//! no HTTP server crate: one request per connection is all the Stripe client sends. The
//! signature is HMAC-SHA256 written by hand over sha2, so that the server's check is not the
//! SDK agreeing with itself.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The endpoint secret the test servers verify webhooks with.
pub const WEBHOOK_SECRET: &str = "whsec_test_e2e_5f1c0d2e9b8a7f6e5d4c3b2a1908";
/// The API key the test servers send to the mock.
pub const SECRET_KEY: &str = "sk_test_51FairePlaceEndToEndMockOnly";

/// One request as the mock received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The form body decoded, in order (keys keep their brackets: `metadata[tenant_id]`).
    pub fn form(&self) -> Vec<(String, String)> {
        self.body
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    /// The one value of a form field; fails the test if it is missing or repeated.
    #[track_caller]
    pub fn field(&self, key: &str) -> String {
        let values: Vec<String> = self
            .form()
            .into_iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values.len(), 1, "form field {key} in {:?}", self.form());
        values.into_iter().next().expect("one value")
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII escape");
                out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 form")
}

/// What the mock answers, changeable while it runs.
type Canned = Arc<Mutex<(u16, String)>>;

/// A running mock; it stops with the test's runtime.
pub struct MockStripe {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    answer: Canned,
}

impl MockStripe {
    /// Answers every request with `status` and the JSON `body`.
    pub async fn start(status: u16, body: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer: Canned = Arc::new(Mutex::new((status, body)));
        let (recorded, canned) = (Arc::clone(&requests), Arc::clone(&answer));
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let recorded = Arc::clone(&recorded);
                let canned = Arc::clone(&canned);
                tokio::spawn(async move { serve(stream, &canned, &recorded).await });
            }
        });
        Self {
            base_url,
            requests,
            answer,
        }
    }

    /// A mock that creates the checkout session [`checkout_session`] describes.
    pub async fn checkout(session_id: &str, url: &str) -> Self {
        Self::start(200, checkout_session(session_id, url)).await
    }

    /// From now on, answers `status` and `body`.
    pub fn answer(&self, status: u16, body: String) {
        *self.answer.lock().expect("answer lock") = (status, body);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests lock").clone()
    }

    /// The single request the test expected.
    #[track_caller]
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "requests: {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

async fn serve(
    mut stream: TcpStream,
    canned: &Mutex<(u16, String)>,
    recorded: &Mutex<Vec<Recorded>>,
) -> Option<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    // The head first, up to the blank line.
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    // Then the body, as long as Content-Length says.
    let mut content = buffer[head_end + 4..].to_vec();
    while content.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        content.extend_from_slice(&chunk[..n]);
    }
    // Recorded before answering, so that the test sees it as soon as the client has the answer.
    recorded.lock().expect("requests lock").push(Recorded {
        method,
        path,
        headers,
        body: String::from_utf8(content).ok()?,
    });
    let (status, body) = canned.lock().expect("answer lock").clone();
    let response = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         request-id: req_mock\r\nconnection: close\r\n\r\n{body}",
        reason(status),
        body.len(),
    );
    stream.write_all(response.as_bytes()).await.ok()?;
    stream.shutdown().await.ok()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Whatever",
    }
}

/// A Stripe API error body.
pub fn stripe_error(kind: &str, code: Option<&str>, message: &str) -> String {
    json!({
        "error": {
            "type": kind,
            "code": code,
            "message": message,
            "doc_url": "https://stripe.com/docs/error-codes",
            "request_log_url": "https://dashboard.stripe.com/test/logs/req_mock"
        }
    })
    .to_string()
}

/// A Checkout session as Stripe answers its creation: open, unpaid, with its payment page.
pub fn checkout_session(session_id: &str, url: &str) -> String {
    let mut session = session_object(session_id, "unpaid", json!({}), 1500, "eur");
    session["status"] = json!("open");
    session["url"] = json!(url);
    session["payment_intent"] = Value::Null;
    session.to_string()
}

/// A Checkout session object, after the customer went through the payment page, with
/// `payment_status` ("paid", "unpaid"), our `metadata`, and what was charged.
pub fn session_object(
    session_id: &str,
    payment_status: &str,
    metadata: Value,
    amount_total: i64,
    currency: &str,
) -> Value {
    let tenant = metadata.get("tenant_id").cloned().unwrap_or(Value::Null);
    json!({
        "id": session_id,
        "object": "checkout.session",
        "adaptive_pricing": { "enabled": false },
        "after_expiration": null,
        "allow_promotion_codes": null,
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
        "billing_address_collection": null,
        "cancel_url": "https://app.faireplace.test/credits?cancelled=1",
        "client_reference_id": tenant,
        "client_secret": null,
        "collected_information": { "shipping_details": null },
        "consent": null,
        "consent_collection": null,
        "created": 1_767_225_600,
        "currency": currency,
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
        "customer_details": {
            "address": {
                "city": null, "country": "FR", "line1": null, "line2": null,
                "postal_code": null, "state": null
            },
            "email": "gestion@agence.test",
            "name": "Agence du Centre",
            "phone": null,
            "tax_exempt": "none",
            "tax_ids": []
        },
        "customer_email": null,
        "discounts": [],
        "expires_at": 1_767_312_000,
        "invoice": null,
        "invoice_creation": null,
        "livemode": false,
        "locale": null,
        "metadata": metadata,
        "mode": "payment",
        "payment_intent": "pi_3QxYzAbCdEfGhIjK0aBcDeFg",
        "payment_link": null,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card", "sepa_debit"],
        "payment_status": payment_status,
        "phone_number_collection": { "enabled": false },
        "recovered_from": null,
        "saved_payment_method_options": null,
        "setup_intent": null,
        "shipping_address_collection": null,
        "shipping_cost": null,
        "shipping_options": [],
        "status": "complete",
        "submit_type": null,
        "subscription": null,
        "success_url": "https://app.faireplace.test/credits?session={CHECKOUT_SESSION_ID}",
        "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
        "ui_mode": "hosted",
        "url": null
    })
}

/// A payment intent of `amount` cents for the tenant in `metadata`, `status` "succeeded" or
/// "requires_payment_method" (after a failure, with `last_payment_error`).
pub fn payment_intent_object(
    intent_id: &str,
    status: &str,
    amount: i64,
    metadata: Value,
    last_payment_error: Value,
) -> Value {
    json!({
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": { "tip": {} },
        "amount_received": if status == "succeeded" { amount } else { 0 },
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic_async",
        "client_secret": format!("{intent_id}_secret_mock"),
        "confirmation_method": "automatic",
        "created": 1_767_225_700,
        "currency": "eur",
        "customer": null,
        "description": null,
        "last_payment_error": last_payment_error,
        "latest_charge": "ch_3QxYzAbCdEfGhIjK0mOcKcHg",
        "livemode": false,
        "metadata": metadata,
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": "pm_1QxYzAbCdEfGhIjKmOcKpMtH",
        "payment_method_configuration_details": null,
        "payment_method_options": {
            "card": {
                "installments": null,
                "mandate_options": null,
                "network": null,
                "request_three_d_secure": "automatic"
            }
        },
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": null,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": status,
        "transfer_data": null,
        "transfer_group": null
    })
}

/// A card error as Stripe puts it in `last_payment_error`.
pub fn card_error(message: &str) -> Value {
    json!({
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": message,
        "payment_method": null
    })
}

/// A whole event envelope around `object`, as Stripe posts it.
pub fn event(id: &str, kind: &str, object: Value) -> String {
    json!({
        "id": id,
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": chrono::Utc::now().timestamp(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind
    })
    .to_string()
}

/// HMAC-SHA256 (RFC 2104) over sha2.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The `Stripe-Signature` header for `payload` signed at unix time `t` with `secret`.
pub fn signature(payload: &str, secret: &str, t: i64) -> String {
    let mac = hmac_sha256(secret.as_bytes(), format!("{t}.{payload}").as_bytes());
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// The header Stripe would send with `payload` now.
pub fn sign_now(payload: &str) -> String {
    signature(payload, WEBHOOK_SECRET, chrono::Utc::now().timestamp())
}
