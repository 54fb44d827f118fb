//! Credits: packages, balance, ledger; spending one per signature (never below zero).

use std::sync::Arc;

use faireplace_billing::{CreditPackage, CreditTransaction, TransactionKind};
use faireplace_kernel::{Page, PageRequest, TenantId};
use faireplace_ports::Clock;
use faireplace_ports::credits::CreditLedger;

use crate::{AppError, Principal};

#[derive(Clone)]
pub struct CreditService {
    ledger: Arc<dyn CreditLedger>,
    packages: Arc<Vec<CreditPackage>>,
    clock: Arc<dyn Clock>,
}

fn err(e: faireplace_ports::RepoError) -> AppError {
    AppError::from_repo("credits", e)
}

impl CreditService {
    pub fn new(
        ledger: Arc<dyn CreditLedger>,
        packages: Vec<CreditPackage>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            ledger,
            packages: Arc::new(packages),
            clock,
        }
    }

    pub fn packages(&self, principal: &Principal) -> Result<&[CreditPackage], AppError> {
        principal.manage()?;
        Ok(&self.packages)
    }

    /// The package on sale under `id`, whoever asks (checkout and webhooks price by it).
    pub fn package(&self, id: &str) -> Option<&CreditPackage> {
        self.packages.iter().find(|p| p.id == id)
    }

    pub async fn balance(&self, principal: &Principal) -> Result<i64, AppError> {
        let tenant = principal.manage()?;
        self.ledger.balance(tenant).await.map_err(err)
    }

    pub async fn transactions(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<CreditTransaction>, AppError> {
        let tenant = principal.manage()?;
        self.ledger.transactions(tenant, page).await.map_err(err)
    }

    /// Spends `credits` for `reference` (402 INSUFFICIENT_CREDITS when the balance is short;
    /// nothing is spent then).
    pub async fn consume(
        &self,
        tenant: TenantId,
        credits: u32,
        reference: &str,
    ) -> Result<CreditTransaction, AppError> {
        self.ledger
            .record(
                tenant,
                TransactionKind::Consumption,
                -i64::from(credits),
                Some(reference),
                self.clock.now(),
            )
            .await
            .map_err(err)?
            .ok_or(AppError::InsufficientCredits)
    }

    /// Adds (or, negative, removes) credits: an operator's adjustment or a purchase.
    pub async fn credit(
        &self,
        tenant: TenantId,
        kind: TransactionKind,
        amount: i64,
        reference: Option<&str>,
    ) -> Result<CreditTransaction, AppError> {
        if amount == 0 {
            return Err(AppError::validation("amount", "must not be 0"));
        }
        self.ledger
            .record(tenant, kind, amount, reference, self.clock.now())
            .await
            .map_err(err)?
            .ok_or(AppError::InsufficientCredits)
    }
}
