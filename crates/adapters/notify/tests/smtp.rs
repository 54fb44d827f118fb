//! `SmtpNotifier` against a local SMTP sink that records what it is told.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use faireplace_notify::{SmtpConfig, SmtpNotifier, SmtpSecurity};
use faireplace_ports::notify::{Notifier, NotifyError, OutgoingMessage};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the sink heard on one connection.
#[derive(Debug, Default, Clone)]
struct Session {
    ehlo: Option<String>,
    auth: Vec<String>,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    /// The message as sent after DATA, dot-unstuffed, without the final ".".
    data: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// Speaks SMTP; refuses `unknown…@` recipients for good (550) and `busy…@` for now (451).
    Answer,
    /// Accepts the connection and never says a word.
    Silent,
}

/// An SMTP server on 127.0.0.1, just enough of one for lettre, without TLS.
struct Sink {
    addr: SocketAddr,
    sessions: Arc<Mutex<Vec<Session>>>,
}

impl Sink {
    async fn spawn(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&sessions);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    if behaviour == Behaviour::Silent {
                        let _held = stream;
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    let index = {
                        let mut sessions = recorded.lock().expect("sessions");
                        sessions.push(Session::default());
                        sessions.len() - 1
                    };
                    let record = |change: &dyn Fn(&mut Session)| {
                        change(&mut recorded.lock().expect("sessions")[index]);
                    };
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read);
                    let mut reply = async |text: &str| {
                        write.write_all(text.as_bytes()).await.expect("write");
                    };
                    reply("220 sink.test ESMTP ready\r\n").await;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let command = line.trim_end().to_owned();
                        let verb = command
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_ascii_uppercase();
                        match verb.as_str() {
                            "EHLO" | "HELO" => {
                                record(&|s| s.ehlo = Some(command.clone()));
                                reply("250-sink.test greets you\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n").await;
                            }
                            "AUTH" => {
                                record(&|s| s.auth.push(command.clone()));
                                reply("235 2.7.0 Authentication successful\r\n").await;
                            }
                            "MAIL" => {
                                record(&|s| s.mail_from = Some(command.clone()));
                                reply("250 2.1.0 Ok\r\n").await;
                            }
                            "RCPT" => {
                                let to = command.to_ascii_lowercase();
                                if to.contains("<unknown") {
                                    reply("550 5.1.1 No such user here\r\n").await;
                                } else if to.contains("<busy") {
                                    reply("451 4.3.0 Try again later\r\n").await;
                                } else {
                                    record(&|s| s.rcpt_to.push(command.clone()));
                                    reply("250 2.1.5 Ok\r\n").await;
                                }
                            }
                            "DATA" => {
                                reply("354 End data with <CR><LF>.<CR><LF>\r\n").await;
                                let mut data = String::new();
                                loop {
                                    line.clear();
                                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                        return;
                                    }
                                    if line == ".\r\n" {
                                        break;
                                    }
                                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                                }
                                // Recorded before the 250, so that a send that returned has been seen.
                                record(&|s| s.data = Some(data.clone()));
                                reply("250 2.0.0 Ok: queued\r\n").await;
                            }
                            "RSET" | "NOOP" => reply("250 2.0.0 Ok\r\n").await,
                            "QUIT" => {
                                reply("221 2.0.0 Bye\r\n").await;
                                return;
                            }
                            _ => reply("502 5.5.2 Command not recognized\r\n").await,
                        }
                    }
                });
            }
        });
        Self { addr, sessions }
    }

    fn sessions(&self) -> Vec<Session> {
        self.sessions.lock().expect("sessions").clone()
    }

    fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".to_owned(),
            port: self.addr.port(),
            username: None,
            password: None,
            from: "FairePlace <no-reply@example.org>".to_owned(),
            security: SmtpSecurity::None,
        }
    }
}

/// A received e-mail, its headers unfolded.
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn parse(data: &str) -> Self {
        let (head, body) = data
            .split_once("\r\n\r\n")
            .expect("headers, then a blank line");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let headers = unfolded
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(':').expect("name: value");
                (name.to_owned(), value.trim().to_owned())
            })
            .collect();
        Self {
            headers,
            body: body.to_owned(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A header's text, its RFC 2047 encoded words (`=?utf-8?b?…?=`, lettre's choice) decoded.
    fn decoded_header(&self, name: &str) -> String {
        let value = self.header(name).expect("header");
        let mut text = Vec::new();
        let mut previous_encoded = false;
        for word in value.split(' ') {
            let encoded = word
                .strip_prefix("=?")
                .and_then(|w| w.strip_suffix("?="))
                .and_then(|w| w.split_once("?b?").or_else(|| w.split_once("?B?")));
            match encoded {
                Some((charset, payload)) => {
                    assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
                    // Whitespace between two encoded words is folding, not text (RFC 2047 §6.2).
                    if !text.is_empty() && !previous_encoded {
                        text.push(b' ');
                    }
                    text.extend(BASE64.decode(payload).expect("base64"));
                    previous_encoded = true;
                }
                None => {
                    if !text.is_empty() {
                        text.push(b' ');
                    }
                    text.extend(word.as_bytes());
                    previous_encoded = false;
                }
            }
        }
        String::from_utf8(text).expect("UTF-8")
    }

    fn decoded_body(&self) -> String {
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or("7bit")
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "quoted-printable" => {
                quoted_printable::decode(&self.body, quoted_printable::ParseMode::Strict)
                    .expect("quoted-printable")
            }
            "base64" => BASE64
                .decode(self.body.split_whitespace().collect::<String>())
                .expect("base64"),
            _ => self.body.clone().into_bytes(),
        };
        String::from_utf8(bytes)
            .expect("UTF-8")
            .replace("\r\n", "\n")
    }
}

const SUBJECT: &str = "Votre code de signature électronique";
const BODY: &str = "Bonjour Zoé,\n\nVotre code à usage unique : 482913.\nIl expire dans 10 minutes ; ne le communiquez à personne.\n\n— L'équipe FairePlace";

fn code_for(to: &str) -> OutgoingMessage {
    OutgoingMessage {
        tenant_id: None,
        to_email: to.to_owned(),
        to_phone: Some("+33612345678".to_owned()),
        subject: SUBJECT.to_owned(),
        body: BODY.to_owned(),
        kind: "signature_otp".to_owned(),
    }
}

#[tokio::test]
async fn delivers_a_french_code_to_the_recipient() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let notifier = SmtpNotifier::new(sink.config()).expect("notifier");

    notifier
        .send(&code_for("zoe.martin@example.com"))
        .await
        .expect("delivered");

    let sessions = sink.sessions();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let session = &sessions[0];
    assert!(session.ehlo.is_some());
    assert!(session.auth.is_empty(), "no login without a username");
    let mail_from = session.mail_from.as_deref().expect("MAIL FROM");
    assert!(
        mail_from.starts_with("MAIL FROM:<no-reply@example.org>"),
        "{mail_from}"
    );
    assert_eq!(session.rcpt_to, ["RCPT TO:<zoe.martin@example.com>"]);

    let email = Received::parse(session.data.as_deref().expect("DATA"));
    assert_eq!(
        email.header("From"),
        Some("FairePlace <no-reply@example.org>")
    );
    assert_eq!(email.header("To"), Some("zoe.martin@example.com"));
    assert_eq!(email.decoded_header("Subject"), SUBJECT);
    let content_type = email.header("Content-Type").expect("Content-Type");
    assert!(
        content_type.starts_with("text/plain")
            && content_type.to_ascii_lowercase().contains("charset=utf-8"),
        "{content_type}"
    );
    assert_eq!(email.header("MIME-Version"), Some("1.0"));
    assert!(email.header("Date").is_some());
    let message_id = email.header("Message-ID").expect("Message-ID");
    assert!(message_id.ends_with("@example.org>"), "{message_id}");
    let body = email.decoded_body();
    assert_eq!(body.trim_end(), BODY);
    assert!(body.contains("482913"));
    assert!(body.contains("Bonjour Zoé") && body.contains("— L'équipe FairePlace"));
}

#[tokio::test]
async fn logs_in_when_a_username_is_set() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let config = SmtpConfig {
        username: Some("mailer".to_owned()),
        password: Some("s3cret".to_owned()),
        ..sink.config()
    };
    let notifier = SmtpNotifier::new(config).expect("notifier");

    notifier
        .send(&code_for("zoe.martin@example.com"))
        .await
        .expect("delivered");

    let sessions = sink.sessions();
    let auth = sessions[0].auth.first().expect("AUTH").clone();
    let initial = auth.strip_prefix("AUTH PLAIN ").expect("AUTH PLAIN");
    assert_eq!(BASE64.decode(initial).expect("base64"), b"\0mailer\0s3cret");
    assert!(sessions[0].data.is_some());
}

#[tokio::test]
async fn a_recipient_the_relay_refuses_for_good_is_rejected() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let notifier = SmtpNotifier::new(sink.config()).expect("notifier");

    let result = notifier.send(&code_for("unknown@example.com")).await;

    assert!(
        matches!(result, Err(NotifyError::Rejected(_))),
        "{result:?}"
    );
    assert!(sink.sessions()[0].data.is_none());
}

#[tokio::test]
async fn a_relay_that_says_try_later_is_unavailable() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let notifier = SmtpNotifier::new(sink.config()).expect("notifier");

    let result = notifier.send(&code_for("busy@example.com")).await;

    assert!(
        matches!(result, Err(NotifyError::Unavailable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_unreachable_relay_is_unavailable() {
    // A port that was just free and is closed again: the connection is refused.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("address").port()
    };
    let config = SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port,
        username: None,
        password: None,
        from: "FairePlace <no-reply@example.org>".to_owned(),
        security: SmtpSecurity::None,
    };
    let notifier = SmtpNotifier::new(config).expect("notifier");

    let result = notifier.send(&code_for("zoe.martin@example.com")).await;

    assert!(
        matches!(result, Err(NotifyError::Unavailable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_silent_relay_is_unavailable_once_the_time_is_up() {
    let sink = Sink::spawn(Behaviour::Silent).await;
    let notifier =
        SmtpNotifier::with_timeout(sink.config(), Duration::from_millis(300)).expect("notifier");
    let started = Instant::now();

    let result = notifier.send(&code_for("zoe.martin@example.com")).await;

    assert!(
        matches!(result, Err(NotifyError::Unavailable(_))),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn starttls_is_required_not_merely_tried() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let config = SmtpConfig {
        security: SmtpSecurity::StartTls,
        ..sink.config()
    };
    let notifier = SmtpNotifier::new(config).expect("notifier");

    let result = notifier.send(&code_for("zoe.martin@example.com")).await;

    // The sink offers no STARTTLS: nothing may go out in clear.
    assert!(
        matches!(result, Err(NotifyError::Unavailable(_))),
        "{result:?}"
    );
    assert!(
        sink.sessions()
            .iter()
            .all(|s| s.mail_from.is_none() && s.data.is_none())
    );
}

#[tokio::test]
async fn implicit_tls_against_a_plain_relay_is_unavailable() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let config = SmtpConfig {
        security: SmtpSecurity::Tls,
        ..sink.config()
    };
    let notifier = SmtpNotifier::with_timeout(config, Duration::from_secs(5)).expect("notifier");

    let result = notifier.send(&code_for("zoe.martin@example.com")).await;

    assert!(
        matches!(result, Err(NotifyError::Unavailable(_))),
        "{result:?}"
    );
    assert!(sink.sessions().iter().all(|s| s.data.is_none()));
}

#[tokio::test]
async fn an_invalid_recipient_is_rejected_before_anything_is_sent() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let notifier = SmtpNotifier::new(sink.config()).expect("notifier");

    for to in [
        "",
        "zoe",
        "zoe@",
        "@example.com",
        "zoe martin@example.com",
        "a@b@c",
        "zoe@example.com\r\nRCPT TO:<x@evil.test>",
    ] {
        let result = notifier.send(&code_for(to)).await;
        assert!(
            matches!(result, Err(NotifyError::Rejected(_))),
            "{to:?}: {result:?}"
        );
    }
    assert!(sink.sessions().is_empty());
}

#[tokio::test]
async fn a_subject_cannot_add_headers() {
    let sink = Sink::spawn(Behaviour::Answer).await;
    let notifier = SmtpNotifier::new(sink.config()).expect("notifier");
    let message = OutgoingMessage {
        tenant_id: None,
        subject: "Votre code\r\nBcc: spy@evil.test".to_owned(),
        ..code_for("zoe.martin@example.com")
    };

    notifier.send(&message).await.expect("delivered");

    let sessions = sink.sessions();
    assert_eq!(sessions[0].rcpt_to, ["RCPT TO:<zoe.martin@example.com>"]);
    let email = Received::parse(sessions[0].data.as_deref().expect("DATA"));
    assert!(email.header("Bcc").is_none(), "{:?}", email.headers);
}
