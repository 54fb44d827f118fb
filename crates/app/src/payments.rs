//! Buying credits: a checkout session at the payment provider for one of our packages, then the
//! provider's signed webhooks that say what became of the payment.
//!
//! Nothing the provider echoes back is trusted for the amount of credits: a paid checkout is
//! credited with the credits of OUR package named in its metadata, and only when the amount
//! paid is that package's price. A paid checkout that does not match is logged as REJECTED
//! (with a warning in the logs) and acknowledged all the same: answering an error would only
//! make the provider resend the same event for days, and it would never match better. An
//! operator settles it (a refund, or `faireplace credits grant`).

use faireplace_kernel::ErrorCode;
use std::sync::Arc;

use faireplace_billing::{CreditPackage, Payment, PaymentKind, PaymentStatus};
use faireplace_kernel::{Page, PageRequest, TenantId, ValidationErrors};
use faireplace_ports::payments::{
    CheckoutRequest, CheckoutSession, EventOutcome, EventRecord, PaymentError, PaymentEvent,
    PaymentGateway, PaymentStore, Recorded, WebhookError,
};
use faireplace_ports::{Clock, RepoError};
use uuid::Uuid;

use crate::credits::CreditService;
use crate::{AppError, Principal};

/// The provider of every payment logged here.
pub const PROVIDER: &str = "STRIPE";

/// Longest redirect URL accepted.
const MAX_URL_LENGTH: usize = 2048;

/// What a checkout asks for, as the client sent it.
#[derive(Debug, Clone, Default)]
pub struct CheckoutInput {
    pub package_id: Option<String>,
    pub success_url: Option<String>,
    pub cancel_url: Option<String>,
}

/// What a webhook call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookReceipt {
    /// The event had been processed before: nothing changed.
    pub duplicate: bool,
    /// What processing it did (`None` for a duplicate).
    pub outcome: Option<EventOutcome>,
}

/// Checkout, webhooks and the log of payments.
#[derive(Clone)]
pub struct PaymentService {
    /// `None` when no provider is configured: checkout and webhooks answer 503.
    gateway: Option<Arc<dyn PaymentGateway>>,
    store: Arc<dyn PaymentStore>,
    credits: CreditService,
    clock: Arc<dyn Clock>,
}

fn err(e: RepoError) -> AppError {
    AppError::from_repo("payment", e)
}

fn not_configured() -> AppError {
    AppError::ServiceUnavailable {
        code: ErrorCode::PaymentsUnavailable,
        message: "payments are not available: Stripe is not configured on this server".into(),
        retry_after: None,
    }
}

/// An absolute http(s) URL with a host, without white space or control characters.
fn check_url(errors: &mut ValidationErrors, field: &str, value: Option<&str>) -> Option<String> {
    let Some(url) = value.map(str::trim).filter(|u| !u.is_empty()) else {
        errors.push(field, "is required");
        return None;
    };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let has_host = rest.is_some_and(|r| !r.is_empty() && !r.starts_with(['/', '?', '#']));
    if !has_host {
        errors.push(field, "must be an absolute http or https URL");
        return None;
    }
    if url.len() > MAX_URL_LENGTH || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.push(
            field,
            format!("must be at most {MAX_URL_LENGTH} characters, without spaces"),
        );
        return None;
    }
    Some(url.to_owned())
}

impl PaymentService {
    pub fn new(
        gateway: Option<Arc<dyn PaymentGateway>>,
        store: Arc<dyn PaymentStore>,
        credits: CreditService,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            gateway,
            store,
            credits,
            clock,
        }
    }

    /// Creates a checkout session for one package (OWNER only). `idempotency_key` is the
    /// client's; it is forwarded to the provider prefixed with the tenant, so that a retry
    /// creates no second session and two tenants' keys never meet.
    pub async fn checkout(
        &self,
        principal: &Principal,
        input: &CheckoutInput,
        idempotency_key: Option<&str>,
    ) -> Result<CheckoutSession, AppError> {
        let tenant = principal.own()?;
        let gateway = self.gateway.as_ref().ok_or_else(not_configured)?;
        let mut errors = ValidationErrors::new();
        let package = match input.package_id.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push("package_id", "is required");
                None
            }
            Some(id) => {
                let package = self.credits.package(id);
                if package.is_none() {
                    errors.push(
                        "package_id",
                        "is not a package on sale (GET /api/credits/packages)",
                    );
                }
                package
            }
        };
        let success_url = check_url(&mut errors, "success_url", input.success_url.as_deref());
        let cancel_url = check_url(&mut errors, "cancel_url", input.cancel_url.as_deref());
        errors.into_result()?;
        let (Some(package), Some(success_url), Some(cancel_url)) =
            (package, success_url, cancel_url)
        else {
            return Err(AppError::validation("package_id", "is invalid"));
        };
        let request = CheckoutRequest {
            tenant_id: tenant,
            package_id: package.id.clone(),
            package_name: format!("FairePlace: {} signature credits", package.credits),
            credits: i64::from(package.credits),
            amount_cents: i64::from(package.price_cents),
            currency: package.currency.to_ascii_lowercase(),
            success_url,
            cancel_url,
            idempotency_key: idempotency_key.map(|k| format!("{tenant}:{k}")),
        };
        gateway
            .create_checkout(&request)
            .await
            .map_err(|e| match e {
                PaymentError::Rejected(why) => {
                    // The provider's words stay in the log: they may describe our account.
                    tracing::warn!(error = %why, "Stripe refused a checkout session");
                    AppError::Conflict {
                        code: ErrorCode::PaymentRejected,
                        message: "the payment provider refused to create the checkout session"
                            .into(),
                    }
                }
                PaymentError::Unavailable(why) => {
                    tracing::warn!(error = %why, "Stripe unavailable for a checkout session");
                    AppError::ServiceUnavailable {
                        code: ErrorCode::PaymentProviderUnavailable,
                        message: "the payment provider does not answer; retry shortly".into(),
                        retry_after: Some(5),
                    }
                }
            })
    }

    /// Verifies a webhook call (`signature` is the `Stripe-Signature` header) and processes
    /// its event once: a replayed event id changes nothing and answers `duplicate`.
    pub async fn handle_webhook(
        &self,
        payload: &[u8],
        signature: Option<&str>,
    ) -> Result<WebhookReceipt, AppError> {
        let gateway = self.gateway.as_ref().ok_or_else(not_configured)?;
        let signature = signature
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AppError::BadRequest {
                code: ErrorCode::InvalidSignature,
                message: "the Stripe-Signature header is required".into(),
            })?;
        let event = gateway
            .verify_webhook(payload, signature)
            .map_err(|e| match e {
                WebhookError::BadSignature => AppError::BadRequest {
                    code: ErrorCode::InvalidSignature,
                    message: "the Stripe-Signature header does not sign this body with the \
                              endpoint's secret, or is more than 5 minutes old"
                        .into(),
                },
                WebhookError::Malformed(why) => {
                    // Signed by Stripe yet unreadable: worth an alert, as Stripe will retry.
                    tracing::error!(error = %why, "a signed Stripe event could not be read");
                    AppError::BadRequest {
                        code: ErrorCode::MalformedJson,
                        message: "the event could not be read".into(),
                    }
                }
            })?;
        let record = self.decide(event);
        if let Some(tenant) = record.tenant {
            // The request's span names the tenant, as it does for keyed requests.
            tracing::Span::current().record("tenant_id", tracing::field::display(tenant));
        }
        tracing::info!(
            event_id = %record.event_id,
            event_type = %record.event_type,
            tenant_id = ?record.tenant.map(|t| t.to_string()),
            outcome = %record.outcome,
            "Stripe event received"
        );
        match self.store.record_event(&record).await.map_err(err)? {
            Recorded::AlreadyProcessed => Ok(WebhookReceipt {
                duplicate: true,
                outcome: None,
            }),
            Recorded::Processed { outcome, .. } => {
                if outcome != record.outcome {
                    tracing::warn!(
                        event_id = %record.event_id,
                        outcome = %outcome,
                        "Stripe event not acted on"
                    );
                }
                Ok(WebhookReceipt {
                    duplicate: false,
                    outcome: Some(outcome),
                })
            }
        }
    }

    /// The tenant's logged payments, newest first (OWNER and MANAGER).
    pub async fn payments(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<Payment>, AppError> {
        let tenant = principal.manage()?;
        self.store.payments(tenant, page).await.map_err(err)
    }

    /// What an event calls for.
    fn decide(&self, event: PaymentEvent) -> EventRecord {
        let at = self.clock.now();
        let payment = |kind, status, event_id: &str| Payment {
            id: Uuid::now_v7(),
            provider: PROVIDER.to_owned(),
            kind,
            status,
            event_id: event_id.to_owned(),
            session_id: None,
            payment_intent_id: None,
            package_id: None,
            credits: None,
            amount_cents: None,
            currency: None,
            failure_message: None,
            created_at: at,
        };
        match event {
            PaymentEvent::CheckoutCompleted {
                event_id,
                session_id,
                tenant_id,
                package_id,
                credits,
                amount_total,
                currency,
                payment_intent,
                paid,
                created: _,
            } => {
                // The adapter reads both checkout.session.completed and
                // checkout.session.async_payment_succeeded as this one variant.
                let event_type = "checkout.session".to_owned();
                let Some(tenant) = tenant_id.map(TenantId::from_uuid) else {
                    tracing::warn!(%event_id, %session_id, "a Stripe checkout names no tenant");
                    return EventRecord {
                        event_id,
                        event_type,
                        tenant: None,
                        payment: None,
                        outcome: EventOutcome::NoTenant,
                        at,
                    };
                };
                let package = package_id
                    .as_deref()
                    .and_then(|id| self.credits.package(id));
                let (status, outcome, granted, failure) = if !paid {
                    (PaymentStatus::Pending, EventOutcome::Pending, None, None)
                } else {
                    match check_paid(package, amount_total, currency.as_deref()) {
                        Ok(package) => {
                            if credits.is_some_and(|c| c != i64::from(package.credits)) {
                                tracing::warn!(
                                    %event_id, %session_id, package_id = %package.id,
                                    "Stripe metadata credits differ from the package's; the package's are granted"
                                );
                            }
                            (
                                PaymentStatus::Credited,
                                EventOutcome::Credited,
                                Some(i64::from(package.credits)),
                                None,
                            )
                        }
                        Err(why) => {
                            tracing::warn!(
                                %event_id, %session_id, %tenant, package_id = ?package_id,
                                amount_total = ?amount_total, currency = ?currency,
                                "paid Stripe checkout not credited: {why}"
                            );
                            (
                                PaymentStatus::Rejected,
                                EventOutcome::Rejected,
                                None,
                                Some(format!("paid but not credited: {why}; contact support")),
                            )
                        }
                    }
                };
                let mut p = payment(PaymentKind::CheckoutCompleted, status, &event_id);
                p.session_id = Some(session_id);
                p.payment_intent_id = payment_intent;
                p.package_id = package_id;
                p.credits = granted;
                p.amount_cents = amount_total;
                p.currency = currency.map(|c| c.to_ascii_uppercase());
                p.failure_message = failure;
                EventRecord {
                    event_id,
                    event_type,
                    tenant: Some(tenant),
                    payment: Some(p),
                    outcome,
                    at,
                }
            }
            PaymentEvent::PaymentIntent {
                event_id,
                succeeded,
                payment_intent_id,
                amount,
                currency,
                tenant_id,
                failure_message,
                created: _,
            } => {
                let (event_type, kind, status) = if succeeded {
                    (
                        "payment_intent.succeeded",
                        PaymentKind::PaymentSucceeded,
                        PaymentStatus::Succeeded,
                    )
                } else {
                    (
                        "payment_intent.payment_failed",
                        PaymentKind::PaymentFailed,
                        PaymentStatus::Failed,
                    )
                };
                let tenant = tenant_id.map(TenantId::from_uuid);
                let payment = tenant.map(|_| {
                    let mut p = payment(kind, status, &event_id);
                    p.payment_intent_id = Some(payment_intent_id);
                    p.amount_cents = Some(amount);
                    p.currency = Some(currency.to_ascii_uppercase());
                    p.failure_message = failure_message;
                    p
                });
                EventRecord {
                    event_id,
                    event_type: event_type.to_owned(),
                    tenant,
                    outcome: if payment.is_some() {
                        EventOutcome::Logged
                    } else {
                        EventOutcome::NoTenant
                    },
                    payment,
                    at,
                }
            }
            PaymentEvent::Other {
                event_id,
                event_type,
            } => EventRecord {
                event_id,
                event_type,
                tenant: None,
                payment: None,
                outcome: EventOutcome::Ignored,
                at,
            },
        }
    }
}

/// The package a paid checkout bought, when what was paid is its price.
fn check_paid<'a>(
    package: Option<&'a CreditPackage>,
    amount_total: Option<i64>,
    currency: Option<&str>,
) -> Result<&'a CreditPackage, String> {
    let package = package.ok_or_else(|| "it names no package on sale".to_owned())?;
    match (amount_total, currency) {
        (Some(amount), Some(currency)) if package.is_paid_by(amount, currency) => Ok(package),
        (amount, currency) => Err(format!(
            "{} {} paid, package {} costs {} {}",
            amount.map_or_else(|| "no amount".to_owned(), |a| a.to_string()),
            currency.unwrap_or("?").to_ascii_uppercase(),
            package.id,
            package.price_cents,
            package.currency
        )),
    }
}
