//! The `faireplace` server: configuration, wiring of every adapter, and the HTTP server.
//! `main.rs` adds the command line; tests use [`prepare`] and [`start`] directly.

pub mod config;
mod resources;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{HttpServer, web};
use faireplace_app::{Authenticator, CrudService, KeyService};
use faireplace_http::{AppState, openapi};
use faireplace_parties::{ContactData, LesseeData, OwnerData};
use faireplace_ports::{Clock, SystemClock};
use faireplace_postgres::{
    Db, PgApiKeyStore, PgDiagnostics, PgEnergyDiagnoses, PgEstates, PgItems, PgKeyHandovers,
    PgLeaseTypes, PgLeases, PgPlaces, PgRentControl, PgRentIndices, PgTypes, prepare_database,
};

pub use config::{Config, Environment, LogFormat};

/// The wired application: its database and its shared state.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub state: web::Data<AppState>,
}

/// Creates, migrates and connects the database, then wires every use case.
pub async fn prepare(config: &Config) -> anyhow::Result<Services> {
    let db = prepare_database(&config.db).await?;
    wire(db, config)
}

/// Wires the use cases over a ready database.
pub fn wire(db: Db, config: &Config) -> anyhow::Result<Services> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let renderer: Arc<dyn faireplace_ports::pdf::PdfRenderer> =
        Arc::new(faireplace_pdf::PrintPdfRenderer::new()?);
    // Codes go by SMTP when a server is configured; otherwise to the development outbox,
    // which production refuses (see the configuration).
    let (notifier, dev_outbox): (
        Arc<dyn faireplace_ports::notify::Notifier>,
        Option<Arc<dyn faireplace_ports::notify::Mailbox>>,
    ) = match &config.smtp {
        Some(smtp) => (
            Arc::new(faireplace_notify::SmtpNotifier::new(smtp.clone())?),
            None,
        ),
        None => {
            let outbox = faireplace_notify::Outbox::new();
            let exposed = (config.environment == Environment::Development)
                .then(|| Arc::new(outbox.clone()) as Arc<dyn faireplace_ports::notify::Mailbox>);
            (Arc::new(outbox), exposed)
        }
    };
    let media = faireplace_app::MediaService::new(
        Arc::new(faireplace_postgres::PgMedia(db.clone())),
        Arc::new(faireplace_storage::LocalBlobStore::new(&config.media_dir)),
        clock.clone(),
        config.media_max_bytes,
    );
    // One set of slots for every long computation (splits, reviews, PDFs).
    let heavy =
        faireplace_app::heavy::HeavyWork::new(config.heavy_work_slots, config.heavy_work_wait);
    let documents = faireplace_app::documents::DocumentService::new(
        faireplace_app::documents::DocumentSources {
            leases: Arc::new(PgLeases(db.clone())),
            types: Arc::new(PgLeaseTypes(db.clone())),
            estates: Arc::new(PgEstates(db.clone())),
            places: Arc::new(PgPlaces(db.clone())),
            owners: Arc::new(PgItems::<OwnerData>::new(db.clone())),
            lessees: Arc::new(PgItems::<LesseeData>::new(db.clone())),
            contacts: Arc::new(PgItems::<ContactData>::new(db.clone())),
            charges: Arc::new(faireplace_postgres::PgLeaseCharges(db.clone())),
            categories: Arc::new(PgItems::<faireplace_charges::ChargeCategoryData>::new(
                db.clone(),
            )),
            inventory: Arc::new(PgItems::<faireplace_property::InventoryData>::new(
                db.clone(),
            )),
            annexes: Arc::new(faireplace_postgres::PgLeaseAnnexes(db.clone())),
        },
        renderer,
        clock.clone(),
        heavy.clone(),
    );
    let credits = faireplace_app::credits::CreditService::new(
        Arc::new(faireplace_postgres::PgCredits(db.clone())),
        config.credit_packages.clone(),
        clock.clone(),
    );
    // Without Stripe, checkout and the webhook answer 503 PAYMENTS_UNAVAILABLE.
    let gateway: Option<Arc<dyn faireplace_ports::PaymentGateway>> = match &config.stripe {
        Some(stripe) => Some(Arc::new(faireplace_stripe::StripeGateway::new(
            stripe.clone(),
        )?)),
        None => None,
    };
    let payments_store = Arc::new(faireplace_postgres::PgPayments(db.clone()));
    let payments = faireplace_app::payments::PaymentService::new(
        gateway,
        payments_store.clone(),
        credits.clone(),
        clock.clone(),
    );
    let idempotency =
        faireplace_app::idempotency::IdempotencyService::new(payments_store, clock.clone());
    let store = Arc::new(PgApiKeyStore(db.clone()));
    let lessees = Arc::new(PgItems::<LesseeData>::new(db.clone()));
    let auth = Arc::new(Authenticator::new(
        store.clone(),
        clock.clone(),
        config.auth.clone(),
    )?);
    let state = AppState {
        items: resources::registry(&db, &clock, &auth)?,
        auth: auth.clone(),
        keys: KeyService::new(store, lessees, auth, clock.clone()),
        types: CrudService::new(Arc::new(PgTypes(db.clone())), clock.clone()),
        places: CrudService::new(Arc::new(PgPlaces(db.clone())), clock.clone()).checked(Arc::new(
            faireplace_app::property::PlaceChecks::new(Arc::new(PgItems::<ContactData>::new(
                db.clone(),
            ))),
        )),
        estates: CrudService::new(Arc::new(PgEstates(db.clone())), clock.clone()),
        key_history: Arc::new(PgKeyHandovers(db.clone())),
        energy: CrudService::new(Arc::new(PgEnergyDiagnoses(db.clone())), clock.clone()),
        diagnostics: CrudService::new(Arc::new(PgDiagnostics(db.clone())), clock.clone()),
        lease_types: CrudService::new(Arc::new(PgLeaseTypes(db.clone())), clock.clone()),
        leases: CrudService::new(Arc::new(PgLeases(db.clone())), clock.clone()),
        distribution_keys: CrudService::new(
            Arc::new(faireplace_postgres::PgDistributionKeys(db.clone())),
            clock.clone(),
        ),
        notifications: faireplace_app::charges::NotificationService::new(Arc::new(
            faireplace_postgres::PgNotifications(db.clone()),
        )),
        regulations: CrudService::new(
            Arc::new(faireplace_postgres::PgRegulations(db.clone())),
            clock.clone(),
        ),
        credits,
        payments,
        idempotency,
        audit: faireplace_app::audit::AuditService::new(Arc::new(faireplace_postgres::PgAuditLog(
            db.clone(),
        ))),
        reviews: faireplace_app::charges::ReviewService::new(
            Arc::new(faireplace_postgres::PgChargeReviews(db.clone())),
            Arc::new(PgPlaces(db.clone())),
            clock.clone(),
            heavy.clone(),
        ),
        meters: CrudService::new(
            Arc::new(faireplace_postgres::PgMeters(db.clone())),
            clock.clone(),
        ),
        meter_rules: faireplace_app::meters::MeterService::new(
            Arc::new(faireplace_postgres::PgMeters(db.clone())),
            Arc::new(faireplace_postgres::PgMeters(db.clone())),
            Arc::new(PgLeases(db.clone())),
            clock.clone(),
        ),
        charge_expenses: CrudService::new(
            Arc::new(faireplace_postgres::PgChargeExpenses(db.clone())),
            clock.clone(),
        ),
        lease_charges: CrudService::new(
            Arc::new(faireplace_postgres::PgLeaseCharges(db.clone())),
            clock.clone(),
        ),
        freeze_periods: CrudService::new(
            Arc::new(faireplace_postgres::PgFreezePeriods(db.clone())),
            clock.clone(),
        ),
        place_services: CrudService::new(
            Arc::new(faireplace_postgres::PgPlaceServices(db.clone())),
            clock.clone(),
        ),
        distribution: faireplace_app::charges::DistributionService::new(
            Arc::new(faireplace_postgres::PgDistributionKeys(db.clone())),
            Arc::new(PgPlaces(db.clone())),
            Arc::new(faireplace_postgres::PgDistributionKeys(db.clone())),
            heavy,
        ),
        lease_rules: faireplace_app::leases::LeaseService::new(
            Arc::new(PgLeases(db.clone())),
            Arc::new(PgLeaseTypes(db.clone())),
            Arc::new(PgEstates(db.clone())),
            Arc::new(PgItems::<OwnerData>::new(db.clone())),
            Arc::new(PgEnergyDiagnoses(db.clone())),
            Arc::new(PgRentIndices(db.clone())),
            clock.clone(),
        ),
        rent_regulation: faireplace_app::rent::RentRegulationService::new(Arc::new(PgRentIndices(
            db.clone(),
        ))),
        rent_control: faireplace_app::rent_control::RentControlService::new(
            Arc::new(PgRentControl(db.clone())),
            Arc::new(PgEstates(db.clone())),
            Arc::new(PgEnergyDiagnoses(db.clone())),
        ),
        annexes: faireplace_app::annexes::AnnexService::new(
            Arc::new(faireplace_postgres::PgLeaseAnnexes(db.clone())),
            documents.clone(),
            media.clone(),
            clock.clone(),
        ),
        signatures: faireplace_app::signatures::SignatureService::new(
            Arc::new(faireplace_postgres::PgSignatures(db.clone())),
            documents.clone(),
            faireplace_app::signatures::SignerParties {
                estates: Arc::new(PgEstates(db.clone())),
                owners: Arc::new(PgItems::<OwnerData>::new(db.clone())),
                lessees: Arc::new(PgItems::<LesseeData>::new(db.clone())),
                contacts: Arc::new(PgItems::<ContactData>::new(db.clone())),
            },
            notifier,
            clock.clone(),
        ),
        documents,
        dev_outbox,
        media,
        health: Arc::new(db.clone()),
        rate_limits: config
            .rate_limit
            .map(|r| Arc::new(faireplace_http::rate_limit::RateLimits::new(r))),
    };
    Ok(Services {
        db,
        state: web::Data::new(state),
    })
}

/// Listens for keys that stop authenticating (revoked, expired, deleted with their lessee,
/// on any instance or by the command line) and drops them from this instance's cache. The
/// listening is in place when this returns; the loop runs in the background for the life of
/// the runtime, reconnecting by itself, and forgets every key whenever it may have missed one.
pub async fn watch_key_changes(services: &Services) -> anyhow::Result<()> {
    use faireplace_postgres::{KeyChange, KeyChanges};
    let mut changes = KeyChanges::listen(&services.db).await?;
    let auth = services.state.auth.clone();
    tokio::spawn(async move {
        loop {
            match changes.next().await {
                Ok(KeyChange::Key(key_id)) => auth.invalidate(&key_id),
                // Listening again: what changed meanwhile was not heard.
                Ok(KeyChange::Missed) => {
                    tracing::warn!("key change listener reconnected: every cached key dropped");
                    auth.invalidate_all();
                }
                Err(e) => {
                    tracing::warn!(error = %e, "key change listener cannot reach the database");
                    auth.invalidate_all();
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        }
    });
    Ok(())
}

/// Starts serving on `listener`; the returned server runs until stopped (SIGTERM and SIGINT
/// drain requests in flight for up to `shutdown_timeout`).
pub fn start(
    listener: TcpListener,
    services: &Services,
    config: &Config,
) -> std::io::Result<actix_web::dev::Server> {
    let api = openapi();
    let state = services.state.clone();
    let http = config.http.clone();
    let server =
        HttpServer::new(move || faireplace_http::app(state.clone(), http.clone(), api.clone()))
            .workers(config.http_workers)
            .shutdown_timeout(config.shutdown_timeout.as_secs())
            .client_request_timeout(config.client_request_timeout)
            .listen(listener)?
            .run();
    Ok(server)
}
