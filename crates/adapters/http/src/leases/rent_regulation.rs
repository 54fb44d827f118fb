//! `/api/rent-regulation`: countries and the rent index series (reference data, read-only).

use actix_web::get;
use chrono::NaiveDate;
use faireplace_ports::rent::{CountryReference, IndexValue};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::common::PageParams;
use crate::common::{Manager, Paginated, page_request};

/// A country's rent regulation frame.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryResponse {
    #[schema(example = "FR")]
    pub code: String,
    #[schema(example = "France")]
    pub name: String,
    #[schema(example = "EUR")]
    pub currency: String,
    /// The index rents are revised by.
    #[schema(example = "IRL")]
    pub rent_index: String,
}

impl From<CountryReference> for CountryResponse {
    fn from(c: CountryReference) -> Self {
        Self {
            code: c.code,
            name: c.name,
            currency: c.currency,
            rent_index: c.rent_index,
        }
    }
}

/// One published value of a rent index.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexResponse {
    #[schema(example = "IRL")]
    pub index: String,
    #[schema(example = "2025-Q3")]
    pub quarter: String,
    #[schema(value_type = f64, example = 145.77)]
    pub value: Decimal,
    /// INSEE's release date, where known.
    pub published_on: Option<NaiveDate>,
}

impl From<IndexValue> for IndexResponse {
    fn from(v: IndexValue) -> Self {
        Self {
            index: v.index,
            quarter: v.quarter.to_string(),
            value: v.value,
            published_on: v.published_on,
        }
    }
}

/// Which series, and which page of it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexParams {
    /// IRL (the default).
    pub index: Option<String>,
}

crate::endpoint! {
    /// Country references: each country's currency and rent index.
    get "/rent-regulation/countries", tag = "Rent Regulation & Rent Control", id = "list_countries",
    ok = (200, "The countries", Paginated<CountryResponse>),
    errors = [403 Forbidden],
    fn countries(state, caller: Manager) {
        let countries = state.rent_regulation.countries(&caller.0).await?;
        let total = countries.len() as u64;
        let page = faireplace_kernel::Page {
            items: countries,
            request: page_request(&None, &Some("100".to_owned()))?,
            total,
        };
        Ok(Paginated::from_page(page, CountryResponse::from).respond())
    }
}

crate::endpoint! {
    /// A rent index series (`?index=IRL`), oldest quarter first. New quarters are added by the
    /// operator (`faireplace index add IRL 2026-Q3 VALUE`).
    get "/rent-regulation/indices", tag = "Rent Regulation & Rent Control", id = "list_rent_indices",
    ok = (200, "A page of the series", Paginated<IndexResponse>),
    errors = [403 Forbidden],
    query params: IndexParams, page: PageParams;
    fn indices(state, caller: Manager) {
        let page = page.request()?;
        let index = params
            .index
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .unwrap_or("IRL");
        let series = state
            .rent_regulation
            .indices(&caller.0, index, page)
            .await?;
        Ok(Paginated::from_page(series, IndexResponse::from).respond())
    }
}

pub fn routes(cfg: &mut crate::routes::Routes<'_, '_>) {
    cfg.service(countries).service(indices);
}
