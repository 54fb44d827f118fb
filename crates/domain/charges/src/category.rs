//! Charge categories: what a recoverable charge is (the Décret 87-713 heading), how much of it
//! the lessee bears (the recovery rate), who maintains it, and when to warn about it.

use faireplace_kernel::ids::ContactId;
use faireplace_kernel::record::{
    Context, DecodeError, FieldOpts, FieldValue, Shape, SqlKind, SqlRow, SqlValue, read_text,
};
use faireplace_kernel::values::{InvalidValue, Text};
use faireplace_kernel::{Declared, Item, Record, ValidationErrors, text_enum};
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

/// A frequency is sent, read and stored as its text (`30 days`); a stored text that does not
/// read is an error, never another frequency.
impl FieldValue for Frequency {
    fn from_json(
        value: &faireplace_kernel::__json::Value,
        _: &FieldOpts,
        _: &Context,
    ) -> Result<Self, ValidationErrors> {
        read_text(value, Frequency::parse)
    }
    fn to_json(&self) -> faireplace_kernel::__json::Value {
        faireplace_kernel::__json::Value::String(self.to_string())
    }
    fn shape(_: &FieldOpts) -> Shape {
        Shape::String {
            format: None,
            max_length: Some(20),
            pattern: Some(r"^\d+\s+(day|week|month|year)s?$"),
        }
    }
    const SQL: SqlKind = SqlKind::Text;
    fn to_sql(&self, out: &mut Vec<SqlValue>) {
        out.push(SqlValue::Text(Some(self.to_string())));
    }
    fn from_sql(row: &mut dyn SqlRow, name: &str) -> Result<Option<Self>, DecodeError> {
        row.text(name)?
            .map(|s| Frequency::parse(&s).map_err(|e| DecodeError::new(name, s, e.0)))
            .transpose()
    }
}

/// Who maintains what a category covers (stored in the category's `maintenance_*` columns).
#[derive(Debug, Clone, Default, PartialEq, Eq, Record)]
#[record(name = "Maintenance")]
pub struct Maintenance {
    /// A contact of the tenant (a service provider).
    pub provider_contact_id: Option<ContactId>,
    #[field(max_len = 200, example = "C-42")]
    pub contract_reference: Option<Text>,
    #[field(max_len = 100, example = "1 month")]
    pub frequency: Option<Text>,
    #[field(multiline, max_len = 5000)]
    pub notes: Option<Text>,
}

impl Maintenance {
    /// Whether it says nothing (an empty `maintenance` object is no maintenance).
    pub fn is_empty(&self) -> bool {
        *self == Maintenance::default()
    }
}

/// A category of recoverable charges: its Décret 87-713 heading, the part the lessee bears,
/// who maintains what it covers, and when an expense of it is worth a notification.
#[derive(Debug, Clone, PartialEq, Eq, Record)]
#[record(name = "ChargeCategory")]
pub struct ChargeCategoryData {
    #[field(max_len = 200, example = "Gardien")]
    pub name: Text,
    pub category_type: CategoryType,
    /// The part recovered from the lessee, 0 to 100 (%), at most 2 decimals; 100 when absent.
    #[field(decimals = 2, min = 0, max = 100, default = Decimal::ONE_HUNDRED, example = "75")]
    pub recovery_rate: Decimal,
    #[field(multiline, max_len = 5000)]
    pub description: Option<Text>,
    #[field(max_len = 300, example = "Article 23-1 of decree no. 87-713")]
    pub legal_reference: Option<Text>,
    pub maintenance: Option<Maintenance>,
    /// Alert threshold, 0 to 100 (%): an expense beyond the category's usual amount at its
    /// place by more than this raises a notification.
    #[field(decimals = 2, min = 0, max = 100)]
    pub notification_threshold: Option<Decimal>,
    /// A count and a unit: "30 days", "1 month" (day, week, month or year).
    #[field(example = "30 days")]
    pub notification_frequency: Option<Frequency>,
}

impl ChargeCategoryData {
    /// The category as stored: an empty maintenance is none.
    pub fn normalized(mut self) -> Self {
        self.maintenance = self.maintenance.filter(|m| !m.is_empty());
        self
    }
}

impl Declared for ChargeCategoryData {
    type Id = ChargeCategoryId;
    type Parent = ();
    const NOUN: &'static str = "charge category";
    const PLURAL: &'static str = "charge categories";
    const TABLE: &'static str = "charge_categories";
    const PATH: &'static str = "/api/charge-categories";
    const TAG: &'static str = "Charges";
    const AUDIT: Option<&'static str> = Some("charge_category");
    const SEARCH: &'static [&'static str] = &["name", "description"];
    const FILTERS: &'static [&'static str] = &["category_type"];
    const SORTS: &'static [&'static str] = &[
        "name",
        "category_type",
        "recovery_rate",
        "created_at",
        "updated_at",
    ];
    const EXAMPLE: Option<&'static str> = Some(
        r#"{"name": "Ascenseur", "category_type": "ELEVATOR", "recovery_rate": 100,
            "legal_reference": "Décret 87-713, annexe, I",
            "maintenance": {"contract_reference": "C-42", "frequency": "1 month"},
            "notification_threshold": 15, "notification_frequency": "30 days"}"#,
    );
}

/// A category as stored and read.
pub type ChargeCategory = Item<ChargeCategoryData>;

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
    use faireplace_kernel::RecordTrait;
    use faireplace_kernel::record::{DecodeError, SqlRow};
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

    fn read(body: serde_json::Value) -> Result<ChargeCategoryData, ValidationErrors> {
        let ctx = Context {
            today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        };
        ChargeCategoryData::decode_json(&body, &ctx).map(ChargeCategoryData::normalized)
    }

    #[test]
    fn a_category_defaults_to_full_recovery_and_checks_every_range() {
        let ok = read(
            serde_json::json!({"name": "Gardien", "category_type": "BUILDING_STAFF",
                                         "maintenance": {}}),
        )
        .expect("valid");
        assert_eq!(ok.recovery_rate, dec("100"));
        assert_eq!(ok.maintenance, None, "an empty maintenance object is none");
        let e = read(serde_json::json!({"name": " ", "category_type": "LIFT",
                                        "recovery_rate": 100.01, "notification_threshold": -1,
                                        "notification_frequency": "weekly"}))
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
        let e = read(
            serde_json::json!({"name": "Ascenseur", "category_type": "ELEVATOR",
                                        "recovery_rate": "75.125"}),
        )
        .expect_err("three decimals");
        assert_eq!(fields(&e), ["recovery_rate"]);
    }

    /// A stored row of text and decimal columns; every other column is NULL.
    struct StoredRow(Vec<(&'static str, &'static str)>);

    impl SqlRow for StoredRow {
        fn text(&mut self, column: &str) -> Result<Option<String>, DecodeError> {
            Ok(self
                .0
                .iter()
                .find(|(c, _)| *c == column)
                .map(|(_, v)| (*v).to_owned()))
        }
        fn int(&mut self, _: &str) -> Result<Option<i64>, DecodeError> {
            Ok(None)
        }
        fn decimal(&mut self, column: &str) -> Result<Option<Decimal>, DecodeError> {
            Ok(self.text(column)?.map(|v| dec(&v)))
        }
        fn bool(&mut self, _: &str) -> Result<Option<bool>, DecodeError> {
            Ok(None)
        }
        fn date(&mut self, _: &str) -> Result<Option<chrono::NaiveDate>, DecodeError> {
            Ok(None)
        }
        fn timestamp(
            &mut self,
            _: &str,
        ) -> Result<Option<chrono::DateTime<chrono::Utc>>, DecodeError> {
            Ok(None)
        }
        fn uuid(&mut self, _: &str) -> Result<Option<uuid::Uuid>, DecodeError> {
            Ok(None)
        }
        fn uuid_array(&mut self, _: &str) -> Result<Option<Vec<uuid::Uuid>>, DecodeError> {
            Ok(None)
        }
        fn text_array(&mut self, _: &str) -> Result<Option<Vec<String>>, DecodeError> {
            Ok(None)
        }
        fn json(&mut self, _: &str) -> Result<Option<serde_json::Value>, DecodeError> {
            Ok(None)
        }
        fn is_null(&mut self, column: &str) -> Result<bool, DecodeError> {
            Ok(self.text(column)?.is_none())
        }
    }

    #[test]
    fn a_stored_value_that_does_not_read_is_an_error_naming_its_column() {
        let stored = |category_type, frequency| {
            ChargeCategoryData::record_from_sql(&mut StoredRow(vec![
                ("name", "Ascenseur"),
                ("category_type", category_type),
                ("recovery_rate", "75"),
                ("notification_frequency", frequency),
            ]))
        };
        let read = stored("ELEVATOR", "30 days").expect("reads");
        assert_eq!(
            read.notification_frequency.map(|f| f.to_string()),
            Some("30 days".into())
        );
        assert_eq!(read.maintenance, None, "no maintenance column is set");
        for (category_type, frequency, column) in [
            ("LIFT", "30 days", "category_type"),
            ("ELEVATOR", "every day", "notification_frequency"),
        ] {
            let e = stored(category_type, frequency).expect_err("corrupt");
            assert_eq!(e.column, column);
        }
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
