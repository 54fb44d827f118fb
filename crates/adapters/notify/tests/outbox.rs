//! `Outbox`: what it keeps, for how long, and what it logs.

use std::io;
use std::sync::{Arc, Mutex};

use faireplace_notify::{DEFAULT_CAPACITY, Outbox};
use faireplace_ports::notify::{Notifier, OutgoingMessage};

fn message(to: &str, body: &str) -> OutgoingMessage {
    OutgoingMessage {
        tenant_id: None,
        to_email: to.to_owned(),
        to_phone: None,
        subject: "Votre code de signature".to_owned(),
        body: body.to_owned(),
        kind: "signature_otp".to_owned(),
    }
}

/// Sends a message to each (address, body), in order.
async fn send_all(notifier: &dyn Notifier, messages: &[(&str, &str)]) {
    for (to, body) in messages {
        notifier.send(&message(to, body)).await.expect("kept");
    }
}

/// The body of the latest message to `to`.
fn latest_body(outbox: &Outbox, to: &str) -> Option<String> {
    outbox.latest_to(to).map(|m| m.body)
}

#[tokio::test]
async fn keeps_every_message_in_the_order_sent() {
    let outbox = Outbox::new();
    assert_eq!(outbox.capacity(), DEFAULT_CAPACITY);
    assert!(outbox.messages().is_empty());

    send_all(
        &outbox,
        &[
            ("zoe@example.com", "code 111111"),
            ("paul@example.com", "code 222222"),
            ("zoe@example.com", "code 333333"),
        ],
    )
    .await;

    let bodies: Vec<_> = outbox.messages().into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["code 111111", "code 222222", "code 333333"]);
    let to_zoe: Vec<_> = outbox
        .messages_to("zoe@example.com")
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(to_zoe, ["code 111111", "code 333333"]);
    assert!(outbox.messages_to("nobody@example.com").is_empty());
}

#[tokio::test]
async fn latest_to_is_the_last_message_for_that_address() {
    let outbox = Outbox::new();
    assert_eq!(outbox.latest_to("zoe@example.com"), None);

    send_all(
        &outbox,
        &[
            ("zoe@example.com", "code 111111"),
            ("Zoe@Example.COM", "code 333333"),
            ("paul@example.com", "code 222222"),
        ],
    )
    .await;

    let latest = outbox
        .latest_to("zoe@example.com")
        .expect("a message to Zoé");
    assert_eq!(latest, message("Zoe@Example.COM", "code 333333"));
    assert_eq!(
        latest_body(&outbox, " ZOE@example.com ").as_deref(),
        Some("code 333333")
    );
    assert_eq!(
        latest_body(&outbox, "paul@example.com").as_deref(),
        Some("code 222222")
    );
}

#[tokio::test]
async fn past_its_capacity_it_drops_the_oldest() {
    let outbox = Outbox::with_capacity(3);

    for n in 1..=5 {
        outbox
            .send(&message("zoe@example.com", &format!("code {n}")))
            .await
            .expect("kept");
    }

    let bodies: Vec<_> = outbox.messages().into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["code 3", "code 4", "code 5"]);
    assert_eq!(
        latest_body(&outbox, "zoe@example.com").as_deref(),
        Some("code 5")
    );
}

#[tokio::test]
async fn the_default_capacity_holds() {
    let outbox = Outbox::new();

    for n in 0..DEFAULT_CAPACITY + 10 {
        outbox
            .send(&message("zoe@example.com", &n.to_string()))
            .await
            .expect("kept");
    }

    let messages = outbox.messages();
    assert_eq!(messages.len(), DEFAULT_CAPACITY);
    assert_eq!(messages[0].body, "10");
}

#[tokio::test]
async fn a_capacity_of_zero_still_keeps_the_last_message() {
    let outbox = Outbox::with_capacity(0);

    send_all(
        &outbox,
        &[("zoe@example.com", "first"), ("zoe@example.com", "second")],
    )
    .await;

    assert_eq!(outbox.capacity(), 1);
    assert_eq!(outbox.messages(), [message("zoe@example.com", "second")]);
}

#[tokio::test]
async fn clones_share_the_messages_and_clear_empties_them() {
    let outbox = Outbox::new();
    // The server's two roles: the use cases send through one handle, a dev route reads another.
    let notifier: Arc<dyn Notifier> = Arc::new(outbox.clone());

    send_all(&*notifier, &[("zoe@example.com", "code 482913")]).await;
    assert_eq!(
        latest_body(&outbox, "zoe@example.com").as_deref(),
        Some("code 482913")
    );

    outbox.clear();
    assert!(outbox.messages().is_empty());
    send_all(&*notifier, &[("zoe@example.com", "code 000001")]).await;
    assert_eq!(outbox.messages().len(), 1);
}

/// Where the test's log lines go.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_who_and_what_about_but_never_the_body() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    // The test runs on a current-thread runtime: the thread's default reaches the send.
    let _guard = tracing::subscriber::set_default(subscriber);
    // Another test of this binary may have met the log line's callsite first, with no
    // subscriber, and cached that no one listens: asked again, it counts this one.
    tracing::callsite::rebuild_interest_cache();
    let outbox = Outbox::new();

    outbox
        .send(&message(
            "zoe@example.com",
            "Votre code à usage unique : 482913",
        ))
        .await
        .expect("kept");

    let logs = String::from_utf8(captured.0.lock().expect("log buffer").clone()).expect("UTF-8");
    assert!(logs.contains(" INFO "), "{logs}");
    assert!(logs.contains("zoe@example.com"), "{logs}");
    assert!(logs.contains("signature_otp"), "{logs}");
    assert!(!logs.contains("482913"), "{logs}");
    assert!(!logs.contains("usage unique"), "{logs}");
}
