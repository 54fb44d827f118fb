//! actix-web adapter: routes, DTOs with their OpenAPI schemas, auth extractors, problem+json.
//!
//! Routes are registered through `utoipa_actix_web`, so the OpenAPI document is collected from
//! the very handlers the router serves: the two cannot drift apart.

mod annexes;
mod api_keys;
mod audit_log;
mod body_deadline;
mod charges;
mod common;
mod credits;
mod crud;
mod dev;
mod endpoint;
pub mod items;
pub mod json;
mod leases;
mod lessee_portal;
mod media;
mod meters;
mod middleware;
mod openapi;
mod parties;
mod payments;
mod platform;
pub mod problem;
mod property;
pub mod rate_limit;
mod resources;
mod responses;
mod routes;
pub mod schema;
mod signatures;
mod workers;

use faireplace_kernel::ErrorCode;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, web};
use faireplace_app::{Authenticator, CrudService, KeyService};
use faireplace_leases::{Lease, LeaseType};
use faireplace_ports::HealthCheck;
use faireplace_ports::property::KeyHistory;
use faireplace_property::{Diagnostic, EnergyDiagnosis, Estate, Place, PropertyType};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::problem::ApiError;
use crate::routes::{FirstSegment, RouteTable, Routes};

pub use middleware::RequestId;

/// Everything a request may need, shared by all workers.
pub struct AppState {
    pub auth: Arc<Authenticator>,
    /// The use cases of every resource declared once, served by [`items`].
    pub items: items::ItemRegistry,
    pub keys: KeyService,
    pub types: CrudService<PropertyType>,
    pub places: CrudService<Place>,
    pub estates: CrudService<Estate>,
    /// The hand-over history of estate keys (the keys themselves are declared once).
    pub key_history: Arc<dyn KeyHistory>,
    pub energy: CrudService<EnergyDiagnosis>,
    pub diagnostics: CrudService<Diagnostic>,
    pub lease_types: CrudService<LeaseType>,
    pub leases: CrudService<Lease>,
    pub distribution_keys: CrudService<faireplace_charges::DistributionKey>,
    pub distribution: faireplace_app::charges::DistributionService,
    pub place_services: CrudService<faireplace_charges::PlaceService>,
    pub lease_charges: CrudService<faireplace_charges::LeaseCharge>,
    pub charge_expenses: CrudService<faireplace_charges::ChargeExpense>,
    pub reviews: faireplace_app::charges::ReviewService,
    pub audit: faireplace_app::audit::AuditService,
    pub credits: faireplace_app::credits::CreditService,
    /// Checkout, the Stripe webhook and the log of payments.
    pub payments: faireplace_app::payments::PaymentService,
    /// Answers kept for `Idempotency-Key` replays.
    pub idempotency: faireplace_app::idempotency::IdempotencyService,
    pub notifications: faireplace_app::charges::NotificationService,
    pub regulations: CrudService<faireplace_charges::Regulation>,
    pub meters: CrudService<faireplace_meters::Meter>,
    pub meter_rules: faireplace_app::meters::MeterService,
    pub freeze_periods: CrudService<faireplace_charges::FreezePeriod>,
    pub lease_rules: faireplace_app::leases::LeaseService,
    pub rent_regulation: faireplace_app::rent::RentRegulationService,
    pub rent_control: faireplace_app::rent_control::RentControlService,
    pub media: faireplace_app::media::MediaService,
    pub documents: faireplace_app::documents::DocumentService,
    pub annexes: faireplace_app::annexes::AnnexService,
    pub signatures: faireplace_app::signatures::SignatureService,
    /// The development outbox of one-time codes and e-mails, readable at `/api/dev/outbox`;
    /// `None` in production, where the route does not exist.
    pub dev_outbox: Option<Arc<dyn faireplace_ports::notify::Mailbox>>,
    pub health: Arc<dyn HealthCheck>,
    /// Per-key quotas; `None`: unlimited.
    pub rate_limits: Option<Arc<rate_limit::RateLimits>>,
}

/// HTTP limits.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Largest JSON body accepted, in bytes (413 beyond).
    pub json_limit: usize,
    /// Time a client has to send its request body, from the end of its headers
    /// (`HTTP_BODY_TIMEOUT_MS`), plus the time each chunk takes at `body_min_rate` bytes a
    /// second (`HTTP_BODY_MIN_BYTES_PER_SECOND`): past it the request fails with 408 and the
    /// connection is closed.
    pub body_timeout: std::time::Duration,
    pub body_min_rate: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            json_limit: 256 * 1024,
            body_timeout: std::time::Duration::from_secs(15),
            body_min_rate: 32 * 1024,
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "FairePlace API",
        description = "Multi-tenant REST API for residential property management: parties, \
            property, leases, rent regulation, charges, meters, annexes, e-signature and credits.\n\n\
            Authenticate with `Authorization: Bearer fp_live_…` (OWNER, MANAGER and LESSEE keys) or, \
            under `/api/workers` only, `X-API-Key: fp_live_…` (WORKER keys). Stripe's webhook, \
            `/api/webhooks/stripe`, takes no key: its `Stripe-Signature` is verified. Every error is \
            `application/problem+json` with a stable `code`. Lists take `page`, `limit` (at most 100), \
            `search` and `sort` (`field` or `-field`).",
        license(name = "Proprietary")
    ),
    components(schemas(problem::Problem), responses(
        responses::BadRequest,
        responses::Unauthorized,
        responses::Forbidden,
        responses::NotFound,
        responses::Conflict,
        responses::Unavailable,
        responses::PayloadTooLarge,
        responses::RequestTimeout,
        responses::UnsupportedMediaType,
        responses::PaymentRequired,
        responses::TooManyRequests,
        responses::Pdf
    )),
    modifiers(&Security),
    tags(
        (name = "Health", description = "Liveness and readiness"),
        (name = "API keys", description = "Keys of the tenant (OWNER only)"),
        (name = "Owners", description = "Owners (bailleurs)"),
        (name = "Contacts", description = "Guarantors, agents, service providers, syndics"),
        (name = "Lessees", description = "Lessees (locataires)"),
        (name = "Types", description = "Estate, room and equipment types: the system's and the tenant's own"),
        (name = "Places", description = "Buildings (immeubles, résidences)"),
        (name = "Estates", description = "Rentable units (lots)"),
        (name = "Rooms", description = "Rooms of an estate"),
        (name = "Equipment", description = "Equipment of an estate"),
        (name = "Inventory", description = "Furniture inventory and Décret 2015-981 compliance"),
        (name = "Keys", description = "Keys of an estate and their hand-overs"),
        (name = "Energy diagnosis", description = "DPE: energy classes, letting bans, rent freeze"),
        (name = "Estate diagnostics", description = "Lead, asbestos, electricity, gas, risks…: one active per type"),
        (name = "Lease Types", description = "Legal frames of leases: durations, deposit caps, notices, annexes"),
        (name = "Leases", description = "Leases with co-lessees and guarantors, their statuses, rent history and yearly IRL revision"),
        (name = "Lessee portal", description = "A lessee's own leases (LESSEE keys)"),
        (name = "Charges", description = "Charge categories (Décret 87-713), distribution keys and the exact split of a cost"),
        (name = "Place services", description = "Services of a building: chargeable ones name their charge category and default distribution key"),
        (name = "Meters", description = "Meter tree, readings with rollover and anomalies, consumption, the meters of a lease"),
        (name = "Annexes", description = "The catalog of lease annexes, a lease's annexes and their compliance"),
        (name = "Signatures", description = "Electronic signature of a lease with one-time codes (one credit each)"),
        (name = "Credits", description = "Credits (one per electronic signature): packages, balance, ledger"),
        (name = "Payments", description = "Buying credits through Stripe: checkout, Stripe's signed webhook, the log of payments"),
        (name = "Rent Regulation & Rent Control", description = "Country references, rent index series, rent control"),
        (name = "Media", description = "Files (JPEG, PNG, WebP, PDF) attached to an entity"),
        (name = "Workers", description = "Serverless workers, with `X-API-Key`"),
        (name = "Development", description = "What a development server offers besides the API (404 in production)")
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("fp_live_<key_id>_<secret>")
                    .description(Some("OWNER, MANAGER or LESSEE key"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "worker_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "WORKER key, accepted under /api/workers only",
            ))),
        );
    }
}

/// The route modules, in the order their handlers are registered.
const ROUTE_MODULES: &[fn(&mut Routes<'_, '_>)] = &[
    platform::routes,
    api_keys::routes,
    property::types::routes,
    property::places::routes,
    property::estates::routes,
    property::inventory::routes,
    property::estate_keys::routes,
    property::energy::routes,
    property::diagnostics::routes,
    leases::lease_types::routes,
    leases::contracts::routes,
    charges::categories::routes,
    charges::distribution_keys::routes,
    charges::services::crud_routes,
    charges::lease_charges::crud_routes,
    charges::expenses::crud_routes,
    charges::reviews::routes,
    audit_log::routes,
    charges::notifications::routes,
    charges::regulations::crud_routes,
    meters::routes,
    credits::routes,
    payments::routes,
    annexes::routes,
    signatures::routes,
    lessee_portal::routes,
    workers::routes,
    charges::freeze_periods::crud_routes,
    leases::rent_regulation::routes,
    leases::rent_control::routes,
    media::routes,
    dev::routes,
    items::declared_routes,
];

/// Every handler, for the OpenAPI document.
fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    let mut routes = Routes::direct(cfg);
    for module in ROUTE_MODULES {
        module(&mut routes);
    }
}

/// Every handler, served in one scope per first path segment (see [`Routes`]).
fn served_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    let mut routes = Routes::grouped();
    for module in ROUTE_MODULES {
        module(&mut routes);
    }
    for (segment, registrations) in routes.into_groups() {
        cfg.service(
            utoipa_actix_web::scope("")
                .guard(FirstSegment(segment))
                .configure(move |cfg| {
                    for register in registrations {
                        register(cfg);
                    }
                }),
        );
    }
}

/// The OpenAPI document, collected from the registered handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api").configure(api_routes))
        .split_for_parts();
    let mut api = api;
    standard_responses(&mut api);
    openapi::describe_operations(&mut api);
    openapi::amounts(&mut api);
    openapi::required_fields_not_null(&mut api);
    api
}

/// The answers any operation may give besides its own, documented once here so that no route
/// can forget them: 400 (a path or query value that does not parse, a body that does not
/// read), 413 and 415 (a body too large or of another type), 429 (the key's quota, on every
/// route taking a key), 503 (the database does not answer; not on liveness).
fn standard_responses(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Ref, RefOr};
    let components = api.components.get_or_insert_with(Default::default);
    components.schemas.insert(
        "ProblemField".to_owned(),
        <problem::ProblemField as utoipa::PartialSchema>::schema(),
    );
    // A PATCH is a JSON merge patch (RFC 7396): any field of the resource's form may be sent
    // alone, so its schema is the form's without `required`.
    let mut patch_forms = std::collections::BTreeMap::new();
    for item in api.paths.paths.values_mut() {
        let Some(op) = item.patch.as_mut() else {
            continue;
        };
        let Some(RefOr::T(body)) = op.request_body.as_mut() else {
            continue;
        };
        for content in body.content.values_mut() {
            let RefOr::T(content) = content else {
                continue;
            };
            if let Some(RefOr::Ref(r)) = &content.schema {
                let name = r
                    .ref_location
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                // A form made for PATCH (a declared resource's, or one of its own) stays.
                if name.ends_with("Patch") {
                    continue;
                }
                let patch = format!("{name}Patch");
                content.schema = Some(RefOr::Ref(Ref::from_schema_name(&patch)));
                patch_forms.insert(name, patch);
            }
        }
    }
    for (name, patch) in patch_forms {
        if let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(form))) =
            components.schemas.get(&name).cloned()
        {
            let mut form = form;
            form.required.clear();
            // No examples on a patch's fields: a generator that builds a whole object from
            // them (schemathesis does) reads it back as the form with its required fields,
            // and calls a patch without one of them invalid.
            for property in form.properties.values_mut() {
                if let RefOr::T(utoipa::openapi::schema::Schema::Object(p)) = property {
                    p.example = None;
                    p.examples.clear();
                }
            }
            form.description = Some(format!(
                "A JSON merge patch (RFC 7396) of {name}: the fields sent change, `null` clears."
            ));
            components.schemas.insert(
                patch,
                RefOr::T(utoipa::openapi::schema::Schema::Object(form)),
            );
        }
    }
    for (path, op) in openapi::operations_mut(api) {
        let mut add = |status: &str, response: &str| {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
        };
        let has_body = op.request_body.is_some();
        let has_params =
            op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || path.contains('{');
        if has_body || has_params {
            add("400", "BadRequest");
        }
        if has_body {
            add("408", "RequestTimeout");
            add("413", "PayloadTooLarge");
            add("415", "UnsupportedMediaType");
        }
        let keyed = op
            .security
            .as_ref()
            .is_some_and(|s| !s.is_empty() && path.as_str() != "/api/webhooks/stripe");
        if keyed {
            add("401", "Unauthorized");
            add("429", "TooManyRequests");
        }
        if path.as_str() != "/api/health" {
            add("503", "Unavailable");
        }
    }
}

/// The OpenAPI document as the server serves it and `faireplace openapi` prints it.
pub fn openapi_json() -> String {
    openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned())
}

/// The application: every route, the request middleware, problem+json for every error.
pub fn app(
    state: web::Data<AppState>,
    settings: HttpSettings,
    api: utoipa::openapi::OpenApi,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let routes = web::Data::new(RouteTable::from_openapi(&api));
    // Registered before the `/api` scope, which would otherwise answer every `/api/*` path.
    let docs = SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", api);
    let (app, _) = App::new()
        .service(web::resource("/api/docs").to(docs_redirect))
        .service(docs)
        .app_data(state)
        .app_data(routes)
        .app_data(web::Data::new(body_deadline::BodyDeadline {
            base: settings.body_timeout,
            min_rate: settings.body_min_rate,
        }))
        .app_data(
            web::JsonConfig::default()
                .limit(settings.json_limit)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .into_utoipa_app()
        .service(utoipa_actix_web::scope("/api").configure(served_routes))
        .split_for_parts();
    app.default_service(web::to(middleware::fallback))
        .wrap(actix_web::middleware::from_fn(middleware::around_request))
}

/// `/api/docs` → `/api/docs/`, where the interactive reference lives.
async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/api/docs/"))
        .finish()
}

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("the body exceeds the limit of {limit} bytes"),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::ValidationError,
            e.to_string(),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            e.to_string(),
        ),
        JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "the body exceeds the limit",
        ),
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            "the body could not be read",
        ),
    };
    api.into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::ValidationError,
        format!("invalid query string: {err}"),
    )
    .into()
}

fn path_error(_: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::field("id", "must be a UUID").into()
}
