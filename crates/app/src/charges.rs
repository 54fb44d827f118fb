//! Charges: the calculation of a split under a distribution key.

use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_charges::distribution::check_parameters;
use faireplace_charges::{DistributionKey, DistributionKeyId, KeyParameters, calculate};
use faireplace_kernel::ValidationErrors;
use faireplace_ports::Repository;
use faireplace_ports::charges::DistributionFacts;
use faireplace_property::{Place, PlaceId};
use rust_decimal::Decimal;

use crate::{AppError, Principal};

/// A split asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculationRequest {
    pub place_id: PlaceId,
    pub total_amount: Decimal,
    pub calculation_date: NaiveDate,
    /// Replaces the key's parameters for this calculation.
    pub parameters: Option<KeyParameters>,
}

/// One estate's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    pub estate_id: uuid::Uuid,
    pub weight: Decimal,
    pub ratio: Decimal,
    pub amount: Decimal,
}

/// A split, summing exactly to its total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calculation {
    pub distribution_key_id: DistributionKeyId,
    pub total_amount: Decimal,
    pub calculation_date: NaiveDate,
    pub distributions: Vec<Distribution>,
    pub total_weight: Decimal,
    pub rounding_adjustment: Decimal,
}

#[derive(Clone)]
pub struct DistributionService {
    keys: Arc<dyn Repository<DistributionKey>>,
    places: Arc<dyn Repository<Place>>,
    facts: Arc<dyn DistributionFacts>,
}

impl DistributionService {
    pub fn new(
        keys: Arc<dyn Repository<DistributionKey>>,
        places: Arc<dyn Repository<Place>>,
        facts: Arc<dyn DistributionFacts>,
    ) -> Self {
        Self {
            keys,
            places,
            facts,
        }
    }

    /// Splits `total_amount` between the estates of the place under the key: three reads
    /// (the key, the place, the estates with their occupants), whatever the number of estates.
    pub async fn calculate(
        &self,
        principal: &Principal,
        id: DistributionKeyId,
        request: CalculationRequest,
    ) -> Result<Calculation, AppError> {
        let tenant = principal.manage()?;
        if let Some(p) = &request.parameters {
            let mut errors = ValidationErrors::new();
            check_parameters(&mut errors, "parameters", p);
            errors.into_result()?;
        }
        let key = self
            .keys
            .get(tenant, id)
            .await
            .map_err(|e| AppError::from_repo("distribution key", e))?
            .ok_or(AppError::NotFound("distribution key"))?;
        self.places
            .get(tenant, request.place_id)
            .await
            .map_err(|e| AppError::from_repo("place", e))?
            .ok_or(AppError::NotFound("place"))?;
        let estates = self
            .facts
            .estate_facts(tenant, request.place_id, request.calculation_date)
            .await
            .map_err(|e| AppError::from_repo("place", e))?;
        let parameters = request.parameters.as_ref().unwrap_or(&key.data.parameters);
        let split = calculate(&key.data, parameters, &estates, request.total_amount)
            .map_err(|e| AppError::validation(&e.field, e.message))?;
        Ok(Calculation {
            distribution_key_id: key.id,
            total_amount: request.total_amount,
            calculation_date: request.calculation_date,
            distributions: split
                .lines
                .into_iter()
                .map(|l| Distribution {
                    estate_id: l.key.1,
                    weight: l.weight,
                    ratio: l.ratio,
                    amount: l.amount,
                })
                .collect(),
            total_weight: split.total_weight,
            rounding_adjustment: split.rounding_adjustment,
        })
    }
}
