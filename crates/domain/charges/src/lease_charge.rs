//! Lease charges: what a lease pays for a service (a monthly provision reviewed yearly, a flat
//! rate never reviewed, or a direct meter reading).

use chrono::{DateTime, Utc};
use faireplace_kernel::ids::{
    ChargeCategoryId, DistributionKeyId, LeaseId, MeterId, PlaceServiceId,
};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};
use rust_decimal::Decimal;

use crate::distribution::CalculationType;

pub use faireplace_kernel::ids::LeaseChargeId;

text_enum!(
    /// How a charge is billed.
    pub BillingMode {
        /// A monthly advance, reconciled by the yearly review.
        Provision => "PROVISION",
        /// A flat rate, never reviewed.
        Forfait => "FORFAIT",
        /// Billed from the readings of the lease's meter.
        ReleveDirect => "RELEVE_DIRECT",
    }
);

/// Whether a billing mode and a distribution technique agree: measured consumption needs
/// RELEVE_DIRECT or PROVISION, never FORFAIT.
pub fn compatible(mode: BillingMode, technique: CalculationType) -> bool {
    !(mode == BillingMode::Forfait && technique == CalculationType::ConsommationMesuree)
}

#[derive(Debug, Clone, Default)]
pub struct LeaseChargeInput {
    pub service_id: Option<PlaceServiceId>,
    pub category_id: Option<ChargeCategoryId>,
    pub billing_mode: Option<String>,
    pub distribution_key_id: Option<DistributionKeyId>,
    pub monthly_amount: Option<Decimal>,
    pub meter_id: Option<MeterId>,
    pub active: Option<bool>,
}

/// A valid charge, without identity. The category and the key default to the service's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseChargeData {
    pub service_id: Option<PlaceServiceId>,
    pub category_id: Option<ChargeCategoryId>,
    pub billing_mode: BillingMode,
    pub distribution_key_id: Option<DistributionKeyId>,
    pub monthly_amount: Decimal,
    /// For RELEVE_DIRECT only.
    pub meter_id: Option<MeterId>,
    pub active: bool,
}

impl LeaseChargeData {
    pub fn parse(input: &LeaseChargeInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let billing_mode = match input.billing_mode.as_deref() {
            None => {
                errors.push("billing_mode", "is required");
                None
            }
            Some(m) => errors.take("billing_mode", BillingMode::parse(m)),
        };
        if input.service_id.is_none() && input.category_id.is_none() {
            errors.push("category_id", "is required when no service_id is given");
        }
        let monthly_amount = match input.monthly_amount {
            None => Some(Decimal::ZERO),
            Some(a) => errors.take(
                "monthly_amount",
                bounded_decimal(a, 2, Decimal::ZERO, Decimal::from(100_000)),
            ),
        };
        match (billing_mode, input.meter_id) {
            (Some(BillingMode::ReleveDirect), None) => {
                errors.push("meter_id", "is required when billing_mode is RELEVE_DIRECT");
            }
            (Some(m), Some(_)) if m != BillingMode::ReleveDirect => {
                errors.push("meter_id", "is only for billing_mode RELEVE_DIRECT");
            }
            _ => {}
        }
        errors.into_result()?;
        let (Some(billing_mode), Some(monthly_amount)) = (billing_mode, monthly_amount) else {
            return Err(ValidationErrors::single("billing_mode", "is required"));
        };
        Ok(Self {
            service_id: input.service_id,
            category_id: input.category_id,
            billing_mode,
            distribution_key_id: input.distribution_key_id,
            monthly_amount,
            meter_id: input.meter_id,
            active: input.active.unwrap_or(true),
        })
    }
}

/// A charge as stored and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseCharge {
    pub id: LeaseChargeId,
    pub lease_id: LeaseId,
    pub data: LeaseChargeData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The amount and state as read, to tell a change of amount from another change.
    pub previous: Option<(Decimal, bool)>,
}

impl LeaseCharge {
    pub fn new(lease_id: LeaseId, data: LeaseChargeData, now: DateTime<Utc>) -> Self {
        Self {
            id: LeaseChargeId::generate(),
            lease_id,
            data,
            created_at: now,
            updated_at: now,
            previous: None,
        }
    }

    pub fn replace(&mut self, data: LeaseChargeData, now: DateTime<Utc>) {
        self.previous = Some((self.data.monthly_amount, self.data.active));
        self.data = data;
        self.updated_at = now;
    }

    /// Whether this save changes what the lease pays (a new charge, another amount, a charge
    /// switched on or off): what a freeze period forbids.
    pub fn changes_amounts(&self) -> bool {
        match self.previous {
            None => true,
            Some((amount, active)) => {
                amount != self.data.monthly_amount || active != self.data.active
            }
        }
    }
}

sort_fields!(
    pub LeaseChargeSort {
        CreatedAt => "created_at",
        MonthlyAmount => "monthly_amount",
        BillingMode => "billing_mode",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaseChargeFilter {
    pub lease_id: Option<LeaseId>,
    pub active: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn measured_consumption_is_never_a_flat_rate() {
        assert!(!compatible(
            BillingMode::Forfait,
            CalculationType::ConsommationMesuree
        ));
        assert!(compatible(
            BillingMode::Provision,
            CalculationType::ConsommationMesuree
        ));
        assert!(compatible(
            BillingMode::ReleveDirect,
            CalculationType::ConsommationMesuree
        ));
        assert!(compatible(BillingMode::Forfait, CalculationType::Tantiemes));
    }

    #[test]
    fn a_direct_reading_needs_its_meter() {
        let e = LeaseChargeData::parse(&LeaseChargeInput {
            billing_mode: Some("RELEVE_DIRECT".into()),
            category_id: Some(ChargeCategoryId::generate()),
            monthly_amount: Some(Decimal::new(12345, 3)),
            ..Default::default()
        })
        .expect_err("meter");
        assert_eq!(fields(&e), ["monthly_amount", "meter_id"]);
        let e = LeaseChargeData::parse(&LeaseChargeInput::default()).expect_err("empty");
        assert_eq!(fields(&e), ["billing_mode", "category_id"]);
    }

    #[test]
    fn only_changes_of_amounts_are_frozen() {
        let data = LeaseChargeData::parse(&LeaseChargeInput {
            billing_mode: Some("PROVISION".into()),
            category_id: Some(ChargeCategoryId::generate()),
            monthly_amount: Some(Decimal::from(40)),
            ..Default::default()
        })
        .expect("valid");
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let mut charge = LeaseCharge::new(LeaseId::generate(), data.clone(), now);
        assert!(charge.changes_amounts());
        charge.replace(data.clone(), now);
        assert!(!charge.changes_amounts());
        charge.replace(
            LeaseChargeData {
                monthly_amount: Decimal::from(45),
                ..data
            },
            now,
        );
        assert!(charge.changes_amounts());
    }
}
