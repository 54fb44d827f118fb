//! Charges: the calculation of a split under a distribution key, and the yearly review.

use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_charges::distribution::check_parameters;
use faireplace_charges::review::{self, MAX_REVIEW_DAYS};
use faireplace_charges::{
    CalculationType, ChargeReview, ChargeReviewId, DistributionKey, DistributionKeyId,
    KeyParameters, ReviewStatus, calculate,
};
use faireplace_kernel::ValidationErrors;
use faireplace_ports::Repository;
use faireplace_ports::charges::{ConsumptionWindow, DistributionFacts};
use faireplace_property::{Place, PlaceId};
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
        let parameters = request
            .parameters
            .clone()
            .unwrap_or_else(|| key.data.parameters.clone());
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
                    meter_type: parameters.meter_type.clone(),
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

/// The yearly charge review of a place.
#[derive(Clone)]
pub struct ReviewService {
    store: Arc<dyn faireplace_ports::charges::ReviewStore>,
    places: Arc<dyn Repository<Place>>,
    clock: Arc<dyn faireplace_ports::Clock>,
    heavy: HeavyWork,
}

fn review_err(e: faireplace_ports::RepoError) -> AppError {
    AppError::from_repo("charge review", e)
}

impl ReviewService {
    pub fn new(
        store: Arc<dyn faireplace_ports::charges::ReviewStore>,
        places: Arc<dyn Repository<Place>>,
        clock: Arc<dyn faireplace_ports::Clock>,
        heavy: HeavyWork,
    ) -> Self {
        Self {
            store,
            places,
            clock,
            heavy,
        }
    }

    /// Computes a DRAFT review of the place over the period and keeps it.
    pub async fn create(
        &self,
        principal: &Principal,
        place: PlaceId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<ChargeReview, AppError> {
        let tenant = principal.manage()?;
        if end < start {
            return Err(AppError::validation(
                "period_end",
                "must not come before period_start",
            ));
        }
        if (end - start).num_days() + 1 > MAX_REVIEW_DAYS {
            return Err(AppError::validation(
                "period_end",
                format!("a review covers at most {MAX_REVIEW_DAYS} days"),
            ));
        }
        self.places
            .get(tenant, place)
            .await
            .map_err(|e| AppError::from_repo("place", e))?
            .ok_or(AppError::NotFound("place"))?;
        // Reading, computing and keeping the review, in a slot for heavy work (a building of a
        // thousand lots has tens of thousands of charges).
        let slot = self.heavy.slot().await?;
        let inputs = self
            .store
            .inputs(tenant, place, start, end)
            .await
            .map_err(review_err)?;
        // The slot comes back with the result: it is held until the review is kept.
        let (result, _slot) = self
            .heavy
            .run(slot, move || review::review(start, end, &inputs))
            .await?;
        let result = result.map_err(|e| AppError::validation(&e.field, e.message))?;
        let item = ChargeReview {
            id: ChargeReviewId::generate(),
            place_id: place.0,
            period_start: start,
            period_end: end,
            status: ReviewStatus::Draft,
            result,
            created_at: self.clock.now(),
            validated_at: None,
        };
        self.store.insert(tenant, &item).await.map_err(review_err)?;
        Ok(item)
    }

    pub async fn get(
        &self,
        principal: &Principal,
        id: ChargeReviewId,
    ) -> Result<ChargeReview, AppError> {
        let tenant = principal.manage()?;
        self.store
            .get(tenant, id)
            .await
            .map_err(review_err)?
            .ok_or(AppError::NotFound("charge review"))
    }

    pub async fn list(
        &self,
        principal: &Principal,
        place: Option<PlaceId>,
        page: faireplace_kernel::PageRequest,
    ) -> Result<faireplace_kernel::Page<ChargeReview>, AppError> {
        let tenant = principal.manage()?;
        self.store
            .list(tenant, place, page)
            .await
            .map_err(review_err)
    }

    /// Makes the review immutable (409 when it is already).
    pub async fn validate(
        &self,
        principal: &Principal,
        id: ChargeReviewId,
    ) -> Result<ChargeReview, AppError> {
        let tenant = principal.manage()?;
        self.store
            .validate(tenant, id, self.clock.now())
            .await
            .map_err(review_err)?
            .ok_or(AppError::NotFound("charge review"))
    }

    pub async fn delete(&self, principal: &Principal, id: ChargeReviewId) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        if self.store.delete(tenant, id).await.map_err(review_err)? {
            Ok(())
        } else {
            Err(AppError::NotFound("charge review"))
        }
    }
}

/// Notifications about charges.
#[derive(Clone)]
pub struct NotificationService {
    store: Arc<dyn faireplace_ports::charges::NotificationStore>,
}

impl NotificationService {
    pub fn new(store: Arc<dyn faireplace_ports::charges::NotificationStore>) -> Self {
        Self { store }
    }

    pub async fn list(
        &self,
        principal: &Principal,
        kind: Option<faireplace_charges::NotificationKind>,
        read: Option<bool>,
        page: faireplace_kernel::PageRequest,
    ) -> Result<faireplace_kernel::Page<faireplace_ports::charges::Notification>, AppError> {
        let tenant = principal.manage()?;
        self.store
            .list(tenant, kind, read, page)
            .await
            .map_err(|e| AppError::from_repo("notification", e))
    }

    pub async fn mark(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
        read: bool,
    ) -> Result<faireplace_ports::charges::Notification, AppError> {
        let tenant = principal.manage()?;
        self.store
            .mark(tenant, id, read)
            .await
            .map_err(|e| AppError::from_repo("notification", e))?
            .ok_or(AppError::NotFound("notification"))
    }
}
