//! Credits in PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_billing::{CreditTransaction, TransactionKind};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::RepoError;
use faireplace_ports::credits::CreditLedger;
use uuid::Uuid;

use crate::Db;
use crate::common::{counted_page, scoped, window_rows};
use crate::error::map_error;
use crate::stored::Stored;

/// The credits ledger in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgCredits(pub Db);

#[derive(sqlx::FromRow)]
struct TransactionRow {
    id: Uuid,
    kind: String,
    amount: i64,
    balance_after: i64,
    reference: Option<String>,
    created_at: DateTime<Utc>,
    seq: i64,
}

impl TryFrom<TransactionRow> for CreditTransaction {
    type Error = RepoError;
    fn try_from(r: TransactionRow) -> Result<Self, RepoError> {
        let stored = Stored::row("credit_transactions", r.id);
        Ok(CreditTransaction {
            id: r.id,
            kind: stored.name("kind", &r.kind)?,
            amount: r.amount,
            balance_after: r.balance_after,
            reference: r.reference,
            created_at: r.created_at,
        })
    }
}

#[async_trait]
impl CreditLedger for PgCredits {
    async fn balance(&self, tenant: TenantId) -> Result<i64, RepoError> {
        let mut lent = self.0.reads().acquire().await?;
        let balance: Result<Option<i64>, _> = sqlx::query_scalar(sqlx::AssertSqlSafe(scoped(
            "SELECT balance FROM credit_balances WHERE tenant_id = scope.tenant",
        )))
        .bind(tenant.as_uuid().to_string())
        .fetch_optional(lent.conn())
        .await;
        Ok(lent.finish(balance)?.unwrap_or(0))
    }

    /// One statement moves the balance (refusing to go below zero), then the ledger line, in
    /// one transaction.
    async fn record(
        &self,
        tenant: TenantId,
        kind: TransactionKind,
        amount: i64,
        reference: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Option<CreditTransaction>, RepoError> {
        let mut tx = self.0.tenant_tx(tenant).await?;
        let entry = record_in(&mut tx, tenant, kind, amount, reference, at).await?;
        if entry.is_some() {
            tx.commit().await.map_err(map_error)?;
        }
        Ok(entry)
    }

    async fn transactions(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<CreditTransaction>, RepoError> {
        let sql = "SELECT p.* FROM (SELECT t.*, count(*) OVER () AS total \
                   FROM credit_transactions t WHERE t.tenant_id = scope.tenant \
                   ORDER BY t.seq DESC LIMIT $2 OFFSET $3) p";
        let mut rows = window_rows::<TransactionRow>(&self.0, tenant, sql, page, |q| q).await?;
        rows.sort_by_key(|r| std::cmp::Reverse(r.row.seq));
        counted_page(rows, page, CreditTransaction::try_from)
    }
}

/// Moves the balance and writes the ledger line inside the caller's transaction (a signature
/// spends its credit in the transaction that starts it). `None`: the balance is short.
pub(crate) async fn record_in(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    kind: TransactionKind,
    amount: i64,
    reference: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<CreditTransaction>, RepoError> {
    // Adding: create the balance or add to it. Spending: only from a balance that covers it
    // (the row lock orders concurrent spendings; each sees the one before).
    let sql = if amount >= 0 {
        "INSERT INTO credit_balances AS b (tenant_id, balance, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id) DO UPDATE SET balance = b.balance + $2, updated_at = $3 \
             RETURNING balance"
    } else {
        "UPDATE credit_balances SET balance = balance + $2, updated_at = $3 \
             WHERE tenant_id = $1 AND balance + $2 >= 0 RETURNING balance"
    };
    let balance: Option<i64> = sqlx::query_scalar(sql)
        .bind(tenant.as_uuid())
        .bind(amount)
        .bind(at)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_error)?;
    let Some(balance) = balance else {
        return Ok(None);
    };
    let entry = CreditTransaction {
        id: Uuid::now_v7(),
        kind,
        amount,
        balance_after: balance,
        reference: reference.map(str::to_owned),
        created_at: at,
    };
    sqlx::query(
        "INSERT INTO credit_transactions (tenant_id, id, kind, amount, balance_after, \
             reference, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.as_uuid())
    .bind(entry.id)
    .bind(kind.as_str())
    .bind(amount)
    .bind(balance)
    .bind(reference)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(map_error)?;
    Ok(Some(entry))
}
