//! Distribution keys: how a shared cost of a place is split between its estates, and the
//! calculation of a split.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use faireplace_kernel::ids::EstateId;
use faireplace_kernel::numbers::bounded_decimal;
use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};
use faireplace_meters::MeterType;
use rust_decimal::Decimal;

use crate::formula::{Formula, Variable};
use crate::split::{Share, Split, SplitError, split};

pub use faireplace_kernel::ids::DistributionKeyId;

text_enum!(
    /// The distribution technique.
    pub CalculationType {
        Tantiemes => "TANTIEMES",
        Surface => "SURFACE",
        PartsEgales => "PARTS_EGALES",
        NombreOccupants => "NOMBRE_OCCUPANTS",
        ConsommationMesuree => "CONSOMMATION_MESUREE",
        FormulePersonnalisee => "FORMULE_PERSONNALISEE",
    }
);

/// The most explicit weights a key may hold.
pub const MAX_WEIGHTS: usize = 20_000;

/// What a key's calculation takes besides the estates' own values (stored as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyParameters {
    /// An explicit split: the weight of each estate (estates not named weigh 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<EstateId, Decimal>>,
    /// For measured consumption: the meter type and the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_type: Option<MeterType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<NaiveDate>,
}

/// Parameters as a client sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyParametersInput {
    pub weights: Option<BTreeMap<EstateId, Decimal>>,
    pub meter_type: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

/// Checks a calculation must pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationRules {
    /// Every estate of the place must weigh more than zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_all_estates: Option<bool>,
    /// Every estate that takes a share takes at least this percentage (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_share: Option<Decimal>,
}

#[derive(Debug, Clone, Default)]
pub struct DistributionKeyInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub calculation_type: Option<String>,
    pub formula: Option<String>,
    pub parameters: Option<KeyParametersInput>,
    pub validation_rules: Option<ValidationRules>,
}

/// A valid key, without identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionKeyData {
    pub name: Text,
    pub description: Option<Text>,
    pub calculation_type: CalculationType,
    /// Only for FORMULE_PERSONNALISEE (ignored and stored as null otherwise).
    pub formula: Option<Text>,
    pub parameters: KeyParameters,
    pub validation_rules: ValidationRules,
}

impl KeyParameters {
    /// Reads explicit weights, a meter type and a consumption period, each problem named under
    /// `field` (`parameters.weights.<estate>`).
    pub fn read(
        input: &KeyParametersInput,
        field: &str,
        errors: &mut ValidationErrors,
    ) -> KeyParameters {
        if let Some(weights) = &input.weights {
            if weights.len() > MAX_WEIGHTS {
                errors.push(
                    format!("{field}.weights"),
                    format!("at most {MAX_WEIGHTS} estates"),
                );
            }
            for (estate, w) in weights {
                if let Err(e) = bounded_decimal(*w, 6, Decimal::ZERO, Decimal::from(1_000_000_000))
                {
                    errors.push(format!("{field}.weights.{estate}"), e.to_string());
                }
            }
        }
        if let (Some(start), Some(end)) = (input.period_start, input.period_end)
            && end < start
        {
            errors.push(
                format!("{field}.period_end"),
                "must not come before period_start",
            );
        }
        let meter_type = input.meter_type.as_deref().and_then(|m| {
            MeterType::parse(m)
                .map_err(|e| errors.push(format!("{field}.meter_type"), e.0))
                .ok()
        });
        KeyParameters {
            weights: input.weights.clone(),
            meter_type,
            period_start: input.period_start,
            period_end: input.period_end,
        }
    }
}

impl DistributionKeyData {
    pub fn parse(input: &DistributionKeyInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = match input.name.as_deref().filter(|n| !n.trim().is_empty()) {
            None => {
                errors.push("name", "is required");
                None
            }
            Some(n) => errors.take("name", Text::parse(n, 200)),
        };
        let description = input
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .and_then(|d| errors.take("description", Text::parse_multiline(d, 2000)));
        let calculation_type = match input.calculation_type.as_deref() {
            None => {
                errors.push("calculation_type", "is required");
                None
            }
            Some(t) => errors.take("calculation_type", CalculationType::parse(t)),
        };
        let formula = match calculation_type {
            Some(CalculationType::FormulePersonnalisee) => {
                match input.formula.as_deref().filter(|f| !f.trim().is_empty()) {
                    None => {
                        errors.push(
                            "formula",
                            "is required when calculation_type is FORMULE_PERSONNALISEE",
                        );
                        None
                    }
                    Some(f) => match Formula::parse(f) {
                        Ok(_) => Some(Text::from_trusted(f.trim().to_owned())),
                        Err(e) => {
                            errors.push("formula", e.to_string());
                            None
                        }
                    },
                }
            }
            _ => None,
        };
        let parameters = KeyParameters::read(
            &input.parameters.clone().unwrap_or_default(),
            "parameters",
            &mut errors,
        );
        let validation_rules = input.validation_rules.clone().unwrap_or_default();
        if let Some(min) = validation_rules.min_share
            && let Err(e) = bounded_decimal(min, 4, Decimal::ZERO, Decimal::ONE_HUNDRED)
        {
            errors.push("validation_rules.min_share", e.to_string());
        }
        errors.into_result()?;
        let (Some(name), Some(calculation_type)) = (name, calculation_type) else {
            return Err(ValidationErrors::single("name", "is required"));
        };
        Ok(Self {
            name,
            description,
            calculation_type,
            formula,
            parameters,
            validation_rules,
        })
    }
}

faireplace_kernel::entity!(
    /// A key as stored and read.
    pub DistributionKey(DistributionKeyId) {  } data DistributionKeyData
);

sort_fields!(
    pub DistributionKeySort {
        Name => "name",
        CalculationType => "calculation_type",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistributionKeyFilter {
    pub calculation_type: Option<CalculationType>,
}

/// What a calculation knows of one estate of the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateFacts {
    pub id: EstateId,
    pub reference: String,
    pub surface_m2: Option<Decimal>,
    pub tantiemes: Option<i64>,
    pub rooms: Option<i32>,
    /// Lessees of the leases in force on the calculation date.
    pub occupants: u32,
    /// Measured consumption over the period, when known.
    pub consumption: Option<Decimal>,
}

/// Why a split cannot be calculated: the field and the reason, for a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CalculationError {
    pub field: String,
    pub message: String,
}

fn fail(field: &str, message: impl Into<String>) -> CalculationError {
    CalculationError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The weight of each estate under the key (explicit weights first, then the technique).
pub fn weights(
    data: &DistributionKeyData,
    parameters: &KeyParameters,
    estates: &[EstateFacts],
) -> Result<Vec<Decimal>, CalculationError> {
    if let Some(explicit) = &parameters.weights {
        return Ok(estates
            .iter()
            .map(|e| explicit.get(&e.id).copied().unwrap_or(Decimal::ZERO))
            .collect());
    }
    match data.calculation_type {
        CalculationType::Tantiemes => Ok(estates
            .iter()
            .map(|e| Decimal::from(e.tantiemes.unwrap_or(0)))
            .collect()),
        CalculationType::Surface => Ok(estates
            .iter()
            .map(|e| e.surface_m2.unwrap_or(Decimal::ZERO))
            .collect()),
        CalculationType::PartsEgales => Ok(vec![Decimal::ONE; estates.len()]),
        CalculationType::NombreOccupants => {
            Ok(estates.iter().map(|e| Decimal::from(e.occupants)).collect())
        }
        CalculationType::ConsommationMesuree => estates
            .iter()
            .map(|e| {
                e.consumption.ok_or_else(|| {
                    fail(
                        "calculation_type",
                        format!(
                            "estate {} has no measured consumption for the period",
                            e.reference
                        ),
                    )
                })
            })
            .collect(),
        CalculationType::FormulePersonnalisee => {
            let source = data
                .formula
                .as_ref()
                .ok_or_else(|| fail("formula", "is missing"))?;
            let formula =
                Formula::parse(source.as_str()).map_err(|e| fail("formula", e.to_string()))?;
            estates
                .iter()
                .map(|e| {
                    let value = |v: Variable| match v {
                        Variable::Surface => e.surface_m2,
                        Variable::Tantiemes => e.tantiemes.map(Decimal::from),
                        Variable::Occupants => Some(Decimal::from(e.occupants)),
                        Variable::Rooms => e.rooms.map(Decimal::from),
                        Variable::Consumption => e.consumption,
                    };
                    let w = formula
                        .evaluate(&value)
                        .map_err(|err| fail("formula", format!("estate {}: {err}", e.reference)))?;
                    if w < Decimal::ZERO {
                        return Err(fail(
                            "formula",
                            format!("estate {}: the weight is negative ({w})", e.reference),
                        ));
                    }
                    Ok(w)
                })
                .collect()
        }
    }
}

/// Splits `total` between the estates under the key: exact to the cent (largest remainder,
/// ties to the smallest reference, then id), checked against the key's validation rules.
pub fn calculate(
    data: &DistributionKeyData,
    parameters: &KeyParameters,
    estates: &[EstateFacts],
    total: Decimal,
) -> Result<Split<(String, EstateId)>, CalculationError> {
    let weights = weights(data, parameters, estates)?;
    let rules = &data.validation_rules;
    if rules.require_all_estates == Some(true) {
        let missing: Vec<&str> = estates
            .iter()
            .zip(&weights)
            .filter(|(_, w)| w.is_zero())
            .map(|(e, _)| e.reference.as_str())
            .take(20)
            .collect();
        if !missing.is_empty() {
            return Err(fail(
                "validation_rules.require_all_estates",
                format!("estates without weight: {}", missing.join(", ")),
            ));
        }
    }
    let shares: Vec<Share<(String, EstateId)>> = estates
        .iter()
        .zip(weights)
        .map(|(e, weight)| Share {
            key: (e.reference.clone(), e.id),
            weight,
        })
        .collect();
    let result = split(total, &shares).map_err(|e| match e {
        SplitError::TooManyDecimals => fail("total_amount", "must have at most 2 decimals"),
        SplitError::NoWeight => fail(
            "place_id",
            "no estate of the place weighs anything under this key",
        ),
        other => fail("total_amount", other.to_string()),
    })?;
    if let Some(min) = rules.min_share {
        let min_ratio = min / Decimal::ONE_HUNDRED;
        if let Some(line) = result
            .lines
            .iter()
            .find(|l| !l.weight.is_zero() && l.ratio < min_ratio)
        {
            return Err(fail(
                "validation_rules.min_share",
                format!(
                    "estate {} takes {}% , less than the minimum of {min}%",
                    line.key.0,
                    (line.ratio * Decimal::ONE_HUNDRED).normalize()
                ),
            ));
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    fn key(kind: &str, formula: Option<&str>) -> DistributionKeyData {
        DistributionKeyData::parse(&DistributionKeyInput {
            name: Some("Key".into()),
            calculation_type: Some(kind.into()),
            formula: formula.map(Into::into),
            ..Default::default()
        })
        .expect("key")
    }

    fn estate(reference: &str, surface: &str, tantiemes: i64, occupants: u32) -> EstateFacts {
        EstateFacts {
            id: EstateId::generate(),
            reference: reference.into(),
            surface_m2: Some(dec(surface)),
            tantiemes: Some(tantiemes),
            rooms: Some(2),
            occupants,
            consumption: None,
        }
    }

    fn amounts(s: &Split<(String, EstateId)>) -> Vec<Decimal> {
        s.lines.iter().map(|l| l.amount).collect()
    }

    #[test]
    fn each_technique_weighs_the_estates() {
        let estates = [
            estate("LOT-1", "50", 200, 2),
            estate("LOT-2", "30", 300, 0),
            estate("LOT-3", "20", 500, 1),
        ];
        let none = KeyParameters::default();
        let t = calculate(&key("TANTIEMES", None), &none, &estates, dec("1234.56")).expect("t");
        assert_eq!(amounts(&t), [dec("246.91"), dec("370.37"), dec("617.28")]);
        let s = calculate(&key("SURFACE", None), &none, &estates, dec("1000")).expect("s");
        assert_eq!(amounts(&s), [dec("500.00"), dec("300.00"), dec("200.00")]);
        let e = calculate(&key("PARTS_EGALES", None), &none, &estates, dec("100")).expect("e");
        assert_eq!(amounts(&e), [dec("33.34"), dec("33.33"), dec("33.33")]);
        let o = calculate(&key("NOMBRE_OCCUPANTS", None), &none, &estates, dec("90")).expect("o");
        assert_eq!(amounts(&o), [dec("60.00"), dec("0.00"), dec("30.00")]);
        let f = calculate(
            &key(
                "FORMULE_PERSONNALISEE",
                Some("surface * 2 + tantiemes / 100"),
            ),
            &none,
            &estates,
            dec("100"),
        )
        .expect("f");
        // Weights 102, 63, 45 of 210.
        assert_eq!(amounts(&f), [dec("48.57"), dec("30.00"), dec("21.43")]);
        let explicit = KeyParameters {
            weights: Some(BTreeMap::from([(estates[1].id, dec("1"))])),
            ..Default::default()
        };
        let x = calculate(&key("TANTIEMES", None), &explicit, &estates, dec("10")).expect("x");
        assert_eq!(amounts(&x), [dec("0.00"), dec("10.00"), dec("0.00")]);
    }

    #[test]
    fn formulas_that_do_not_parse_are_refused_with_their_position() {
        let e = DistributionKeyData::parse(&DistributionKeyInput {
            name: Some("Key".into()),
            calculation_type: Some("FORMULE_PERSONNALISEE".into()),
            formula: Some("surface * (2 + ".into()),
            ..Default::default()
        })
        .expect_err("unbalanced");
        assert_eq!(e.errors()[0].field, "formula");
        assert!(
            e.errors()[0].message.contains("position"),
            "{}",
            e.errors()[0].message
        );
        // Ignored for other techniques.
        assert_eq!(key("SURFACE", Some("surface")).formula, None);
    }

    #[test]
    fn rules_are_checked() {
        let estates = [estate("LOT-1", "50", 0, 0), estate("LOT-2", "30", 300, 0)];
        let mut k = key("TANTIEMES", None);
        k.validation_rules.require_all_estates = Some(true);
        let e = calculate(&k, &KeyParameters::default(), &estates, dec("10")).expect_err("all");
        assert!(e.message.contains("LOT-1"));
        let mut k = key("SURFACE", None);
        k.validation_rules.min_share = Some(dec("40"));
        let e = calculate(&k, &KeyParameters::default(), &estates, dec("10")).expect_err("min");
        assert_eq!(e.field, "validation_rules.min_share");
        let k = key("NOMBRE_OCCUPANTS", None);
        let e = calculate(&k, &KeyParameters::default(), &estates, dec("10")).expect_err("none");
        assert_eq!(e.field, "place_id");
    }
}
