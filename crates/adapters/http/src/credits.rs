//! `/api/credits`: packages on sale, the balance and its ledger.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use faireplace_billing::{CreditTransaction, TransactionKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::AppState;
use crate::common::{Manager, Paginated, page_request};
use crate::problem::ApiError;
use crate::responses::Forbidden;

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

/// The packages of credits on sale (one credit pays one electronic signature).
#[utoipa::path(
    tag = "Credits", operation_id = "list_credit_packages",
    responses(
        (status = 200, description = "The packages", body = PackageList),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/credits/packages")]
pub async fn packages(
    state: web::Data<AppState>,
    caller: Manager,
) -> Result<HttpResponse, ApiError> {
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

/// The tenant's balance.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceResponse {
    pub balance: i64,
}

/// The tenant's credits balance (never negative).
#[utoipa::path(
    tag = "Credits", operation_id = "get_credit_balance",
    responses(
        (status = 200, description = "The balance", body = BalanceResponse),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/credits/balance")]
pub async fn balance(
    state: web::Data<AppState>,
    caller: Manager,
) -> Result<HttpResponse, ApiError> {
    let balance = state.credits.balance(&caller.0).await?;
    Ok(HttpResponse::Ok().json(BalanceResponse { balance }))
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

/// Paging of the ledger.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// The ledger of the tenant's credits, latest first: it always sums to the balance.
#[utoipa::path(
    tag = "Credits", operation_id = "list_credit_transactions",
    params(LedgerParams),
    responses(
        (status = 200, description = "A page", body = Paginated<TransactionResponse>),
        (status = 403, response = Forbidden),
    ),
    security(("bearer" = []))
)]
#[get("/credits/transactions")]
pub async fn transactions(
    state: web::Data<AppState>,
    caller: Manager,
    params: web::Query<LedgerParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_request(&params.page, &params.limit)?;
    let page = state.credits.transactions(&caller.0, page).await?;
    Ok(Paginated::from_page(page, transaction).respond())
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(packages).service(balance).service(transactions);
}
