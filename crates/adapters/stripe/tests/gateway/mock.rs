//! A stand-in for Stripe's API: an HTTP/1.1 responder on 127.0.0.1 that records each request
//! and answers a canned status and body. Hand-written on tokio so that the tests need no HTTP
//! server crate; one request per connection is all the Stripe client sends (it keeps no idle
//! connection).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// A running mock; it stops with the test's runtime.
pub struct MockStripe {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl MockStripe {
    /// Answers every request with `status` and the JSON `body`.
    pub async fn start(status: u16, body: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base_url = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let recorded = Arc::clone(&recorded);
                let body = body.clone();
                tokio::spawn(async move { serve(stream, status, &body, &recorded).await });
            }
        });
        Self { base_url, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("requests lock").clone()
    }

    /// The single request the test expected.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "requests: {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

async fn serve(
    mut stream: TcpStream,
    status: u16,
    body: &str,
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
