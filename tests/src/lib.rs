//! The end-to-end harness: the real server on port 0, against a fresh PostgreSQL database per
//! test, driven over HTTP.
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let a = app.tenant("A").await;
//! let res = app.get("/api/owners", &a.owner_key).await;
//! ```

// serde_json's json! recurses once per field, and Stripe objects have many.
#![recursion_limit = "256"]

pub mod stripe_mock;

pub mod proxy;

pub mod fixtures;
pub use fixtures::{Created, Fixture};

use std::net::TcpListener;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use faireplace_postgres::DbSettings;
use faireplace_server::{Config, Services};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection};

/// Where the tests' PostgreSQL is; each test creates its own database there.
pub fn admin_base_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A running server with its own database.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub services: Services,
    pub config: Config,
    pub database: String,
    /// Ids looked up by code (types), by (tenant key, list, code): they never change.
    codes: std::sync::Mutex<std::collections::HashMap<(String, String, String), String>>,
}

/// A tenant made through the real use case, with its first OWNER key.
#[derive(Debug, Clone)]
pub struct TestTenant {
    pub id: String,
    pub owner_key: String,
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json error of `status` and `code`, complete with instance and id.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not a problem: {}",
            self.text
        );
        assert_eq!(self.body["status"], status, "{}", self.text);
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert!(
            self.body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("/problems/"))
        );
        assert!(self.body["title"].is_string(), "{}", self.text);
        assert!(
            self.body["instance"]
                .as_str()
                .is_some_and(|i| i.starts_with('/'))
        );
        let id = self.header("x-request-id").expect("x-request-id");
        assert_eq!(self.body["request_id"], id, "{}", self.text);
        self
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts one of `statuses`, with a problem body when it is an error.
    #[track_caller]
    pub fn assert_status_in(&self, statuses: &[u16]) -> &Self {
        assert!(
            statuses.contains(&self.status.as_u16()),
            "unexpected status {}; body: {}",
            self.status,
            self.text
        );
        if self.status.as_u16() >= 400 {
            assert_eq!(
                self.header("content-type"),
                Some("application/problem+json")
            );
        }
        self
    }

    /// The field names of a validation problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Test databases are named `fp_test_<unix seconds>_<random>`; those older than this are
/// leftovers of earlier runs and are dropped.
/// (No test runs that long; several suites may run at once on one server, so a younger database
/// may be another run's.)
const STALE_AFTER: Duration = Duration::from_secs(30 * 60);

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with a configuration adjusted by `tune`.
    pub async fn spawn_with(tune: impl FnOnce(&mut Config)) -> TestApp {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let random = uuid::Uuid::now_v7().simple().to_string();
        let database = format!("fp_test_{now}_{}", &random[20..]);
        drop_stale_databases(now).await;

        let base = PgConnectOptions::from_str(&admin_base_url()).expect("TEST_DATABASE_URL");
        let admin_url = base.database(&database).to_url_lossy().to_string();
        let mut config = Config::from_env().expect("config");
        config.http_workers = 1;
        config.db = DbSettings {
            admin_url,
            app_user: "faireplace_app".to_owned(),
            app_password: None,
            max_connections: 5,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
        };
        // Tests fire many requests with one key; the test of quotas sets its own.
        config.rate_limit = None;
        // Each test's uploads in a folder of their own.
        config.media_dir = std::env::temp_dir()
            .join("faireplace-tests-media")
            .join(&database);
        tune(&mut config);

        let services = faireplace_server::prepare(&config)
            .await
            .expect("database ready");
        faireplace_server::watch_key_changes(&services)
            .await
            .expect("key change listener");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = faireplace_server::start(listener, &services, &config).expect("server");
        tokio::spawn(server);
        TestApp {
            base_url: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            services,
            config,
            database,
            codes: Default::default(),
        }
    }

    /// A new tenant with its first OWNER key, made by the same use case as the CLI.
    pub async fn tenant(&self, name: &str) -> TestTenant {
        let (tenant, key) = self
            .services
            .state
            .keys
            .create_tenant(name)
            .await
            .expect("tenant created");
        TestTenant {
            id: tenant.id.to_string(),
            owner_key: key,
        }
    }

    /// A key of `role` in the tenant, created through the API by its OWNER key.
    pub async fn key(&self, tenant: &TestTenant, role: &str) -> String {
        let res = self
            .post(
                "/api/api-keys",
                &tenant.owner_key,
                json!({"name": format!("{role} key"), "role": role}),
            )
            .await;
        res.assert_status(201);
        res.body["key"].as_str().expect("key").to_owned()
    }

    /// A LESSEE key for a new lessee of the tenant; answers (key, lessee id).
    pub async fn lessee_key(&self, tenant: &TestTenant, scopes: &[&str]) -> (String, String) {
        let lessee = self
            .post(
                "/api/lessees",
                &tenant.owner_key,
                json!({"first_name": "Léa", "last_name": "Bernard"}),
            )
            .await;
        lessee.assert_status(201);
        let lessee_id = lessee.body["id"].as_str().expect("id").to_owned();
        let res = self
            .post(
                "/api/api-keys",
                &tenant.owner_key,
                json!({"name": "portal", "role": "LESSEE", "lessee_id": lessee_id, "scopes": scopes}),
            )
            .await;
        res.assert_status(201);
        (res.body["key"].as_str().expect("key").to_owned(), lessee_id)
    }

    /// A platform worker key, made by the same use case as the CLI.
    pub async fn worker_key(&self) -> String {
        let (_, key) = self
            .services
            .state
            .keys
            .create_worker_key("test worker", None)
            .await
            .expect("worker key");
        key
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends a request; `key` goes in `Authorization: Bearer` when not empty.
    pub async fn send(&self, method: Method, path: &str, key: &str, body: Option<Value>) -> Answer {
        let mut req = self.client.request(method, self.url(path));
        if !key.is_empty() {
            req = req.bearer_auth(key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        Self::read(req.send().await.expect("request sent")).await
    }

    pub async fn read(res: reqwest::Response) -> Answer {
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, key: &str) -> Answer {
        self.send(Method::GET, path, key, None).await
    }

    pub async fn post(&self, path: &str, key: &str, body: Value) -> Answer {
        self.send(Method::POST, path, key, Some(body)).await
    }

    pub async fn put(&self, path: &str, key: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, key, Some(body)).await
    }

    pub async fn patch(&self, path: &str, key: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, key, Some(body)).await
    }

    pub async fn delete(&self, path: &str, key: &str) -> Answer {
        self.send(Method::DELETE, path, key, None).await
    }

    /// POSTs `body` as it is, declared `content_type`, with `key` as bearer.
    pub async fn post_raw(&self, path: &str, key: &str, content_type: &str, body: &str) -> Answer {
        let req = self.client.post(self.url(path)).bearer_auth(key);
        let req = req
            .header("content-type", content_type)
            .body(body.to_owned());
        Self::read(req.send().await.expect("sent")).await
    }

    /// GETs with header `name` set to `value` and no bearer key.
    pub async fn get_with_header(&self, path: &str, name: &str, value: &str) -> Answer {
        let req = self.client.get(self.url(path)).header(name, value);
        Self::read(req.send().await.expect("sent")).await
    }

    /// POSTs `payload` to Stripe's webhook as Stripe would, with `signature` (if any) in
    /// `Stripe-Signature` and no API key.
    pub async fn post_webhook(&self, payload: &str, signature: Option<&str>) -> Answer {
        let mut req = self
            .client
            .post(self.url("/api/webhooks/stripe"))
            .header("content-type", "application/json; charset=utf-8")
            .body(payload.to_owned());
        if let Some(signature) = signature {
            req = req.header("stripe-signature", signature);
        }
        Self::read(req.send().await.expect("request sent")).await
    }

    /// An owner connection (superuser in tests) to this test's database, for looking under
    /// the hood.
    pub async fn admin_connection(&self) -> PgConnection {
        PgConnection::connect(&self.config.db.admin_url)
            .await
            .expect("admin connection")
    }
}

async fn drop_stale_databases(now: u64) {
    let Ok(mut conn) = PgConnection::connect(&admin_base_url()).await else {
        return;
    };
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'fp\\_test\\_%'")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
    for name in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > STALE_AFTER.as_secs() {
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            let _ = sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await;
        }
    }
}

/// Sends every request at once, each on a task of its own; answers their statuses, in order.
pub async fn statuses_at_once(
    requests: impl IntoIterator<Item = reqwest::RequestBuilder>,
) -> Vec<u16> {
    let handles: Vec<_> = requests
        .into_iter()
        .map(|req| tokio::spawn(async move { req.send().await.expect("sent").status().as_u16() }))
        .collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.expect("joined"));
    }
    statuses
}

/// Asserts `text` contains each of `expected`.
#[track_caller]
pub fn assert_contains_all(text: &str, expected: &[&str]) {
    for expected in expected {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

/// A valid owner body.
pub fn person_owner(first: &str, last: &str) -> Value {
    json!({"kind": "PERSON", "first_name": first, "last_name": last})
}

/// A raw answer (a file).
#[derive(Debug)]
pub struct RawAnswer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a PDF came back, and answers its text page by page.
    #[track_caller]
    pub fn pdf_pages(&self) -> Vec<String> {
        assert_eq!(
            self.status.as_u16(),
            200,
            "{}",
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(self.header("content-type"), Some("application/pdf"));
        assert!(self.bytes.starts_with(b"%PDF-"));
        pdf_pages(&self.bytes)
    }

    /// The PDF's whole text (see [`RawAnswer::pdf_pages`]).
    #[track_caller]
    pub fn pdf_text(&self) -> String {
        self.pdf_pages().join(" ")
    }
}

/// The text of each page of a PDF, as a reader extracts it, with runs of white space (the
/// no-break spaces of amounts included) made one space: wrapped lines read as one paragraph.
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|&page| {
            let text = doc.extract_text(&[page]).expect("text");
            text.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

impl TestApp {
    /// GET a file.
    pub async fn get_raw(&self, path: &str, key: &str) -> RawAnswer {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .expect("request");
        RawAnswer {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.expect("body").to_vec(),
        }
    }

    /// The latest message the development outbox holds for `email`.
    pub fn latest_message_to(&self, email: &str) -> Option<String> {
        let mailbox = self.services.state.dev_outbox.as_ref()?;
        mailbox.messages_to(email).pop().map(|m| m.body)
    }

    /// The one-time code in the latest message to `email`.
    pub fn latest_code_to(&self, email: &str) -> String {
        let body = self.latest_message_to(email).expect("a message");
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a 6-digit code")
            .to_owned()
    }
}

// Multipart bodies, written by hand (the client is built without reqwest's multipart).

/// The boundary of the multipart bodies tests send.
pub const BOUNDARY: &str = "----faireplace-test-7MA4YWxkTrZu0gW";

/// A part of a multipart body.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File {
        filename: &'a str,
        content_type: &'a str,
        bytes: &'a [u8],
    },
}

pub fn file<'a>(filename: &'a str, bytes: &'a [u8]) -> Part<'a> {
    // What the client claims is never trusted: always the same, often wrong, type.
    Part::File {
        filename,
        content_type: "application/octet-stream",
        bytes,
    }
}

pub fn multipart_body(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File {
                filename,
                content_type,
                bytes,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                         Content-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

impl TestApp {
    /// POSTs a multipart body.
    pub async fn post_multipart(&self, path: &str, key: &str, parts: &[Part<'_>]) -> Answer {
        let req = self
            .client
            .post(self.url(path))
            .bearer_auth(key)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(reqwest::Body::from(multipart_body(parts)));
        Self::read(req.send().await.expect("request sent")).await
    }
}

/// A tenant ready to let: an owner (with an e-mail), a place built in 1930 in co-ownership, an
/// estate in it, two lessees, a guarantor, and the lease types by code.
#[derive(Debug, Clone)]
pub struct LeaseWorld {
    pub t: TestTenant,
    pub owner: String,
    pub place: String,
    pub estate: String,
    pub lessees: [String; 2],
    pub guarantor: String,
    pub types: Value,
}

impl LeaseWorld {
    pub fn key(&self) -> &str {
        &self.t.owner_key
    }

    pub fn kind(&self, code: &str) -> String {
        self.types[code].as_str().expect("type").to_owned()
    }

    /// A lease body on the world's estate with both lessees and the guarantor, UNFURNISHED from
    /// 2026-01-01, 850.50 + 50 on provision, deposit 850.50.
    pub fn lease(&self, extra: Value) -> Value {
        let body = json!({
            "estate_id": self.estate,
            "lease_type_id": self.kind("UNFURNISHED"),
            "lessees": [{"lessee_id": self.lessees[0]}, {"lessee_id": self.lessees[1]}],
            "guarantor_ids": [self.guarantor],
            "start_date": "2026-01-01",
            "rent_amount": 850.5,
            "charges_amount": 50,
            "deposit_amount": 850.5,
        });
        fixtures::merged(body, extra)
    }

    /// The tenant's id.
    pub fn tenant_id(&self) -> faireplace_kernel::TenantId {
        faireplace_kernel::TenantId::from_uuid(uuid::Uuid::parse_str(&self.t.id).expect("uuid"))
    }
}

impl TestApp {
    /// A [`LeaseWorld`] in a new tenant.
    pub async fn lease_world(&self, name: &str) -> LeaseWorld {
        let t = self.tenant(name).await;
        let k = t.owner_key.clone();
        let owner = self
            .owner(&k)
            .named("Agnès", "Lefèvre")
            .email("agnes.lefevre@example.org")
            .id()
            .await;
        let place = self
            .place(&k)
            .merge(
                json!({"name": "Résidence des Tilleuls", "construction_year": 1930,
                          "is_coownership": true,
                          "address": {"street": "12 rue de l'Église", "postal_code": "75011",
                                      "city": "Paris"}}),
            )
            .id()
            .await;
        let estate = self
            .estate(&k)
            .place(place.as_str())
            .owner(owner.as_str())
            .merge(json!({"surface_m2": 42, "rooms_count": 2, "floor": 3, "door": "B"}))
            .id()
            .await;
        let lessee = |first: &str, last: &str, email: &str| {
            self.lessee(&k).named(first, last).email(email).id()
        };
        let lessees = [
            lessee("Léa", "Bernard", "lea.bernard@example.org").await,
            lessee("Hugo", "Petit", "hugo.petit@example.org").await,
        ];
        let guarantor = self
            .contact(&k)
            .email("paul.bernard@example.org")
            .id()
            .await;
        let kinds = self.ids_by_code("/api/lease-types?limit=100", &k).await;
        LeaseWorld {
            t,
            owner,
            place,
            estate,
            lessees,
            guarantor,
            types: kinds,
        }
    }

    /// A new app with a [`LeaseWorld`] "A" holding `credits`, and a draft lease of it (its id).
    pub async fn with_world_lease(credits: i64) -> (TestApp, LeaseWorld, String) {
        let app = TestApp::spawn().await;
        let w = app.lease_world("A").await;
        if credits > 0 {
            app.grant_credits(&w, credits).await;
        }
        let lease = app.world_lease(&w, json!({})).await;
        (app, w, lease)
    }

    /// A lease of the world ([`LeaseWorld::lease`] with `extra`), as its id.
    pub async fn world_lease(&self, w: &LeaseWorld, extra: Value) -> String {
        self.create("/api/leases", w.key(), w.lease(extra)).await.id
    }

    /// Sends `signer` of `signature` a one-time code.
    pub async fn send_code(&self, key: &str, signature: &str, signer: &str) -> Answer {
        let path = format!("/api/signatures/{signature}/signers/{signer}/otp");
        self.post(&path, key, json!({})).await
    }

    /// Signs as `signer` of `signature` with `otp`.
    pub async fn verify_code(&self, key: &str, signature: &str, signer: &str, otp: &str) -> Answer {
        let path = format!("/api/signatures/{signature}/signers/{signer}/verify");
        self.post(&path, key, json!({"otp": otp})).await
    }

    /// Adds `credits` to the world's tenant (an operator's adjustment).
    pub async fn grant_credits(&self, w: &LeaseWorld, credits: i64) {
        self.services
            .state
            .credits
            .credit(
                w.tenant_id(),
                faireplace_billing::TransactionKind::Adjustment,
                credits,
                Some("test"),
            )
            .await
            .expect("credits granted");
    }
}
