//! SIGTERM drains the requests in flight: the real binary, a request whose body is still
//! arriving when the signal comes, answered in full; then the process exits cleanly.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let bin = env!("CARGO_BIN_EXE_faireplace");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let random = uuid::Uuid::now_v7().simple().to_string();
    // Named like the end-to-end tests' databases, so that their clean-up drops it later.
    let database = format!("fp_test_{now}_{}", &random[20..]);
    let base = admin_url();
    let url = format!("{}/{database}", base.rsplit_once('/').expect("url").0);
    let port = free_port();
    let env = |cmd: &mut Command| {
        cmd.env("DATABASE_URL", &url)
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("HTTP_WORKERS", "1")
            .env("SHUTDOWN_TIMEOUT_SECONDS", "10")
            .env("RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .env("MEDIA_DIR", std::env::temp_dir().join(&database));
    };
    let mut create = Command::new(bin);
    env(&mut create);
    let out = create
        .args(["tenant", "create", "--name", "drain"])
        .output()
        .expect("tenant create");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let key = stdout
        .lines()
        .find_map(|l| l.strip_prefix("owner_key="))
        .expect("an owner key")
        .to_owned();

    let mut serve = Command::new(bin);
    env(&mut serve);
    let mut server = serve
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    let mut client = loop {
        if let Ok(c) = TcpStream::connect(("127.0.0.1", port)) {
            break c;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    client
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");

    // Half a request: its head and the first part of its body.
    let body = br#"{"kind": "PERSON", "first_name": "Jeanne", "last_name": "Martin"}"#;
    let head = format!(
        "POST /api/owners HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    client.write_all(head.as_bytes()).expect("head");
    client.write_all(&body[..10]).expect("first part");
    std::thread::sleep(Duration::from_millis(300));

    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(500));
    // A new connection is no longer served…
    let refused = TcpStream::connect(("127.0.0.1", port)).map(|mut c| {
        let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = c.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut buf = [0u8; 64];
        c.read(&mut buf).unwrap_or(0)
    });
    assert!(
        refused.is_err() || matches!(refused, Ok(0)),
        "a new connection was served during the drain"
    );
    // …but the request in flight is: the rest of its body, then its whole answer.
    client.write_all(&body[10..]).expect("rest");
    let mut answer = String::new();
    client.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("Jeanne"), "{answer}");

    let exited = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(
            exited.elapsed() < Duration::from_secs(15),
            "the server did not exit after draining"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status}");
}
