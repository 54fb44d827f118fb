//! Energy performance diagnoses (DPE) and what follows from them: letting bans and the rent
//! revision freeze (Loi Climat et Résilience, DOMAIN.md).

use chrono::{DateTime, NaiveDate, Utc};
use faireplace_kernel::values::{InvalidValue, Text};
use faireplace_kernel::{ValidationErrors, text_enum, typed_id};
use rust_decimal::Decimal;

use crate::estate::EstateId;
use crate::estate_entity;
use crate::{add_years, not_future, opt_decimal, req_enum, required};

typed_id!(EnergyDiagnosisId);

text_enum!(
    /// A–G, A best.
    pub EnergyClass {
        A => "A",
        B => "B",
        C => "C",
        D => "D",
        E => "E",
        F => "F",
        G => "G",
    }
);

/// A DPE is valid ten years.
pub const DPE_VALIDITY_YEARS: i32 = 10;

/// Above this final consumption (kWh/m²/year) a home is indecent since 2023-01-01.
pub const INDECENT_KWH_M2_YEAR: i64 = 450;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// The first day the estate may no longer be let: above 450 kWh/m²/year from 2023-01-01, every
/// G from 2025-01-01, F from 2028-01-01, E from 2034-01-01; `None` for A to D under 450.
pub fn rental_ban_from(class: EnergyClass, energy_kwh_m2_year: Decimal) -> Option<NaiveDate> {
    let by_class = match class {
        EnergyClass::G => Some(ymd(2025, 1, 1)),
        EnergyClass::F => Some(ymd(2028, 1, 1)),
        EnergyClass::E => Some(ymd(2034, 1, 1)),
        _ => None,
    };
    let by_consumption =
        (energy_kwh_m2_year > Decimal::from(INDECENT_KWH_M2_YEAR)).then(|| ymd(2023, 1, 1));
    match (by_class, by_consumption) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Rent revision is frozen for F and G estates (since 2022-08-24).
pub fn rent_revision_frozen(class: EnergyClass) -> bool {
    matches!(class, EnergyClass::F | EnergyClass::G)
}

#[derive(Debug, Clone, Default)]
pub struct EnergyDiagnosisInput {
    pub energy_class: Option<String>,
    pub ghg_class: Option<String>,
    pub energy_kwh_m2_year: Option<Decimal>,
    pub ghg_kg_m2_year: Option<Decimal>,
    pub performed_on: Option<NaiveDate>,
    pub estimated_cost_min: Option<Decimal>,
    pub estimated_cost_max: Option<Decimal>,
    pub ademe_number: Option<String>,
    pub media_id: Option<uuid::Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnergyDiagnosisData {
    pub energy_class: EnergyClass,
    pub ghg_class: EnergyClass,
    pub energy_kwh_m2_year: Decimal,
    pub ghg_kg_m2_year: Decimal,
    pub performed_on: NaiveDate,
    pub estimated_cost_min: Option<Decimal>,
    pub estimated_cost_max: Option<Decimal>,
    /// The 13-character number ADEME gives every DPE.
    pub ademe_number: Option<Text>,
    pub media_id: Option<uuid::Uuid>,
}

fn parse_ademe(raw: &str) -> Result<Text, InvalidValue> {
    let value = raw.trim().to_uppercase();
    if value.len() == 13 && value.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(Text::from_trusted(value))
    } else {
        Err(InvalidValue(
            "must be the 13 letters and digits of the ADEME number".into(),
        ))
    }
}

impl EnergyDiagnosisData {
    pub fn parse(input: &EnergyDiagnosisInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let energy_class = req_enum(
            &mut errors,
            "energy_class",
            &input.energy_class,
            EnergyClass::parse,
        );
        let ghg_class = req_enum(
            &mut errors,
            "ghg_class",
            &input.ghg_class,
            EnergyClass::parse,
        );
        let kwh = required(&mut errors, "energy_kwh_m2_year", input.energy_kwh_m2_year);
        let kwh = opt_decimal(
            &mut errors,
            "energy_kwh_m2_year",
            kwh,
            Decimal::ZERO,
            Decimal::from(10_000),
        );
        let ghg = required(&mut errors, "ghg_kg_m2_year", input.ghg_kg_m2_year);
        let ghg = opt_decimal(
            &mut errors,
            "ghg_kg_m2_year",
            ghg,
            Decimal::ZERO,
            Decimal::from(10_000),
        );
        let performed_on = required(&mut errors, "performed_on", input.performed_on);
        not_future(&mut errors, "performed_on", performed_on, today);
        let max_cost = Decimal::from(10_000_000);
        let cost_min = opt_decimal(
            &mut errors,
            "estimated_cost_min",
            input.estimated_cost_min,
            Decimal::ZERO,
            max_cost,
        );
        let cost_max = opt_decimal(
            &mut errors,
            "estimated_cost_max",
            input.estimated_cost_max,
            Decimal::ZERO,
            max_cost,
        );
        if let (Some(min), Some(max)) = (cost_min, cost_max)
            && min > max
        {
            errors.push("estimated_cost_max", "must not be below estimated_cost_min");
        }
        let ademe_number = input
            .ademe_number
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .and_then(|a| errors.take("ademe_number", parse_ademe(a)));
        errors.into_result()?;
        match (energy_class, ghg_class, kwh, ghg, performed_on) {
            (Some(energy_class), Some(ghg_class), Some(kwh), Some(ghg), Some(performed_on)) => {
                Ok(Self {
                    energy_class,
                    ghg_class,
                    energy_kwh_m2_year: kwh,
                    ghg_kg_m2_year: ghg,
                    performed_on,
                    estimated_cost_min: cost_min,
                    estimated_cost_max: cost_max,
                    ademe_number,
                    media_id: input.media_id,
                })
            }
            _ => Err(ValidationErrors::single("energy_class", "is required")),
        }
    }

    /// The DPE's label: the worse of the energy and greenhouse-gas classes (the "double
    /// threshold" of the 2021 DPE), which the letting rules apply to.
    pub fn label(&self) -> EnergyClass {
        self.energy_class.max(self.ghg_class)
    }

    pub fn valid_until(&self) -> NaiveDate {
        add_years(self.performed_on, DPE_VALIDITY_YEARS)
    }

    pub fn rental_ban_from(&self) -> Option<NaiveDate> {
        rental_ban_from(self.label(), self.energy_kwh_m2_year)
    }

    pub fn rent_revision_frozen(&self) -> bool {
        rent_revision_frozen(self.label())
    }
}

estate_entity!(
    /// A DPE of an estate; the latest one is the estate's current diagnosis.
    EnergyDiagnosis, EnergyDiagnosisId, EnergyDiagnosisData
);

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn letting_bans_follow_the_calendar_of_the_law() {
        assert_eq!(
            rental_ban_from(EnergyClass::G, d("420")),
            Some(ymd(2025, 1, 1))
        );
        assert_eq!(
            rental_ban_from(EnergyClass::F, d("350")),
            Some(ymd(2028, 1, 1))
        );
        assert_eq!(
            rental_ban_from(EnergyClass::E, d("300")),
            Some(ymd(2034, 1, 1))
        );
        assert_eq!(rental_ban_from(EnergyClass::D, d("200")), None);
        // Above 450 kWh/m²/year: indecent since 2023, whatever the class says.
        assert_eq!(
            rental_ban_from(EnergyClass::G, d("450.01")),
            Some(ymd(2023, 1, 1))
        );
        assert_eq!(
            rental_ban_from(EnergyClass::G, d("450")),
            Some(ymd(2025, 1, 1))
        );
    }

    #[test]
    fn rent_revision_is_frozen_for_f_and_g() {
        for (class, frozen) in [
            (EnergyClass::A, false),
            (EnergyClass::E, false),
            (EnergyClass::F, true),
            (EnergyClass::G, true),
        ] {
            assert_eq!(rent_revision_frozen(class), frozen, "{class}");
        }
    }

    fn input(energy: &str, ghg: &str, kwh: &str) -> EnergyDiagnosisInput {
        EnergyDiagnosisInput {
            energy_class: Some(energy.into()),
            ghg_class: Some(ghg.into()),
            energy_kwh_m2_year: Some(d(kwh)),
            ghg_kg_m2_year: Some(d("12.5")),
            performed_on: Some(ymd(2024, 2, 29)),
            ..Default::default()
        }
    }

    #[test]
    fn the_label_is_the_worse_class_and_validity_is_ten_years() {
        let today = ymd(2026, 11, 21);
        let dpe = EnergyDiagnosisData::parse(&input("D", "F", "210"), today).expect("valid");
        assert_eq!(dpe.label(), EnergyClass::F);
        assert!(dpe.rent_revision_frozen());
        assert_eq!(dpe.rental_ban_from(), Some(ymd(2028, 1, 1)));
        assert_eq!(dpe.valid_until(), ymd(2034, 2, 28));
    }

    #[test]
    fn a_dpe_is_validated() {
        let today = ymd(2026, 11, 21);
        let e = EnergyDiagnosisData::parse(
            &EnergyDiagnosisInput {
                performed_on: Some(ymd(2027, 1, 1)),
                estimated_cost_min: Some(d("2000")),
                estimated_cost_max: Some(d("1000")),
                ademe_number: Some("123".into()),
                ..input("H", "A", "100.123")
            },
            today,
        )
        .expect_err("invalid");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "energy_class",
                "energy_kwh_m2_year",
                "performed_on",
                "estimated_cost_max",
                "ademe_number"
            ]
        );
    }
}
