//! The real binary: its command line (tenants with development credits, worker keys listed
//! and revoked), and SIGTERM draining the requests in flight.

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

/// A fresh database's URL and a free port, and a command of the binary set up for them.
struct Setup {
    url: String,
    port: u16,
    media: std::path::PathBuf,
}

impl Setup {
    fn new() -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let random = uuid::Uuid::now_v7().simple().to_string();
        // Named like the end-to-end tests' databases, so that their clean-up drops it later.
        let database = format!("fp_test_{now}_{}", &random[20..]);
        let base = admin_url();
        let url = format!("{}/{database}", base.rsplit_once('/').expect("url").0);
        Self {
            url,
            port: free_port(),
            media: std::env::temp_dir().join(&database),
        }
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_faireplace"));
        cmd.env("DATABASE_URL", &self.url)
            .env("PORT", self.port.to_string())
            .env("HOST", "127.0.0.1")
            .env("HTTP_WORKERS", "1")
            .env("SHUTDOWN_TIMEOUT_SECONDS", "10")
            .env("RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .env("APP_ENV", "development")
            .env_remove("SMTP_HOST")
            .env("MEDIA_DIR", &self.media);
        cmd
    }

    /// Runs the binary with `args`: its standard output, or its error output when it fails.
    fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = self.command().args(args).output().expect("run");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

/// `name=value` from a command's output.
fn printed(out: &str, name: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {out}"))
        .to_owned()
}

/// Serves until dropped.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(setup: &Setup) -> Serving {
    let child = setup
        .command()
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", setup.port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Serving(child)
}

/// A GET with a Bearer key, answered whole.
fn get(port: u16, path: &str, key: &str) -> String {
    get_with(port, path, &format!("Authorization: Bearer {key}"))
}

/// GETs `path` with one more header line (`Name: value`), and answers the raw answer.
fn get_with(port: u16, path: &str, header: &str) -> String {
    let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        c,
        "GET {path} HTTP/1.1\r\nHost: x\r\n{header}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut answer = String::new();
    c.read_to_string(&mut answer).expect("answer");
    answer
}

#[test]
fn tenants_start_with_development_credits_and_worker_keys_are_listed_and_revoked() {
    let setup = Setup::new();
    let out = setup
        .run(&["tenant", "create", "--name", "Agence", "--credits", "5"])
        .expect("tenant create");
    assert_eq!(printed(&out, "credits"), "5");
    let key = printed(&out, "owner_key");
    // Never in production.
    let refused = setup
        .command()
        .env("APP_ENV", "production")
        .env("SMTP_HOST", "127.0.0.1")
        .args(["tenant", "create", "--name", "Prod", "--credits", "5"])
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("development only"));

    let out = setup
        .run(&[
            "worker-key",
            "create",
            "--name",
            "sync",
            "--expires-at",
            "2099-01-01T00:00:00Z",
        ])
        .expect("worker-key create");
    let id = printed(&out, "worker_key_id");
    let worker = printed(&out, "worker_key");
    let listed = setup.run(&["worker-key", "list"]).expect("list");
    let line = listed.lines().find(|l| l.starts_with(&id)).expect("listed");
    assert!(
        line.contains("sync") && line.contains("2099-01-01") && line.ends_with("\t-"),
        "{line}"
    );

    let server = serve(&setup);
    let balance = get(setup.port, "/api/credits/balance", &key);
    assert!(balance.starts_with("HTTP/1.1 200"), "{balance}");
    assert!(balance.contains("\"balance\":5"), "{balance}");
    let as_worker = format!("X-API-Key: {worker}");
    let me = get_with(setup.port, "/api/workers/me", &as_worker);
    assert!(me.starts_with("HTTP/1.1 200"), "{me}");
    // Revoked by the command line, refused by the running server at once.
    let out = setup.run(&["worker-key", "revoke", &id]).expect("revoke");
    assert!(printed(&out, "revoked_at").starts_with("20"), "{out}");
    let started = Instant::now();
    loop {
        let me = get_with(setup.port, "/api/workers/me", &as_worker);
        if me.starts_with("HTTP/1.1 401") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "{me}");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(server);
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let setup = Setup::new();
    let port = setup.port;
    let env = |cmd: &mut Command| {
        *cmd = setup.command();
    };
    let bin = env!("CARGO_BIN_EXE_faireplace");
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
    // `Expect: 100-continue`: the server answers "100 Continue" once the route reads the
    // body, so the request is surely in flight when the signal comes, however loaded the
    // machine.
    let head = format!(
        "POST /api/owners HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    client.write_all(head.as_bytes()).expect("head");
    let mut interim = [0u8; 25];
    client.read_exact(&mut interim).expect("100 Continue");
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue"));
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
