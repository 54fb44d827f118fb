//! Delivering messages to people: one-time signature codes, notices, e-mails.
//!
//! The port says what to deliver and to whom; the adapter chooses the channel (SMTP in
//! production, an in-memory outbox in development).

use async_trait::async_trait;

/// A message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// The address the message goes to, e.g. `lessee@example.org`.
    pub to_email: String,
    /// A phone number, for the adapters that can send a text message; the others ignore it.
    pub to_phone: Option<String>,
    pub subject: String,
    /// Plain text. It may carry a one-time code, so adapters never log it.
    pub body: String,
    /// What it is about, e.g. "signature_otp".
    pub kind: String,
    /// The tenant on whose behalf it is sent (a development outbox shows each tenant its own).
    pub tenant_id: Option<uuid::Uuid>,
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The address is malformed, or the mail server refused it for good: retrying won't help.
    #[error("recipient refused: {0}")]
    Rejected(String),
    /// The channel is down, misconfigured or busy: the same message may go through later.
    #[error("delivery unavailable: {0}")]
    Unavailable(String),
}

/// Delivers a message to one person.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Hands the message over for delivery; `Ok` means the channel accepted it, not that it
    /// was read.
    async fn send(&self, message: &OutgoingMessage) -> Result<(), NotifyError>;
}

/// What a development notifier kept, readable by a developer (never in production).
pub trait Mailbox: Send + Sync {
    /// The messages sent to `email`, oldest first.
    fn messages_to(&self, email: &str) -> Vec<OutgoingMessage>;
}
