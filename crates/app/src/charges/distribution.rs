//! The calculation of a split under a distribution key: exact to the cent, over the estates of
//! a place, read in a constant number of statements.

use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_charges::{
    CalculationType, DistributionKey, DistributionKeyId, KeyParameters, KeyParametersInput,
    calculate,
};
use faireplace_kernel::ValidationErrors;
use faireplace_ports::Repository;
use faireplace_ports::charges::{ConsumptionWindow, DistributionFacts};
use faireplace_property::{EstateId, Place, PlaceId};
use rust_decimal::Decimal;

use crate::heavy::HeavyWork;
use crate::{AppError, Principal};

/// A split asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculationRequest {
    pub place_id: PlaceId,
    pub total_amount: Decimal,
    pub calculation_date: NaiveDate,
    /// Replaces the key's parameters for this calculation.
    pub parameters: Option<KeyParametersInput>,
}

/// One estate's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    pub estate_id: EstateId,
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
    heavy: HeavyWork,
}

impl DistributionService {
    pub fn new(
        keys: Arc<dyn Repository<DistributionKey>>,
        places: Arc<dyn Repository<Place>>,
        facts: Arc<dyn DistributionFacts>,
        heavy: HeavyWork,
    ) -> Self {
        Self {
            keys,
            places,
            facts,
            heavy,
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
        let asked = match &request.parameters {
            Some(p) => {
                let mut errors = ValidationErrors::new();
                let read = KeyParameters::read(p, "parameters", &mut errors);
                errors.into_result()?;
                Some(read)
            }
            None => None,
        };
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
        let parameters = asked.unwrap_or_else(|| key.data.parameters.clone());
        // Measured consumption reads the estates' meters over the key's (or the request's)
        // period, which it needs.
        let window = if key.data.calculation_type == CalculationType::ConsommationMesuree
            && parameters.weights.is_none()
        {
            let mut errors = ValidationErrors::new();
            if parameters.period_start.is_none() {
                errors.push(
                    "parameters.period_start",
                    "is required for a CONSOMMATION_MESUREE key",
                );
            }
            if parameters.period_end.is_none() {
                errors.push(
                    "parameters.period_end",
                    "is required for a CONSOMMATION_MESUREE key",
                );
            }
            errors.into_result()?;
            match (parameters.period_start, parameters.period_end) {
                (Some(from), Some(to)) => Some(ConsumptionWindow {
                    meter_type: parameters.meter_type,
                    from,
                    to,
                }),
                _ => None,
            }
        } else {
            None
        };
        // The estates' facts and the split, in a slot for heavy work (a place may hold
        // thousands of estates).
        let slot = self.heavy.slot().await?;
        let estates = self
            .facts
            .estate_facts(
                tenant,
                request.place_id,
                request.calculation_date,
                window.as_ref(),
            )
            .await
            .map_err(|e| AppError::from_repo("place", e))?;
        let data = key.data;
        let total = request.total_amount;
        let (split, slot) = self
            .heavy
            .run(slot, move || calculate(&data, &parameters, &estates, total))
            .await?;
        drop(slot);
        let split = split.map_err(|e| AppError::validation(&e.field, e.message))?;
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
