//! Rent regulation reference data: platform data, the same for every tenant.

use async_trait::async_trait;
use chrono::NaiveDate;
use faireplace_kernel::{Page, PageRequest};
use faireplace_leases::Quarter;
use rust_decimal::Decimal;

use crate::RepoError;

/// A country's rent regulation frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryReference {
    pub code: String,
    pub name: String,
    pub currency: String,
    /// The index rents are revised by (IRL for France).
    pub rent_index: String,
}

/// One published value of a rent index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexValue {
    pub index: String,
    pub quarter: Quarter,
    pub value: Decimal,
    pub published_on: Option<NaiveDate>,
}

#[async_trait]
pub trait RentIndexStore: Send + Sync {
    async fn countries(&self) -> Result<Vec<CountryReference>, RepoError>;
    /// The series of `index`, oldest quarter first.
    async fn indices(&self, index: &str, page: PageRequest) -> Result<Page<IndexValue>, RepoError>;
    async fn index_value(
        &self,
        index: &str,
        quarter: Quarter,
    ) -> Result<Option<IndexValue>, RepoError>;
    /// Adds a quarter (a quarter already there is `Duplicate`).
    async fn add_index(&self, value: &IndexValue) -> Result<(), RepoError>;
}
