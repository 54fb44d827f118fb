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
    /// The latest quarter of `index` published on or before `on` (when no publication date is
    /// recorded, the 15th of the month after the quarter is assumed).
    async fn latest_published(
        &self,
        index: &str,
        on: NaiveDate,
    ) -> Result<Option<IndexValue>, RepoError>;
    /// Adds a quarter (a quarter already there is `Duplicate`).
    async fn add_index(&self, value: &IndexValue) -> Result<(), RepoError>;
}

/// A rent control zone (a published sector of a listed city).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentControlZone {
    pub id: uuid::Uuid,
    pub city: String,
    pub code: String,
    pub name: String,
}

/// One cell of reference rents, in its zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRentCell {
    pub zone_id: uuid::Uuid,
    pub rents: ReferenceRents,
}

/// The reference rents of a kind of estate (€/m², excluding charges), and when they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRents {
    /// 1 to 4, 4 meaning four or more.
    pub rooms: i16,
    pub construction_period: faireplace_property::ConstructionPeriod,
    pub furnished: bool,
    pub reference_m2: Decimal,
    pub increased_m2: Decimal,
    pub reduced_m2: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// A row to load: the zone by city and code (created when new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRentLoad {
    pub city: String,
    pub zone_code: String,
    pub rents: ReferenceRents,
}

#[async_trait]
pub trait RentControlStore: Send + Sync {
    async fn zones(&self, page: PageRequest) -> Result<Page<RentControlZone>, RepoError>;
    async fn reference_rents(
        &self,
        zone: Option<uuid::Uuid>,
        page: PageRequest,
    ) -> Result<Page<ReferenceRentCell>, RepoError>;
    /// The cell in force on `on` for an estate's characteristics.
    async fn reference_for(
        &self,
        zone: uuid::Uuid,
        rooms: i16,
        period: faireplace_property::ConstructionPeriod,
        furnished: bool,
        on: NaiveDate,
    ) -> Result<Option<ReferenceRentCell>, RepoError>;
    /// Loads rows in one transaction (zones created when new, cells replaced when they exist);
    /// answers (zones created, cells written).
    async fn load(&self, rows: &[ReferenceRentLoad]) -> Result<(u64, u64), RepoError>;
}
