//! [`Notifier`](faireplace_ports::notify::Notifier) adapters: how one-time signature codes and
//! e-mails reach people.
//!
//! - [`SmtpNotifier`] hands each message to an SMTP relay as a plain-text UTF-8 e-mail, over
//!   TLS (rustls) or STARTTLS unless told otherwise.
//! - [`Outbox`] keeps messages in memory instead, for development and tests, where the codes are
//!   read back rather than received.
//!
//! Neither writes a message's body to the logs: it may hold a code.

mod outbox;
mod smtp;

pub use outbox::{DEFAULT_CAPACITY, Outbox};
pub use smtp::{DEFAULT_TIMEOUT, InvalidSmtpSecurity, SmtpConfig, SmtpNotifier, SmtpSecurity};
