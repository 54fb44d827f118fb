//! Lease charges: what a lease pays for a service (a monthly provision reviewed yearly, a flat
//! rate never reviewed, or a direct meter reading), and the freeze periods during which a
//! lease's charges may not change.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum, typed_id};
use rust_decimal::Decimal;

use crate::distribution::CalculationType;

pub use faireplace_kernel::ids::LeaseChargeId;

typed_id!(
    /// A freeze period.
    FreezePeriodId
);

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
    pub service_id: Option<uuid::Uuid>,
    pub category_id: Option<uuid::Uuid>,
    pub billing_mode: Option<String>,
    pub distribution_key_id: Option<uuid::Uuid>,
    pub monthly_amount: Option<Decimal>,
    pub meter_id: Option<uuid::Uuid>,
    pub active: Option<bool>,
}

/// A valid charge, without identity. The category and the key default to the service's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseChargeData {
    pub service_id: Option<uuid::Uuid>,
    pub category_id: Option<uuid::Uuid>,
    pub billing_mode: BillingMode,
    pub distribution_key_id: Option<uuid::Uuid>,
    pub monthly_amount: Decimal,
    /// For RELEVE_DIRECT only.
    pub meter_id: Option<uuid::Uuid>,
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
    pub lease_id: uuid::Uuid,
    pub data: LeaseChargeData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The amount and state as read, to tell a change of amount from another change.
    pub previous: Option<(Decimal, bool)>,
}

impl LeaseCharge {
    pub fn new(lease_id: uuid::Uuid, data: LeaseChargeData, now: DateTime<Utc>) -> Self {
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
    pub lease_id: Option<uuid::Uuid>,
    pub active: Option<bool>,
}

text_enum!(
    /// What a freeze period covers.
    pub FreezeScope {
        Place => "PLACE",
        Estate => "ESTATE",
        Lease => "LEASE",
    }
);

#[derive(Debug, Clone, Default)]
pub struct FreezePeriodInput {
    pub scope: Option<String>,
    pub scope_id: Option<uuid::Uuid>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub reason: Option<String>,
    pub legal_reference: Option<String>,
}

/// A period during which the charges of a place, an estate or a lease may not change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreezePeriodData {
    pub scope: FreezeScope,
    pub scope_id: uuid::Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub reason: Text,
    pub legal_reference: Option<Text>,
}

impl FreezePeriodData {
    pub fn parse(input: &FreezePeriodInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let scope = match input.scope.as_deref() {
            None => {
                errors.push("scope", "is required");
                None
            }
            Some(s) => errors.take("scope", FreezeScope::parse(s)),
        };
        for (field, v) in [
            ("scope_id", input.scope_id.is_none()),
            ("start_date", input.start_date.is_none()),
            ("end_date", input.end_date.is_none()),
        ] {
            if v {
                errors.push(field, "is required");
            }
        }
        if let (Some(s), Some(e)) = (input.start_date, input.end_date)
            && e < s
        {
            errors.push("end_date", "must not come before start_date");
        }
        let reason = match input.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            None => {
                errors.push("reason", "is required");
                None
            }
            Some(r) => errors.take("reason", Text::parse_multiline(r, 1000)),
        };
        let legal_reference = input
            .legal_reference
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .and_then(|r| errors.take("legal_reference", Text::parse(r, 300)));
        errors.into_result()?;
        match (
            scope,
            input.scope_id,
            input.start_date,
            input.end_date,
            reason,
        ) {
            (Some(scope), Some(scope_id), Some(start_date), Some(end_date), Some(reason)) => {
                Ok(Self {
                    scope,
                    scope_id,
                    start_date,
                    end_date,
                    reason,
                    legal_reference,
                })
            }
            _ => Err(ValidationErrors::single("scope", "is required")),
        }
    }

    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.start_date <= day && day <= self.end_date
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreezePeriod {
    pub id: FreezePeriodId,
    pub data: FreezePeriodData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FreezePeriod {
    pub fn new(data: FreezePeriodData, now: DateTime<Utc>) -> Self {
        Self {
            id: FreezePeriodId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: FreezePeriodData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

sort_fields!(
    pub FreezePeriodSort {
        StartDate => "start_date",
        EndDate => "end_date",
        CreatedAt => "created_at",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreezePeriodFilter {
    pub scope: Option<FreezeScope>,
    pub scope_id: Option<uuid::Uuid>,
    /// Periods in force on this day.
    pub active_on: Option<NaiveDate>,
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
            category_id: Some(uuid::Uuid::now_v7()),
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
            category_id: Some(uuid::Uuid::now_v7()),
            monthly_amount: Some(Decimal::from(40)),
            ..Default::default()
        })
        .expect("valid");
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let mut charge = LeaseCharge::new(uuid::Uuid::now_v7(), data.clone(), now);
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
