//! Stripe events, the payments they report, and the answers kept for idempotency keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_billing::{Payment, PaymentStatus, TransactionKind};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::payments::{EventOutcome, EventRecord, PaymentStore, Recorded};
use faireplace_ports::{IdempotencyStore, RepoError, StoredAnswer};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::Db;
use crate::common::{Write, counted_page, scoped, window_rows};
use crate::credits::record_in;
use crate::error::map_error;
use crate::stored::Stored;

/// Stripe events and payments in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgPayments(pub Db);

#[derive(sqlx::FromRow)]
struct PaymentRow {
    id: Uuid,
    provider: String,
    kind: String,
    status: String,
    event_id: String,
    session_id: Option<String>,
    payment_intent_id: Option<String>,
    package_id: Option<String>,
    credits: Option<i64>,
    amount_cents: Option<i64>,
    currency: Option<String>,
    failure_message: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<PaymentRow> for Payment {
    type Error = RepoError;
    fn try_from(r: PaymentRow) -> Result<Self, RepoError> {
        let stored = Stored::row("payments", r.id);
        Ok(Payment {
            id: r.id,
            provider: r.provider,
            kind: stored.name("kind", &r.kind)?,
            status: stored.name("status", &r.status)?,
            event_id: r.event_id,
            session_id: r.session_id,
            payment_intent_id: r.payment_intent_id,
            package_id: r.package_id,
            credits: r.credits,
            amount_cents: r.amount_cents,
            currency: r.currency,
            failure_message: r.failure_message,
            created_at: r.created_at,
        })
    }
}

/// Inserts a payment row; a credited checkout whose session was credited already is not
/// inserted (the partial unique index), and answers `false`.
async fn insert_payment(
    conn: &mut PgConnection,
    tenant: TenantId,
    p: &Payment,
) -> Result<bool, RepoError> {
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO payments (tenant_id, id, provider, kind, event_id, session_id, \
         payment_intent_id, package_id, credits, amount_cents, currency, status, \
         failure_message, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(tenant.as_uuid())
    .bind(p.id)
    .bind(&p.provider)
    .bind(p.kind.as_str())
    .bind(&p.event_id)
    .bind(&p.session_id)
    .bind(&p.payment_intent_id)
    .bind(&p.package_id)
    .bind(p.credits)
    .bind(p.amount_cents)
    .bind(&p.currency)
    .bind(p.status.as_str())
    .bind(&p.failure_message)
    .bind(p.created_at)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(inserted.is_some())
}

#[async_trait]
impl PaymentStore for PgPayments {
    /// One transaction, scoped to the event's tenant when it names one (`stripe_events` has no
    /// row-level security, so it is writable there too): the event row first, whose primary
    /// key makes a replay (even a concurrent one, which waits for the first to commit) a no-op;
    /// then the payment row, whose partial unique index lets one credited checkout per
    /// session through; then the ledger line.
    #[tracing::instrument(skip_all, fields(event_id = %event.event_id), err)]
    async fn record_event(&self, event: &EventRecord) -> Result<Recorded, RepoError> {
        let mut tx = match event.tenant {
            Some(tenant) => self.0.tenant_tx(tenant).await?,
            None => self.0.platform_tx().await?,
        };
        // Row-level security shows a tenant's row to that tenant's transaction only: found
        // here, it exists. The ids in metadata are signed by Stripe but were written by us at
        // checkout; a tenant deleted since, or a session made by hand, must not break the FK.
        let tenant = match event.tenant {
            Some(tenant) => {
                let exists: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1)")
                        .bind(tenant.as_uuid())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_error)?;
                exists.then_some(tenant)
            }
            None => None,
        };
        let mut outcome = match (event.tenant, tenant) {
            (Some(_), None) => EventOutcome::UnknownTenant,
            _ => event.outcome,
        };
        let new: Option<String> = sqlx::query_scalar(
            "INSERT INTO stripe_events (event_id, event_type, for_tenant_id, outcome, \
             processed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        )
        .bind(&event.event_id)
        .bind(&event.event_type)
        .bind(tenant.map(|t| t.as_uuid()))
        .bind(outcome.as_str())
        .bind(event.at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?;
        if new.is_none() {
            return Ok(Recorded::AlreadyProcessed);
        }
        let mut credited = None;
        if let (Some(tenant), Some(payment)) = (tenant, &event.payment) {
            let inserted = insert_payment(&mut tx, tenant, payment).await?;
            match (payment.status, payment.credits, inserted) {
                (PaymentStatus::Credited, Some(credits), true) => {
                    let reference = format!(
                        "stripe:{}",
                        payment.session_id.as_deref().unwrap_or_default()
                    );
                    credited = record_in(
                        &mut tx,
                        tenant,
                        TransactionKind::Purchase,
                        credits,
                        Some(&reference),
                        event.at,
                    )
                    .await?;
                }
                (PaymentStatus::Credited, _, false) => {
                    outcome = EventOutcome::AlreadyCredited;
                    sqlx::query("UPDATE stripe_events SET outcome = $2 WHERE event_id = $1")
                        .bind(&event.event_id)
                        .bind(outcome.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_error)?;
                }
                _ => {}
            }
        }
        tx.commit().await.map_err(map_error)?;
        Ok(Recorded::Processed { outcome, credited })
    }

    async fn payments(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<Payment>, RepoError> {
        let sql = "SELECT q.* FROM (SELECT p.*, count(*) OVER () AS total FROM payments p \
                   WHERE p.tenant_id = scope.tenant ORDER BY p.created_at DESC, p.id DESC \
                   LIMIT $2 OFFSET $3) q";
        let mut rows = window_rows::<PaymentRow>(&self.0, tenant, sql, page, |q| q).await?;
        // The lateral join keeps no order of its own.
        rows.sort_by_key(|r| std::cmp::Reverse((r.row.created_at, r.row.id)));
        counted_page(rows, page, Payment::try_from)
    }
}

#[derive(sqlx::FromRow)]
struct AnswerRow {
    request_hash: String,
    response_status: i32,
    response_body: serde_json::Value,
    created_at: DateTime<Utc>,
}

#[async_trait]
impl IdempotencyStore for PgPayments {
    async fn recall(
        &self,
        tenant: TenantId,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<StoredAnswer>, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let row: Result<Option<AnswerRow>, _> = sqlx::query_as(sqlx::AssertSqlSafe(scoped(
            "SELECT request_hash, response_status, response_body, created_at \
             FROM idempotency_keys WHERE tenant_id = scope.tenant AND key = $2 \
             AND created_at >= $3",
        )))
        .bind(tenant.as_uuid().to_string())
        .bind(key)
        .bind(since)
        .fetch_optional(lent.conn())
        .await;
        lent.finish(row)?
            .map(|r| {
                Ok(StoredAnswer {
                    status: Stored::row("idempotency_keys", key)
                        .number("response_status", r.response_status)?,
                    request_hash: r.request_hash,
                    body: r.response_body,
                    created_at: r.created_at,
                })
            })
            .transpose()
    }

    async fn remember(
        &self,
        tenant: TenantId,
        key: &str,
        answer: &StoredAnswer,
        since: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        // A live row is never overwritten: the first answer is the one replayed.
        let query = sqlx::query(
            "INSERT INTO idempotency_keys AS k (tenant_id, key, request_hash, response_status, \
             response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, \
             response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, \
             created_at = EXCLUDED.created_at WHERE k.created_at < $7",
        )
        .bind(tenant.as_uuid())
        .bind(key)
        .bind(&answer.request_hash)
        .bind(i32::from(answer.status))
        .bind(&answer.body)
        .bind(answer.created_at)
        .bind(since);
        Write::new(&self.0, tenant, &faireplace_ports::audit::Journal::NONE)
            .one(query)
            .await
    }
}
