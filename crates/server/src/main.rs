//! `faireplace`: the FairePlace API server and its operator commands.

use std::net::TcpListener;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use faireplace_server::{Config, LogFormat, prepare, start};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "faireplace",
    version,
    about = "FairePlace property-management API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default): creates and migrates the database first.
    Serve,
    /// Create the database if absent and apply the migrations, then exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Tenants (customer accounts).
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Rent index series (reference data).
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Rent control reference data.
    RentControl {
        #[command(subcommand)]
        command: RentControlCommand,
    },
    /// Credits of a tenant (operator adjustments).
    Credits {
        #[command(subcommand)]
        command: CreditsCommand,
    },
    /// Platform keys of the serverless workers.
    WorkerKey {
        #[command(subcommand)]
        command: WorkerKeyCommand,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant and print its id and first OWNER key.
    Create {
        #[arg(long)]
        name: String,
        /// Development only: start the tenant with this many credits (an ADJUSTMENT), so
        /// that electronic signatures can be tried without Stripe. Refused in production.
        #[arg(long)]
        credits: Option<u32>,
    },
}

#[derive(Subcommand)]
enum CreditsCommand {
    /// Add (or, negative, remove) credits: `faireplace credits grant --tenant ID --amount 10`.
    Grant {
        #[arg(long)]
        tenant: uuid::Uuid,
        #[arg(long, allow_hyphen_values = true)]
        amount: i64,
        /// Why (kept in the ledger).
        #[arg(long)]
        reference: Option<String>,
    },
}

#[derive(Subcommand)]
enum IndexCommand {
    /// Record a newly published quarter: `faireplace index add IRL 2026-Q3 146.12`.
    Add {
        /// The index: IRL.
        index: String,
        /// The quarter, e.g. 2026-Q3.
        quarter: String,
        /// The published value, e.g. 146.12.
        value: String,
        /// INSEE's release date (YYYY-MM-DD).
        #[arg(long)]
        published_on: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum RentControlCommand {
    /// Load zones and reference rents from a CSV of the shipped sample's shape
    /// (city,zone,rooms,construction_period,furnished,reference_m2,increased_m2,reduced_m2,valid_from,valid_to[,source]).
    Load {
        /// The CSV file (first line: the header).
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum WorkerKeyCommand {
    /// Create a worker key and print it.
    Create {
        #[arg(long)]
        name: String,
        /// When the key stops authenticating (RFC 3339, e.g. 2027-06-30T00:00:00Z).
        #[arg(long)]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// List the worker keys (id, name, prefix, created, expiry, revocation).
    List,
    /// Revoke a worker key: every server refuses it at once.
    Revoke {
        /// The key's id (`worker_key_id=` at creation, first column of `list`).
        id: uuid::Uuid,
    },
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,actix_server=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> ExitCode {
    // `.env` is for development; a missing file is fine.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        println!("{}", faireplace_http::openapi_json());
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "faireplace stopped");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Openapi => Ok(()),
        Command::Migrate => {
            prepare(&config).await?;
            println!("database ready: migrations applied");
            Ok(())
        }
        Command::Serve => {
            let services = prepare(&config).await?;
            faireplace_server::watch_key_changes(&services).await?;
            let listener = TcpListener::bind((config.host.as_str(), config.port))?;
            tracing::info!(
                address = %listener.local_addr()?,
                workers = config.http_workers,
                stripe = config.stripe.is_some(),
                "FairePlace API listening; docs at /api/docs"
            );
            start(listener, &services, &config)?.await?;
            Ok(())
        }
        Command::Tenant {
            command: TenantCommand::Create { name, credits },
        } => {
            if credits.is_some()
                && config.environment == faireplace_server::config::Environment::Production
            {
                anyhow::bail!(
                    "--credits is for development only: in production credits are bought \
                     (POST /api/credits/checkout) or granted with `faireplace credits grant`"
                );
            }
            let services = prepare(&config).await?;
            let (tenant, key) = services
                .state
                .keys
                .create_tenant(&name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("tenant_id={}", tenant.id);
            println!("owner_key={key}");
            if let Some(n) = credits.filter(|n| *n > 0) {
                services
                    .state
                    .credits
                    .credit(
                        tenant.id,
                        faireplace_billing::TransactionKind::Adjustment,
                        i64::from(n),
                        Some("development credits"),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("credits={n}");
            }
            eprintln!("Keep the key now: it is shown only once.");
            Ok(())
        }
        Command::Index {
            command:
                IndexCommand::Add {
                    index,
                    quarter,
                    value,
                    published_on,
                },
        } => {
            let services = prepare(&config).await?;
            let added = services
                .state
                .rent_regulation
                .add_index(&index, &quarter, &value, published_on)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{} {} = {}", added.index, added.quarter, added.value);
            Ok(())
        }
        Command::Credits {
            command:
                CreditsCommand::Grant {
                    tenant,
                    amount,
                    reference,
                },
        } => {
            let services = prepare(&config).await?;
            let entry = services
                .state
                .credits
                .credit(
                    faireplace_kernel::TenantId::from_uuid(tenant),
                    faireplace_billing::TransactionKind::Adjustment,
                    amount,
                    reference.as_deref(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("balance={}", entry.balance_after);
            Ok(())
        }
        Command::RentControl {
            command: RentControlCommand::Load { file },
        } => {
            let mut reader = csv::Reader::from_path(&file)?;
            let mut records = Vec::new();
            for record in reader.records() {
                records.push(record?.iter().map(str::to_owned).collect::<Vec<_>>());
            }
            let services = prepare(&config).await?;
            let (zones, cells) = services
                .state
                .rent_control
                .load_csv(records)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{cells} reference rents loaded ({zones} new zones)");
            Ok(())
        }
        Command::WorkerKey {
            command: WorkerKeyCommand::List,
        } => {
            let services = prepare(&config).await?;
            let keys = services
                .state
                .keys
                .list_worker_keys()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("id\tname\tprefix\tcreated_at\texpires_at\trevoked_at");
            let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into())
            };
            for k in keys {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    k.id,
                    k.name.as_str(),
                    faireplace_kernel::access::ApiToken::display_prefix(&k.key_id),
                    k.created_at.to_rfc3339(),
                    at(k.expires_at),
                    at(k.revoked_at)
                );
            }
            Ok(())
        }
        Command::WorkerKey {
            command: WorkerKeyCommand::Revoke { id },
        } => {
            let services = prepare(&config).await?;
            let record = services
                .state
                .keys
                .revoke_worker_key(faireplace_kernel::ids::WorkerKeyId(id))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("worker_key_id={}", record.id);
            println!(
                "revoked_at={}",
                record
                    .revoked_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
            );
            Ok(())
        }
        Command::WorkerKey {
            command: WorkerKeyCommand::Create { name, expires_at },
        } => {
            let services = prepare(&config).await?;
            let (record, key) = services
                .state
                .keys
                .create_worker_key(&name, expires_at)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("worker_key_id={}", record.id);
            println!("worker_key={key}");
            eprintln!("Keep the key now: it is shown only once.");
            Ok(())
        }
    }
}
