//! Freeze periods: when the charges of a place, an estate or a lease may not change (a lease
//! charge's amount or active state, under any of the three).

use chrono::NaiveDate;
use faireplace_kernel::ids::{EstateId, LeaseId, PlaceId};
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum, typed_id};

typed_id!(
    /// A freeze period.
    FreezePeriodId
);

text_enum!(
    /// What a freeze period covers.
    pub FreezeScope {
        Place => "PLACE",
        Estate => "ESTATE",
        Lease => "LEASE",
    }
);

/// The place, estate or lease a period freezes: its scope and its id, of the scope's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreezeTarget {
    Place(PlaceId),
    Estate(EstateId),
    Lease(LeaseId),
}

impl FreezeTarget {
    /// The target of `scope` whose id is `id` (`scope` and `scope_id` as sent and stored).
    pub fn new(scope: FreezeScope, id: uuid::Uuid) -> Self {
        match scope {
            FreezeScope::Place => FreezeTarget::Place(PlaceId(id)),
            FreezeScope::Estate => FreezeTarget::Estate(EstateId(id)),
            FreezeScope::Lease => FreezeTarget::Lease(LeaseId(id)),
        }
    }

    pub fn scope(&self) -> FreezeScope {
        match self {
            FreezeTarget::Place(_) => FreezeScope::Place,
            FreezeTarget::Estate(_) => FreezeScope::Estate,
            FreezeTarget::Lease(_) => FreezeScope::Lease,
        }
    }

    /// The id of the place, estate or lease (`scope_id`).
    pub fn id(&self) -> uuid::Uuid {
        match self {
            FreezeTarget::Place(id) => id.0,
            FreezeTarget::Estate(id) => id.0,
            FreezeTarget::Lease(id) => id.0,
        }
    }
}

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
    pub target: FreezeTarget,
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
                    target: FreezeTarget::new(scope, scope_id),
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

faireplace_kernel::entity!(
    pub FreezePeriod(FreezePeriodId) {  } data FreezePeriodData
);

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
    /// The id of the place, estate or lease frozen, whatever the scope.
    pub scope_id: Option<uuid::Uuid>,
    /// Periods in force on this day.
    pub active_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_its_scope_and_an_id_of_the_scope_s_type() {
        let id = uuid::Uuid::now_v7();
        for scope in FreezeScope::ALL {
            let target = FreezeTarget::new(*scope, id);
            assert_eq!((target.scope(), target.id()), (*scope, id));
        }
        assert_eq!(
            FreezeTarget::new(FreezeScope::Estate, id),
            FreezeTarget::Estate(EstateId(id))
        );
    }

    #[test]
    fn a_period_ends_after_it_starts_and_gives_its_reason() {
        let e = FreezePeriodData::parse(&FreezePeriodInput {
            scope: Some("BUILDING".into()),
            start_date: NaiveDate::from_ymd_opt(2026, 2, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..Default::default()
        })
        .expect_err("invalid");
        let fields: Vec<&str> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["scope", "scope_id", "end_date", "reason"]);
    }
}
