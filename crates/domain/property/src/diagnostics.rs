//! Other diagnostics of an estate (lead, asbestos, electricity, gas, risks…) and their validity
//! for a letting. One is active per type: a new one replaces the previous one.

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, text_enum, typed_id};

use crate::estate::EstateId;
use crate::estate_entity;
use crate::{add_months, add_years, not_future, opt_text, req_enum, required};

typed_id!(DiagnosticId);

text_enum!(
    pub DiagnosticType {
        /// CREP, for buildings before 1949.
        Lead => "LEAD",
        /// The private-parts file, for buildings permitted before 1997-07-01.
        Asbestos => "ASBESTOS",
        /// Installations older than 15 years.
        Electricity => "ELECTRICITY",
        /// Installations older than 15 years.
        Gas => "GAS",
        /// Natural and technological risks (ERP).
        Risks => "RISKS",
        /// Airport noise exposure.
        Noise => "NOISE",
        CoownershipRules => "COOWNERSHIP_RULES",
        Other => "OTHER",
    }
);

impl DiagnosticType {
    /// The default end of validity for a letting, from DOMAIN.md: lead 6 years if lead was found
    /// and unlimited if not; asbestos unlimited; electricity and gas 6 years; risks 6 months;
    /// noise, co-ownership rules and others unlimited unless a date is given.
    pub fn default_valid_until(
        &self,
        performed_on: NaiveDate,
        lead_found: bool,
    ) -> Option<NaiveDate> {
        match self {
            DiagnosticType::Lead if lead_found => Some(add_years(performed_on, 6)),
            DiagnosticType::Electricity | DiagnosticType::Gas => Some(add_years(performed_on, 6)),
            DiagnosticType::Risks => Some(add_months(performed_on, 6)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DiagnosticInput {
    pub diagnostic_type: Option<String>,
    pub performed_on: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// For LEAD: whether lead was found (absent counts as found, the cautious reading).
    pub lead_found: Option<bool>,
    pub media_id: Option<uuid::Uuid>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticData {
    pub diagnostic_type: DiagnosticType,
    pub performed_on: NaiveDate,
    /// `None`: no expiry.
    pub valid_until: Option<NaiveDate>,
    pub lead_found: Option<bool>,
    pub media_id: Option<uuid::Uuid>,
    pub notes: Option<Text>,
    /// Kept by storage: only the latest diagnostic of a type is active.
    pub is_active: bool,
}

impl DiagnosticData {
    pub fn parse(input: &DiagnosticInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = req_enum(
            &mut errors,
            "type",
            &input.diagnostic_type,
            DiagnosticType::parse,
        );
        let performed_on = required(&mut errors, "performed_on", input.performed_on);
        not_future(&mut errors, "performed_on", performed_on, today);
        if let (Some(p), Some(v)) = (performed_on, input.valid_until)
            && v < p
        {
            errors.push("valid_until", "must not be before performed_on");
        }
        if input.lead_found.is_some() && kind.is_some_and(|k| k != DiagnosticType::Lead) {
            errors.push("lead_found", "applies to LEAD diagnostics only");
        }
        let notes = opt_text(&mut errors, "notes", &input.notes, 2000);
        errors.into_result()?;
        let (Some(kind), Some(performed_on)) = (kind, performed_on) else {
            return Err(ValidationErrors::single("type", "is required"));
        };
        let valid_until = input
            .valid_until
            .or_else(|| kind.default_valid_until(performed_on, input.lead_found.unwrap_or(true)));
        Ok(Self {
            diagnostic_type: kind,
            performed_on,
            valid_until,
            lead_found: input.lead_found,
            media_id: input.media_id,
            notes,
            is_active: true,
        })
    }
}

estate_entity!(
    /// A diagnostic of an estate. Storage keeps `is_active` (one per type).
    Diagnostic, DiagnosticId, DiagnosticData
);

impl Diagnostic {
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.data.valid_until.is_some_and(|v| v < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn default_validities_follow_domain_rules() {
        let on = ymd(2025, 3, 15);
        assert_eq!(
            DiagnosticType::Lead.default_valid_until(on, true),
            Some(ymd(2031, 3, 15))
        );
        assert_eq!(DiagnosticType::Lead.default_valid_until(on, false), None);
        assert_eq!(DiagnosticType::Asbestos.default_valid_until(on, true), None);
        assert_eq!(
            DiagnosticType::Electricity.default_valid_until(on, true),
            Some(ymd(2031, 3, 15))
        );
        assert_eq!(
            DiagnosticType::Gas.default_valid_until(on, true),
            Some(ymd(2031, 3, 15))
        );
        assert_eq!(
            DiagnosticType::Risks.default_valid_until(on, true),
            Some(ymd(2025, 9, 15))
        );
        assert_eq!(
            DiagnosticType::CoownershipRules.default_valid_until(on, true),
            None
        );
    }

    #[test]
    fn an_explicit_validity_wins_and_is_checked() {
        let today = ymd(2026, 11, 21);
        let input = DiagnosticInput {
            diagnostic_type: Some("RISKS".into()),
            performed_on: Some(ymd(2026, 1, 10)),
            valid_until: Some(ymd(2026, 3, 1)),
            ..Default::default()
        };
        let d = DiagnosticData::parse(&input, today).expect("valid");
        assert_eq!(d.valid_until, Some(ymd(2026, 3, 1)));
        let e = DiagnosticData::parse(
            &DiagnosticInput {
                valid_until: Some(ymd(2025, 1, 1)),
                lead_found: Some(false),
                ..input
            },
            today,
        )
        .expect_err("invalid");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["valid_until", "lead_found"]);
    }
}
