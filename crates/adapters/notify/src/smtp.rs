//! E-mail over SMTP with lettre, on tokio.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use faireplace_ports::notify::{Notifier, NotifyError, OutgoingMessage};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

/// How long one delivery may take, from connecting to the relay's acceptance of the message. A
/// code is sent while someone waits for it, so a stuck relay should fail the request rather than
/// hold it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text: a relay on the same host or network only (or a development mail catcher).
    None,
    /// Plain connection upgraded with STARTTLS, usually port 587. The upgrade is required: a
    /// relay that does not offer it gets nothing, rather than the codes in clear.
    StartTls,
    /// TLS from the first byte ("implicit TLS", SMTPS), usually port 465.
    Tls,
}

impl SmtpSecurity {
    /// `none`, `starttls` or `tls`, in any case.
    pub fn parse(value: &str) -> Result<Self, InvalidSmtpSecurity> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("none") {
            Ok(Self::None)
        } else if value.eq_ignore_ascii_case("starttls") {
            Ok(Self::StartTls)
        } else if value.eq_ignore_ascii_case("tls") {
            Ok(Self::Tls)
        } else {
            Err(InvalidSmtpSecurity(value.to_owned()))
        }
    }

    /// The name [`SmtpSecurity::parse`] reads back.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::StartTls => "starttls",
            Self::Tls => "tls",
        }
    }

    /// The port this security is usually served on, for a configuration that names none.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::StartTls => 587,
            Self::Tls => 465,
        }
    }
}

impl FromStr for SmtpSecurity {
    type Err = InvalidSmtpSecurity;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl fmt::Display for SmtpSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A security setting that is none of `none`, `starttls`, `tls`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown SMTP security {0:?}: expected none, starttls or tls")]
pub struct InvalidSmtpSecurity(pub String);

/// Where and how to hand e-mails over.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// The relay's host name; with TLS, the name its certificate must carry.
    pub host: String,
    pub port: u16,
    /// Log in when set (AUTH PLAIN or LOGIN, whichever the relay offers).
    pub username: Option<String>,
    /// Never printed: `Debug` shows `***`.
    pub password: Option<String>,
    /// The sender, a mailbox such as `FairePlace <no-reply@example.org>`.
    pub from: String,
    pub security: SmtpSecurity,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("security", &self.security)
            .finish()
    }
}

/// Sends each message as a plain-text UTF-8 e-mail through an SMTP relay.
///
/// The phone number of a message is ignored: this channel is e-mail only. Each message opens
/// its own connection; sending codes is rare enough that a pool would mostly hold idle
/// connections that the relay closes under it.
#[derive(Clone)]
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl fmt::Debug for SmtpNotifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("from", &self.from.to_string())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpNotifier {
    /// A notifier for `config`, each delivery bounded by [`DEFAULT_TIMEOUT`].
    ///
    /// Nothing is contacted yet. Fails with [`NotifyError::Rejected`] when `from` is not a
    /// mailbox, and with [`NotifyError::Unavailable`] when TLS cannot be set up for `host`.
    pub fn new(config: SmtpConfig) -> Result<Self, NotifyError> {
        Self::with_timeout(config, DEFAULT_TIMEOUT)
    }

    /// As [`SmtpNotifier::new`], with another bound on each delivery.
    pub fn with_timeout(config: SmtpConfig, timeout: Duration) -> Result<Self, NotifyError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| NotifyError::Rejected(format!("invalid sender {:?}: {e}", config.from)))?;
        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::StartTls => Tls::Required(tls_parameters(&config.host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(&config.host)?),
        };
        // `builder_dangerous` only means "no TLS preset": the security chosen above applies.
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(username) = config.username {
            builder = builder.credentials(Credentials::new(
                username,
                config.password.unwrap_or_default(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            timeout,
        })
    }

    /// The e-mail for `message`, or why its recipient cannot be written to.
    fn email(&self, message: &OutgoingMessage) -> Result<Message, NotifyError> {
        let to: Address = message
            .to_email
            .trim()
            .parse()
            .map_err(|e| NotifyError::Rejected(format!("invalid recipient address: {e}")))?;
        Message::builder()
            // Identifies the message as the sender's domain's own; lettre's default names
            // `localhost`, which spam filters hold against it.
            .message_id(Some(format!(
                "<{}@{}>",
                Uuid::now_v7().simple(),
                self.from.email.domain()
            )))
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(message.subject.as_str())
            // A single MIME part rather than a bare body, so that lettre writes `MIME-Version`,
            // without which the charset and encoding headers are not MIME, to spam filters too.
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    // Quoted-printable keeps accents intact through any relay, 8BITMIME or not,
                    // and the code readable in the raw message.
                    .body(
                        Body::new_with_encoding(
                            message.body.clone(),
                            ContentTransferEncoding::QuotedPrintable,
                        )
                        .map_err(|_| NotifyError::Rejected("body cannot be encoded".to_owned()))?,
                    ),
            )
            .map_err(|e| NotifyError::Rejected(format!("e-mail cannot be built: {e}")))
    }
}

/// Certificates checked against Mozilla's roots, for the name the relay is reached by.
fn tls_parameters(host: &str) -> Result<TlsParameters, NotifyError> {
    TlsParameters::new(host.to_owned())
        .map_err(|e| NotifyError::Unavailable(format!("TLS cannot be set up for {host}: {e}")))
}

/// Only a mailbox refused for good is the recipient's fault; anything else (network, TLS, login,
/// a busy relay) is ours or the relay's, and may pass later. lettre does not say which command a
/// reply answered, so a sender refused with the same codes also reads as rejected: that is a
/// misconfiguration, seen on the first message sent.
fn delivery_error(error: lettre::transport::smtp::Error) -> NotifyError {
    // 550 mailbox unavailable, 551 user not local, 552 mailbox full, 553 mailbox name not allowed.
    let refused_mailbox = error.is_permanent()
        && error
            .status()
            .is_some_and(|code| matches!(u16::from(code), 550..=553));
    if refused_mailbox {
        NotifyError::Rejected(error.to_string())
    } else {
        NotifyError::Unavailable(error.to_string())
    }
}

#[async_trait]
impl Notifier for SmtpNotifier {
    #[tracing::instrument(skip_all, fields(kind = %message.kind))]
    async fn send(&self, message: &OutgoingMessage) -> Result<(), NotifyError> {
        let email = self.email(message)?;
        // lettre bounds only the TCP connect: a relay that accepts and then stays silent would
        // hold the request for ever without this.
        tokio::time::timeout(self.timeout, self.transport.send(email))
            .await
            .map_err(|_| {
                NotifyError::Unavailable(format!(
                    "no answer from the relay within {:?}",
                    self.timeout
                ))
            })?
            .map_err(delivery_error)?;
        tracing::debug!("e-mail handed to the relay");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SmtpConfig {
        SmtpConfig {
            host: "smtp.example.org".to_owned(),
            port: 587,
            username: Some("mailer".to_owned()),
            password: Some("hunter2".to_owned()),
            from: "FairePlace <no-reply@example.org>".to_owned(),
            security: SmtpSecurity::StartTls,
        }
    }

    #[test]
    fn security_parses_its_three_names_in_any_case() {
        assert_eq!(SmtpSecurity::parse("none"), Ok(SmtpSecurity::None));
        assert_eq!(SmtpSecurity::parse("STARTTLS"), Ok(SmtpSecurity::StartTls));
        assert_eq!(SmtpSecurity::parse(" Tls "), Ok(SmtpSecurity::Tls));
        assert_eq!("tls".parse::<SmtpSecurity>(), Ok(SmtpSecurity::Tls));
        assert!(SmtpSecurity::parse("ssl").is_err());
        assert!(SmtpSecurity::parse("").is_err());
        for security in [
            SmtpSecurity::None,
            SmtpSecurity::StartTls,
            SmtpSecurity::Tls,
        ] {
            assert_eq!(SmtpSecurity::parse(security.as_str()), Ok(security));
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let printed = format!("{:?}", config());
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("***"), "{printed}");
        assert!(printed.contains("mailer"), "{printed}");
        let printed = format!("{:?}", SmtpNotifier::new(config()).expect("notifier"));
        assert!(!printed.contains("hunter2"), "{printed}");
    }

    #[test]
    fn tls_settings_build_with_the_ring_provider() {
        for security in [SmtpSecurity::StartTls, SmtpSecurity::Tls] {
            let config = SmtpConfig {
                security,
                ..config()
            };
            SmtpNotifier::new(config).expect("TLS notifier");
        }
    }

    #[test]
    fn a_sender_that_is_not_a_mailbox_is_rejected() {
        for from in ["", "no-reply", "FairePlace <no-reply@>", "a@b@c"] {
            let config = SmtpConfig {
                from: from.to_owned(),
                ..config()
            };
            assert!(
                matches!(SmtpNotifier::new(config), Err(NotifyError::Rejected(_))),
                "{from:?}"
            );
        }
    }

    #[test]
    fn the_message_id_names_the_senders_domain() {
        let notifier = SmtpNotifier::new(config()).expect("notifier");
        let message = OutgoingMessage {
            tenant_id: None,
            to_email: "lessee@example.com".to_owned(),
            to_phone: None,
            subject: "Code".to_owned(),
            body: "123456".to_owned(),
            kind: "signature_otp".to_owned(),
        };
        let raw =
            String::from_utf8(notifier.email(&message).expect("email").formatted()).expect("ASCII");
        assert!(
            raw.lines()
                .any(|l| l.starts_with("Message-ID: <") && l.ends_with("@example.org>")),
            "{raw}"
        );
    }
}
