//! The end-to-end harness: the real server on port 0, against a fresh PostgreSQL database per
//! test, driven over HTTP.
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let a = app.tenant("A").await;
//! let res = app.get("/api/owners", &a.owner_key).await;
//! ```

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
const STALE_AFTER: Duration = Duration::from_secs(3 * 3600);

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
        // Each test's uploads in a folder of their own.
        config.media_dir = std::env::temp_dir()
            .join("faireplace-tests-media")
            .join(&database);
        tune(&mut config);

        let services = faireplace_server::prepare(&config)
            .await
            .expect("database ready");
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
            .create_worker_key("test worker")
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

/// A valid owner body.
pub fn person_owner(first: &str, last: &str) -> Value {
    json!({"kind": "PERSON", "first_name": first, "last_name": last})
}
