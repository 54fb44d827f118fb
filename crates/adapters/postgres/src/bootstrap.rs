//! Getting a database ready: create it when absent, migrate it as its owner, provision the
//! application role, and connect as that role.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection, PgPool};

use crate::Db;
use crate::reads::ReadPool;

/// Every migration of `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../../migrations");

/// How to reach and size the database.
#[derive(Clone)]
pub struct DbSettings {
    /// Owner (administrator) connection: creates the database and runs migrations.
    pub admin_url: String,
    /// The role the server queries as; created when absent. Neither owner nor BYPASSRLS.
    pub app_user: String,
    /// Its password; `None` leaves the role's password alone (trust or peer auth).
    pub app_password: Option<String>,
    /// Largest number of connections of each of the two pools (transactions, and
    /// single-statement reads): up to twice this many sessions in all.
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout: Duration,
    /// Longest a single statement may run before the database cancels it.
    pub statement_timeout: Duration,
}

// The URL and password may hold secrets: never print them.
impl std::fmt::Debug for DbSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSettings")
            .field("app_user", &self.app_user)
            .field("max_connections", &self.max_connections)
            .field("min_connections", &self.min_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("invalid DATABASE_URL: {0}")]
    InvalidUrl(#[source] sqlx::Error),
    #[error("invalid DATABASE_APP_USER '{0}': use lower-case letters, digits and _")]
    InvalidRoleName(String),
    #[error(
        "the application role '{0}' is a superuser, bypasses row-level security or owns the schema: refusing to serve with it"
    )]
    UnsafeRole(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl DbSettings {
    fn admin_options(&self) -> Result<PgConnectOptions, BootstrapError> {
        PgConnectOptions::from_str(&self.admin_url)
            .map_err(BootstrapError::InvalidUrl)
            .map(|o| o.disable_statement_logging())
    }

    fn database_name(&self) -> Result<String, BootstrapError> {
        let options = self.admin_options()?;
        Ok(options
            .get_database()
            .unwrap_or(options.get_username())
            .to_owned())
    }

    fn app_options(&self) -> Result<PgConnectOptions, BootstrapError> {
        let timeout_ms = self.statement_timeout.as_millis().to_string();
        let mut options = self
            .admin_options()?
            .username(&self.app_user)
            .application_name("faireplace")
            .options([("statement_timeout", timeout_ms.as_str())])
            // Every statement is an event at TRACE (`sqlx::query`), which costs nothing unless a
            // subscriber asks for it (tests count them); slow ones are warnings.
            .log_statements(log::LevelFilter::Trace)
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(1));
        if let Some(password) = &self.app_password {
            options = options.password(password);
        }
        Ok(options)
    }
}

/// Creates the database if needed, migrates it, provisions the application role and returns
/// the application's pool. Safe to run at every start and from several processes at once.
pub async fn prepare_database(settings: &DbSettings) -> Result<Db, BootstrapError> {
    create_database_if_absent(settings).await?;
    let mut admin = PgConnection::connect_with(&settings.admin_options()?).await?;
    MIGRATOR.run(&mut admin).await?;
    provision_app_role(&mut admin, settings).await?;
    admin.close().await?;
    connect_app(settings).await
}

/// The application's pool, as the application role.
pub async fn connect_app(settings: &DbSettings) -> Result<Db, BootstrapError> {
    let options = settings.app_options()?;
    let reads = ReadPool::new(
        options.clone(),
        settings.max_connections,
        settings.acquire_timeout,
    );
    let pool: PgPool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .min_connections(settings.min_connections)
        .acquire_timeout(settings.acquire_timeout)
        // Connections are checked when they come back to the pool (which also flushes a
        // pending rollback); checking them again on the way out would cost a round trip on
        // every request.
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    Ok(Db::new(pool, reads))
}

async fn create_database_if_absent(settings: &DbSettings) -> Result<(), BootstrapError> {
    let name = settings.database_name()?;
    let maintenance = settings.admin_options()?.database("postgres");
    let mut conn = PgConnection::connect_with(&maintenance).await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        let sql = format!("CREATE DATABASE {}", quote_ident(&name));
        match sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await {
            Ok(_) => tracing::info!(database = %name, "created the database"),
            // Another process created it meanwhile.
            Err(e) if sql_state(&e).as_deref() == Some("42P04") => {}
            Err(e) => return Err(e.into()),
        }
    }
    conn.close().await?;
    Ok(())
}

/// Creates the application role when absent, grants it the use (not the ownership) of every
/// table, and refuses a role that could bypass row-level security.
async fn provision_app_role(
    admin: &mut PgConnection,
    settings: &DbSettings,
) -> Result<(), BootstrapError> {
    let role = &settings.app_user;
    if role.is_empty()
        || !role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(BootstrapError::InvalidRoleName(role.clone()));
    }
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(role)
            .fetch_one(&mut *admin)
            .await?;
    if !exists {
        // Roles are cluster-wide: a concurrent creator (another test, another instance) wins.
        let create = format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        );
        sqlx::query(AssertSqlSafe(create))
            .execute(&mut *admin)
            .await?;
    }
    if let Some(password) = &settings.app_password {
        let alter = format!(
            "ALTER ROLE {role} WITH LOGIN PASSWORD '{}'",
            password.replace('\'', "''")
        );
        sqlx::raw_sql(AssertSqlSafe(alter))
            .execute(&mut *admin)
            .await?;
    }
    let database = quote_ident(&settings.database_name()?);
    let grants = format!(
        "GRANT CONNECT ON DATABASE {database} TO {role};
         GRANT USAGE ON SCHEMA public TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
         REVOKE ALL ON TABLE _sqlx_migrations FROM {role};
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
         GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};"
    );
    sqlx::raw_sql(AssertSqlSafe(grants))
        .execute(&mut *admin)
        .await?;

    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1")
            .bind(role)
            .fetch_one(&mut *admin)
            .await?;
    let owns_tables: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1)",
    )
    .bind(role)
    .fetch_one(&mut *admin)
    .await?;
    if superuser || bypass || owns_tables {
        return Err(BootstrapError::UnsafeRole(role.clone()));
    }
    Ok(())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_state(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned())
}
