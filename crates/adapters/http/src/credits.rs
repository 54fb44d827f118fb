//! `/api/credits`: packages on sale, the balance and its ledger.

use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use faireplace_billing::{CreditTransaction, TransactionKind};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::common::PageParams;
use crate::common::{Manager, Paginated};

/// A package of credits on sale (from the server's configuration).
#[derive(Debug, Serialize, ToSchema)]
pub struct PackageResponse {
    #[schema(example = "starter")]
    pub id: String,
    pub credits: u32,
    /// In cents of `currency`.
    pub price_cents: u32,
    #[schema(example = "EUR")]
    pub currency: String,
}

/// The packages.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackageList {
    pub data: Vec<PackageResponse>,
}

crate::endpoint! {
    /// The packages of credits on sale (one credit pays one electronic signature).
    get "/credits/packages", tag = "Credits", id = "list_credit_packages",
    ok = (200, "The packages", PackageList),
    errors = [403 Forbidden],
    fn packages(state, caller: Manager) {
        let packages = state.credits.packages(&caller.0)?;
        Ok(HttpResponse::Ok().json(PackageList {
            data: packages
                .iter()
                .map(|p| PackageResponse {
                    id: p.id.clone(),
                    credits: p.credits,
                    price_cents: p.price_cents,
                    currency: p.currency.clone(),
                })
                .collect(),
        }))
    }
}

/// The tenant's balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceResponse {
    pub balance: i64,
}

crate::endpoint! {
    /// The tenant's credits balance (never negative).
    get "/credits/balance", tag = "Credits", id = "get_credit_balance",
    ok = (200, "The balance", BalanceResponse),
    errors = [403 Forbidden],
    fn balance(state, caller: Manager) {
        let balance = state.credits.balance(&caller.0).await?;
        Ok(HttpResponse::Ok().json(BalanceResponse { balance }))
    }
}

/// One movement of the balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionResponse {
    pub id: Uuid,
    pub kind: TransactionKind,
    /// Positive adds credits, negative spends them.
    pub amount: i64,
    pub balance_after: i64,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn transaction(t: CreditTransaction) -> TransactionResponse {
    TransactionResponse {
        id: t.id,
        kind: t.kind,
        amount: t.amount,
        balance_after: t.balance_after,
        reference: t.reference,
        created_at: t.created_at,
    }
}

crate::endpoint! {
    /// The ledger of the tenant's credits, latest first: it always sums to the balance.
    get "/credits/transactions", tag = "Credits", id = "list_credit_transactions",
    ok = (200, "A page", Paginated<TransactionResponse>),
    errors = [403 Forbidden],
    query params: PageParams;
    fn transactions(state, caller: Manager) {
        let page = params.request()?;
        let page = state.credits.transactions(&caller.0, page).await?;
        Ok(Paginated::from_page(page, transaction).respond())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(packages).service(balance).service(transactions);
}
