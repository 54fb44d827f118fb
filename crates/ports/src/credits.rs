//! Credits: the balance and its ledger.

use async_trait::async_trait;
use faireplace_billing::{CreditTransaction, TransactionKind};
use faireplace_kernel::{Page, PageRequest, TenantId};

use crate::RepoError;

#[async_trait]
pub trait CreditLedger: Send + Sync {
    async fn balance(&self, tenant: TenantId) -> Result<i64, RepoError>;
    /// Moves the balance by `amount` and writes its ledger line, atomically. A movement that
    /// would take the balance below zero changes nothing and answers `None`.
    async fn record(
        &self,
        tenant: TenantId,
        kind: TransactionKind,
        amount: i64,
        reference: Option<&str>,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<CreditTransaction>, RepoError>;
    /// The ledger, latest first.
    async fn transactions(
        &self,
        tenant: TenantId,
        page: PageRequest,
    ) -> Result<Page<CreditTransaction>, RepoError>;
}
