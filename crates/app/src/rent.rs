//! Rent regulation reference data: read by management keys, added to by the operator.

use faireplace_kernel::ErrorCode;
use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_kernel::{Page, PageRequest, ValidationErrors};
use faireplace_leases::Quarter;
use faireplace_ports::rent::{CountryReference, IndexValue, RentIndexStore};
use rust_decimal::Decimal;

use crate::{AppError, Principal};

#[derive(Clone)]
pub struct RentRegulationService {
    store: Arc<dyn RentIndexStore>,
}

fn known_index(index: &str) -> Result<&str, AppError> {
    // The indices the server knows how to apply; a new one comes with its rules.
    match index {
        "IRL" => Ok("IRL"),
        _ => Err(AppError::validation("index", "unknown index; use IRL")),
    }
}

impl RentRegulationService {
    pub fn new(store: Arc<dyn RentIndexStore>) -> Self {
        Self { store }
    }

    pub async fn countries(
        &self,
        principal: &Principal,
    ) -> Result<Vec<CountryReference>, AppError> {
        principal.manage()?;
        self.store
            .countries()
            .await
            .map_err(|e| AppError::from_repo("country", e))
    }

    pub async fn indices(
        &self,
        principal: &Principal,
        index: &str,
        page: PageRequest,
    ) -> Result<Page<IndexValue>, AppError> {
        principal.manage()?;
        let index = known_index(index)?;
        self.store
            .indices(index, page)
            .await
            .map_err(|e| AppError::from_repo("index", e))
    }

    /// Adds a published quarter (operator command line): the value is positive with at most two
    /// decimals; a quarter already there is a conflict.
    pub async fn add_index(
        &self,
        index: &str,
        quarter: &str,
        value: &str,
        published_on: Option<NaiveDate>,
    ) -> Result<IndexValue, AppError> {
        let mut errors = ValidationErrors::new();
        let index = errors.take(
            "index",
            known_index(index).map_err(|_| "unknown index; use IRL"),
        );
        let quarter = errors.take("quarter", quarter.parse::<Quarter>());
        let value = errors.take(
            "value",
            value
                .trim()
                .parse::<Decimal>()
                .map_err(|_| "must be a number such as 145.77".to_owned())
                .and_then(|v| {
                    faireplace_kernel::numbers::bounded_decimal(
                        v,
                        2,
                        Decimal::new(1, 2),
                        Decimal::from(100_000),
                    )
                    .map_err(|e| e.0)
                }),
        );
        errors.into_result()?;
        let (Some(index), Some(quarter), Some(value)) = (index, quarter, value) else {
            return Err(AppError::validation("value", "is required"));
        };
        let entry = IndexValue {
            index: index.to_owned(),
            quarter,
            value,
            published_on,
        };
        self.store.add_index(&entry).await.map_err(|e| match e {
            faireplace_ports::RepoError::Duplicate { .. } => AppError::Conflict {
                code: ErrorCode::Conflict,
                message: format!("{index} {quarter} is already recorded"),
            },
            other => AppError::from_repo("index", other),
        })?;
        Ok(entry)
    }
}
