//! Charge categories: what a recoverable charge is (the Décret 87-713 heading), how much of it
//! the lessee bears (the recovery rate), who maintains it, and when to warn about it.

use chrono::{DateTime, Utc};
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::{InvalidValue, Text};
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};
use rust_decimal::Decimal;

pub use faireplace_kernel::ids::ChargeCategoryId;

text_enum!(
    /// The heading of the Décret 87-713 a charge falls under.
    pub CategoryType {
        Elevator => "ELEVATOR",
        WaterHeating => "WATER_HEATING",
        IndividualInstallations => "INDIVIDUAL_INSTALLATIONS",
        CommonAreas => "COMMON_AREAS",
        OutdoorAreas => "OUTDOOR_AREAS",
        Hygiene => "HYGIENE",
        Equipment => "EQUIPMENT",
        Taxes => "TAXES",
        BuildingStaff => "BUILDING_STAFF",
        Other => "OTHER",
    }
);

/// A period in "X unit" form: `30 days`, `1 month`, `2 weeks`, `1 year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frequency {
    pub count: u32,
    pub unit: FrequencyUnit,
}

text_enum!(
    pub FrequencyUnit {
        Day => "day",
        Week => "week",
        Month => "month",
        Year => "year",
    }
);

impl Frequency {
    /// Parses `^\d+\s+(day|week|month|year)s?$` with a count from 1 to 9999.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let err = || {
            InvalidValue(
                "must read as a count and a unit, such as \"30 days\" or \"1 month\" (day, week, month or year)"
                    .into(),
            )
        };
        let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 4 {
            return Err(err());
        }
        let (count, rest) = raw.split_at(digits);
        let unit = rest.trim_start_matches([' ', '\t']);
        if unit.len() == rest.len() {
            return Err(err());
        }
        let unit = unit.strip_suffix('s').unwrap_or(unit);
        let unit = FrequencyUnit::parse(unit).map_err(|_| err())?;
        let count: u32 = count.parse().map_err(|_| err())?;
        if count == 0 {
            return Err(InvalidValue("the count must be at least 1".into()));
        }
        Ok(Self { count, unit })
    }
}

impl std::fmt::Display for Frequency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.count > 1 { "s" } else { "" };
        write!(f, "{} {}{plural}", self.count, self.unit.as_str())
    }
}

/// Who maintains what a category covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintenanceInput {
    pub provider_contact_id: Option<uuid::Uuid>,
    pub contract_reference: Option<String>,
    pub frequency: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintenance {
    pub provider_contact_id: Option<uuid::Uuid>,
    pub contract_reference: Option<Text>,
    pub frequency: Option<Text>,
    pub notes: Option<Text>,
}

#[derive(Debug, Clone, Default)]
pub struct ChargeCategoryInput {
    pub name: Option<String>,
    pub category_type: Option<String>,
    pub recovery_rate: Option<Decimal>,
    pub description: Option<String>,
    pub legal_reference: Option<String>,
    pub maintenance: Option<MaintenanceInput>,
    pub notification_threshold: Option<Decimal>,
    pub notification_frequency: Option<String>,
}

/// A valid category, without identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeCategoryData {
    pub name: Text,
    pub category_type: CategoryType,
    /// The part recovered from the lessee, 0 to 100 (%).
    pub recovery_rate: Decimal,
    pub description: Option<Text>,
    pub legal_reference: Option<Text>,
    pub maintenance: Option<Maintenance>,
    /// An alert when an expense exceeds the budget by this percentage.
    pub notification_threshold: Option<Decimal>,
    pub notification_frequency: Option<Frequency>,
}

fn percent(errors: &mut ValidationErrors, field: &str, v: Option<Decimal>) -> Option<Decimal> {
    v.and_then(|v| {
        errors.take(
            field,
            bounded_decimal(v, 2, Decimal::ZERO, Decimal::ONE_HUNDRED),
        )
    })
}

fn text(
    errors: &mut ValidationErrors,
    field: &str,
    v: &Option<String>,
    max: usize,
    multiline: bool,
) -> Option<Text> {
    let v = v.as_deref().filter(|v| !v.trim().is_empty())?;
    let parsed = if multiline {
        Text::parse_multiline(v, max)
    } else {
        Text::parse(v, max)
    };
    errors.take(field, parsed)
}

impl ChargeCategoryData {
    pub fn parse(input: &ChargeCategoryInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if input.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            errors.push("name", "is required");
        }
        let name = text(&mut errors, "name", &input.name, 200, false);
        let category_type = match input.category_type.as_deref() {
            None => {
                errors.push("category_type", "is required");
                None
            }
            Some(t) => errors.take("category_type", CategoryType::parse(t)),
        };
        let recovery_rate = percent(&mut errors, "recovery_rate", input.recovery_rate);
        let description = text(&mut errors, "description", &input.description, 5000, true);
        let legal_reference = text(
            &mut errors,
            "legal_reference",
            &input.legal_reference,
            300,
            false,
        );
        let maintenance = input.maintenance.as_ref().map(|m| Maintenance {
            provider_contact_id: m.provider_contact_id,
            contract_reference: text(
                &mut errors,
                "maintenance.contract_reference",
                &m.contract_reference,
                200,
                false,
            ),
            frequency: text(
                &mut errors,
                "maintenance.frequency",
                &m.frequency,
                100,
                false,
            ),
            notes: text(&mut errors, "maintenance.notes", &m.notes, 5000, true),
        });
        let notification_threshold = percent(
            &mut errors,
            "notification_threshold",
            input.notification_threshold,
        );
        let notification_frequency = input
            .notification_frequency
            .as_deref()
            .and_then(|f| errors.take("notification_frequency", Frequency::parse(f)));
        errors.into_result()?;
        let (Some(name), Some(category_type)) = (name, category_type) else {
            return Err(ValidationErrors::single("name", "is required"));
        };
        Ok(Self {
            name,
            category_type,
            recovery_rate: recovery_rate.unwrap_or(Decimal::ONE_HUNDRED),
            description,
            legal_reference,
            maintenance: maintenance.filter(|m| *m != Maintenance::default()),
            notification_threshold,
            notification_frequency,
        })
    }
}

/// A category as stored and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeCategory {
    pub id: ChargeCategoryId,
    pub data: ChargeCategoryData,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChargeCategory {
    pub fn new(data: ChargeCategoryData, now: DateTime<Utc>) -> Self {
        Self {
            id: ChargeCategoryId::generate(),
            data,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: ChargeCategoryData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

sort_fields!(
    pub CategorySort {
        Name => "name",
        CategoryType => "category_type",
        RecoveryRate => "recovery_rate",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryFilter {
    pub category_type: Option<CategoryType>,
}

/// One heading of the legal list of recoverable charges, with the recovery rate it usually
/// carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegalHeading {
    pub category_type: CategoryType,
    /// Roman numeral of the Décret's annex (empty for what the annex does not list).
    pub heading: &'static str,
    pub title: &'static str,
    pub legal_reference: &'static str,
    /// Typical recovery rate, in percent.
    pub recovery_rate: u32,
    pub notes: &'static str,
}

/// The recoverable charges of the Décret 87-713 (annex) and Art. 23 of the 1989 law, with the
/// staff rules of Art. 2 of the Décret.
pub const LEGAL_CATALOG: &[LegalHeading] = &[
    LegalHeading {
        category_type: CategoryType::Elevator,
        heading: "I",
        title: "Lifts and goods lifts",
        legal_reference: "Décret 87-713, annexe, I",
        recovery_rate: 100,
        notes: "Electricity, routine operation and maintenance, small repairs; not replacement works.",
    },
    LegalHeading {
        category_type: CategoryType::WaterHeating,
        heading: "II",
        title: "Water, heating and hot water (collective)",
        legal_reference: "Décret 87-713, annexe, II",
        recovery_rate: 100,
        notes: "Cold and hot water, fuel or heat supply, operation and maintenance of the installations, meter reading.",
    },
    LegalHeading {
        category_type: CategoryType::IndividualInstallations,
        heading: "III",
        title: "Individual installations",
        legal_reference: "Décret 87-713, annexe, III",
        recovery_rate: 100,
        notes: "Heating and hot-water appliances of the dwelling, taps, water softening: routine maintenance.",
    },
    LegalHeading {
        category_type: CategoryType::CommonAreas,
        heading: "IV",
        title: "Interior common parts",
        legal_reference: "Décret 87-713, annexe, IV",
        recovery_rate: 100,
        notes: "Electricity, cleaning products, maintenance of the common parts, minute switches, doors.",
    },
    LegalHeading {
        category_type: CategoryType::OutdoorAreas,
        heading: "V",
        title: "Outdoor areas",
        legal_reference: "Décret 87-713, annexe, V",
        recovery_rate: 100,
        notes: "Paths, green spaces, playgrounds: upkeep and small supplies.",
    },
    LegalHeading {
        category_type: CategoryType::Hygiene,
        heading: "VI",
        title: "Hygiene",
        legal_reference: "Décret 87-713, annexe, VI",
        recovery_rate: 100,
        notes: "Waste removal, disinfection, pest control, drains.",
    },
    LegalHeading {
        category_type: CategoryType::Equipment,
        heading: "VII",
        title: "Miscellaneous equipment",
        legal_reference: "Décret 87-713, annexe, VII",
        recovery_rate: 100,
        notes: "Collective antenna, intercom, fire extinguishers, ventilation: operation and maintenance.",
    },
    LegalHeading {
        category_type: CategoryType::Taxes,
        heading: "VIII",
        title: "Taxes and fees",
        legal_reference: "Décret 87-713, annexe, VIII",
        recovery_rate: 100,
        notes: "Household waste tax (TEOM), sweeping tax, sanitation fee.",
    },
    LegalHeading {
        category_type: CategoryType::BuildingStaff,
        heading: "",
        title: "Caretaker doing both cleaning and waste removal",
        legal_reference: "Décret 87-713, art. 2, c",
        recovery_rate: 75,
        notes: "Salary and charges of a gardien or concierge who does both tasks.",
    },
    LegalHeading {
        category_type: CategoryType::BuildingStaff,
        heading: "",
        title: "Caretaker doing one of the two tasks",
        legal_reference: "Décret 87-713, art. 2, c",
        recovery_rate: 40,
        notes: "Cleaning of the common parts or waste removal, not both.",
    },
    LegalHeading {
        category_type: CategoryType::BuildingStaff,
        heading: "",
        title: "Building employee doing both cleaning and waste removal",
        legal_reference: "Décret 87-713, art. 2, d",
        recovery_rate: 100,
        notes: "An employee of the building (not a caretaker) doing both tasks.",
    },
    LegalHeading {
        category_type: CategoryType::BuildingStaff,
        heading: "",
        title: "Technical supervision of the building",
        legal_reference: "Décret 87-713, art. 2, c",
        recovery_rate: 10,
        notes: "Staff whose work is the technical supervision of the building's installations.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn frequencies_read_as_count_and_unit() {
        for ok in [
            "30 days",
            "1 month",
            "2 weeks",
            "1 year",
            "12 months",
            "1  day",
            "3\tdays",
        ] {
            assert!(Frequency::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Frequency::parse("1 months").map(|f| f.to_string()),
            Ok("1 month".into())
        );
        for bad in [
            "",
            "days",
            "30",
            "30days",
            " 30 days",
            "30 days ",
            "30 Days",
            "-1 day",
            "0 days",
            "99999 days",
            "1 fortnight",
            "1 dayss",
            "٣ days",
        ] {
            assert!(Frequency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_category_defaults_to_full_recovery_and_checks_every_range() {
        let ok = ChargeCategoryData::parse(&ChargeCategoryInput {
            name: Some("Gardien".into()),
            category_type: Some("BUILDING_STAFF".into()),
            maintenance: Some(MaintenanceInput::default()),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(ok.recovery_rate, dec("100"));
        assert_eq!(ok.maintenance, None, "an empty maintenance object is none");
        let e = ChargeCategoryData::parse(&ChargeCategoryInput {
            name: Some(" ".into()),
            category_type: Some("LIFT".into()),
            recovery_rate: Some(dec("100.01")),
            notification_threshold: Some(dec("-1")),
            notification_frequency: Some("weekly".into()),
            ..Default::default()
        })
        .expect_err("invalid");
        assert_eq!(
            fields(&e),
            [
                "name",
                "category_type",
                "recovery_rate",
                "notification_threshold",
                "notification_frequency"
            ]
        );
        let e = ChargeCategoryData::parse(&ChargeCategoryInput {
            name: Some("Ascenseur".into()),
            category_type: Some("ELEVATOR".into()),
            recovery_rate: Some(dec("75.125")),
            ..Default::default()
        })
        .expect_err("three decimals");
        assert_eq!(fields(&e), ["recovery_rate"]);
    }

    #[test]
    fn the_legal_catalog_has_the_eight_headings_and_the_staff_rules() {
        let headings: Vec<&str> = LEGAL_CATALOG
            .iter()
            .map(|h| h.heading)
            .filter(|h| !h.is_empty())
            .collect();
        assert_eq!(headings, ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]);
        let mut staff: Vec<u32> = LEGAL_CATALOG
            .iter()
            .filter(|h| h.category_type == CategoryType::BuildingStaff)
            .map(|h| h.recovery_rate)
            .collect();
        staff.sort_unstable();
        assert_eq!(staff, [10, 40, 75, 100]);
    }
}

#[cfg(test)]
mod hostile_input {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_text_is_a_frequency_or_a_refusal(text in "\\PC{0,30}") {
            if let Ok(f) = Frequency::parse(&text) {
                prop_assert!((1..=9999).contains(&f.count));
            }
        }

        #[test]
        fn frequency_like_text_never_panics_nor_overflows(
            text in "[0-9]{0,30}[ \\t]{0,3}(day|week|month|year|days|weeks|months|years|s|x)?"
        ) {
            if let Ok(f) = Frequency::parse(&text) {
                prop_assert!((1..=9999).contains(&f.count));
                let shown = f.to_string();
                prop_assert_eq!(Frequency::parse(&shown).map(|g| g.count), Ok(f.count));
            }
        }
    }
}
