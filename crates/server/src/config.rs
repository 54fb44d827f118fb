//! Configuration, read once from the environment (and `.env` in development).

use std::path::PathBuf;
use std::time::Duration;

use faireplace_app::AuthConfig;
use faireplace_http::HttpSettings;
use faireplace_postgres::DbSettings;

/// Everything the server is configured with. Every variable is documented in `.env.example`
/// and the README.
#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub http_workers: usize,
    pub http: HttpSettings,
    pub db: DbSettings,
    pub auth: AuthConfig,
    pub log_format: LogFormat,
    pub shutdown_timeout: Duration,
    /// Longest a client may take to send its request headers.
    pub client_request_timeout: Duration,

    /// Long computations (splits, reviews, PDFs) at once (`HEAVY_WORK_SLOTS`, default: the
    /// cores), and the longest a request waits for its turn before a 503 `SERVER_BUSY`
    /// (`HEAVY_WORK_WAIT_MS`, default 30 s).
    pub heavy_work_slots: usize,
    pub heavy_work_wait: Duration,
    /// Folder of the uploaded files (created when first written to).
    pub media_dir: PathBuf,
    /// Largest file accepted by `POST /api/media`, in bytes (413 beyond).
    pub media_max_bytes: u64,
    /// Packages of credits on sale (`CREDIT_PACKAGES=id:credits:price_cents,…`, EUR).
    pub credit_packages: Vec<faireplace_billing::CreditPackage>,
    /// Per-key quotas (`RATE_LIMIT_PER_MINUTE`, `RATE_LIMIT_BURST`); `None` when the first is 0.
    pub rate_limit: Option<faireplace_http::rate_limit::RateLimitSettings>,
    /// `APP_ENV`: development (the default) or production.
    pub environment: Environment,
    /// Where one-time codes and e-mails go: an SMTP server (`SMTP_HOST`…), or without one the
    /// development outbox (readable at `/api/dev/outbox`; refused in production).
    pub smtp: Option<faireplace_notify::SmtpConfig>,
    /// Stripe (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, `STRIPE_API_BASE`); `None` when no
    /// secret key is set: checkout and the webhook then answer 503. Its `Debug` hides the
    /// secrets.
    pub stripe: Option<faireplace_stripe::StripeConfig>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

/// The packages on sale unless `CREDIT_PACKAGES` says otherwise: 10 credits for 15 €, 50 for
/// 60 €, 200 for 200 €.
pub const DEFAULT_PACKAGES: &str = "starter:10:1500,standard:50:6000,pro:200:20000";

/// The default database, for a development machine with PostgreSQL on localhost.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/faireplace";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &str, default: T) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| ConfigError(format!("{name}='{v}' is not a valid value"))),
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let log_format = match var("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError(format!(
                    "LOG_FORMAT='{other}': use text or json"
                )));
            }
        };
        let environment = match var("APP_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(ConfigError(format!(
                    "APP_ENV='{other}': use development or production"
                )));
            }
        };
        let smtp = match var("SMTP_HOST") {
            None if environment == Environment::Production => {
                return Err(ConfigError(
                    "APP_ENV=production needs SMTP_HOST (one-time codes are sent by e-mail)".into(),
                ));
            }
            None => None,
            Some(host) => {
                let security = faireplace_notify::SmtpSecurity::parse(
                    &var("SMTP_SECURITY").unwrap_or_else(|| "starttls".into()),
                )
                .map_err(|e| ConfigError(format!("SMTP_SECURITY: {e}")))?;
                Some(faireplace_notify::SmtpConfig {
                    host,
                    port: parsed("SMTP_PORT", security.default_port())?,
                    username: var("SMTP_USERNAME"),
                    password: var("SMTP_PASSWORD"),
                    from: var("SMTP_FROM")
                        .unwrap_or_else(|| "FairePlace <no-reply@localhost>".into()),
                    security,
                })
            }
        };
        let per_minute: u32 = parsed("RATE_LIMIT_PER_MINUTE", 1200)?;
        let burst: u32 = parsed("RATE_LIMIT_BURST", 200)?;
        let rate_limit = match (
            std::num::NonZeroU32::new(per_minute),
            std::num::NonZeroU32::new(burst),
        ) {
            (None, _) => None,
            (Some(per_minute), Some(burst)) => {
                Some(faireplace_http::rate_limit::RateLimitSettings { per_minute, burst })
            }
            (Some(_), None) => {
                return Err(ConfigError(
                    "RATE_LIMIT_BURST must be at least 1 (RATE_LIMIT_PER_MINUTE=0 turns limits off)"
                        .into(),
                ));
            }
        };
        let stripe = match (var("STRIPE_SECRET_KEY"), var("STRIPE_WEBHOOK_SECRET")) {
            (None, None) => None,
            (Some(secret_key), Some(webhook_secret)) => Some(faireplace_stripe::StripeConfig {
                secret_key: secret_key.trim().to_owned(),
                webhook_secret: webhook_secret.trim().to_owned(),
                api_base: var("STRIPE_API_BASE").map(|v| v.trim().to_owned()),
            }),
            // Half a configuration would sell credits that no webhook can ever grant, or
            // verify webhooks for sales that cannot happen: refuse it at start-up.
            (Some(_), None) => {
                return Err(ConfigError(
                    "STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: set both or neither"
                        .into(),
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError(
                    "STRIPE_WEBHOOK_SECRET is set without STRIPE_SECRET_KEY: set both or neither"
                        .into(),
                ));
            }
        };
        Ok(Self {
            rate_limit,
            environment,
            stripe,
            smtp,
            host: var("HOST").unwrap_or_else(|| "127.0.0.1".into()),
            port: parsed("PORT", 8080)?,
            http_workers: parsed("HTTP_WORKERS", cores)?.max(1),
            http: HttpSettings {
                json_limit: parsed("HTTP_JSON_LIMIT_BYTES", 256 * 1024)?,
                body_timeout: Duration::from_millis(parsed("HTTP_BODY_TIMEOUT_MS", 15_000)?.max(1)),
                body_min_rate: parsed("HTTP_BODY_MIN_BYTES_PER_SECOND", 32 * 1024)?.max(1),
            },
            db: DbSettings {
                admin_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
                app_user: var("DATABASE_APP_USER").unwrap_or_else(|| "faireplace_app".into()),
                app_password: var("DATABASE_APP_PASSWORD"),
                max_connections: parsed("DATABASE_MAX_CONNECTIONS", 10)?.max(1),
                min_connections: parsed("DATABASE_MIN_CONNECTIONS", 2)?,
                acquire_timeout: Duration::from_millis(parsed(
                    "DATABASE_ACQUIRE_TIMEOUT_MS",
                    3000,
                )?),
                statement_timeout: Duration::from_millis(parsed(
                    "DATABASE_STATEMENT_TIMEOUT_MS",
                    10_000,
                )?),
            },
            auth: AuthConfig {
                cache_ttl: Duration::from_secs(parsed("AUTH_CACHE_TTL_SECONDS", 60)?),
                cache_capacity: parsed("AUTH_CACHE_CAPACITY", 10_000)?,
                cache_per_tenant: parsed("AUTH_CACHE_PER_TENANT", 1_000)?,
                max_concurrent_verifications: parsed("AUTH_MAX_CONCURRENT_VERIFICATIONS", cores)?,
                failures_per_key: parsed("AUTH_FAILURES_PER_KEY", 10)?,
                failures_per_address: parsed("AUTH_FAILURES_PER_ADDRESS", 50)?,
                failure_window: Duration::from_secs(
                    parsed("AUTH_FAILURE_WINDOW_SECONDS", 300)?.max(1),
                ),
                max_keys_per_tenant: parsed("MAX_API_KEYS_PER_TENANT", 1_000)?,
            },
            log_format,
            shutdown_timeout: Duration::from_secs(parsed("SHUTDOWN_TIMEOUT_SECONDS", 30)?),
            client_request_timeout: Duration::from_millis(parsed(
                "HTTP_CLIENT_REQUEST_TIMEOUT_MS",
                5000,
            )?),
            heavy_work_slots: parsed("HEAVY_WORK_SLOTS", cores)?.max(1),
            heavy_work_wait: Duration::from_millis(parsed("HEAVY_WORK_WAIT_MS", 30_000)?),
            media_dir: PathBuf::from(var("MEDIA_DIR").unwrap_or_else(|| "./var/media".into())),
            media_max_bytes: parsed("MEDIA_MAX_BYTES", 10 * 1024 * 1024)?.max(1),
            credit_packages: faireplace_billing::parse_packages(
                &var("CREDIT_PACKAGES").unwrap_or_else(|| DEFAULT_PACKAGES.into()),
            )
            .map_err(|e| ConfigError(format!("CREDIT_PACKAGES: {}", e.0)))?,
        })
    }
}
