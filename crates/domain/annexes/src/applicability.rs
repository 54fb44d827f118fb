//! Which annexes a given lease needs, and whether the ones attached cover them.
//!
//! The lease type lists the annexes its frame may need; the facts of the building and the lease
//! decide which of those apply. Where the facts are not known, the cautious answer is given
//! (an unknown construction year asks for the lead report), and where they cannot be known from
//! our data (is there a gas installation?) the annex is listed "to confirm" rather than invented.

use chrono::NaiveDate;

use crate::AnnexCode;

/// What decides the annexes of one lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexFacts {
    /// The annexes the lease type lists.
    pub type_annexes: Vec<AnnexCode>,
    pub furnished: bool,
    /// The building's construction year, when known.
    pub construction_year: Option<i32>,
    pub is_coownership: bool,
    /// Whether the estate has an active gas diagnostic on record (a gas installation exists).
    pub gas_diagnostic_on_record: bool,
    /// Whether the lease pays its charges on provision (reviewed yearly).
    pub charges_on_provision: bool,
    /// The day the question is asked (the age of installations is counted to it).
    pub today: NaiveDate,
}

/// One annex a lease needs, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicable {
    pub code: AnnexCode,
    pub reason: String,
}

/// What a lease needs: the annexes that apply, and those our data cannot decide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub required: Vec<Applicable>,
    pub to_confirm: Vec<Applicable>,
}

/// The annexes `facts` call for.
pub fn applicable(facts: &AnnexFacts) -> Needs {
    let mut needs = Needs::default();
    let year = facts.construction_year;
    let current_year = chrono::Datelike::year(&facts.today);
    let mut listed: Vec<AnnexCode> = facts.type_annexes.clone();
    // The list of recoverable charges goes with every residential lease on provision.
    if facts.charges_on_provision
        && listed.contains(&AnnexCode::InformationNotice)
        && !listed.contains(&AnnexCode::RecoverableCharges)
    {
        listed.push(AnnexCode::RecoverableCharges);
    }
    for code in listed {
        let decided: Option<(bool, String)> = match code {
            AnnexCode::Lead => Some(match year {
                Some(y) => (y < 1949, format!("building built in {y}")),
                None => (
                    true,
                    "construction year unknown: before 1949 cannot be ruled out".into(),
                ),
            }),
            AnnexCode::Asbestos => Some(match year {
                Some(y) => (
                    // A building finished in 1997 was most likely permitted before July.
                    y <= 1997,
                    format!("building built in {y} (permit before 1 July 1997)"),
                ),
                None => (
                    true,
                    "construction year unknown: a permit before 1997 cannot be ruled out".into(),
                ),
            }),
            AnnexCode::Electricity => Some(match year {
                Some(y) => (
                    current_year - y >= 15,
                    format!("installation as old as the building ({y}), over 15 years"),
                ),
                None => (
                    true,
                    "construction year unknown: the installation may be over 15 years old".into(),
                ),
            }),
            AnnexCode::Gas => {
                if facts.gas_diagnostic_on_record {
                    Some((true, "the estate has a gas installation on record".into()))
                } else {
                    None
                }
            }
            AnnexCode::CoownershipRules => Some((
                facts.is_coownership,
                "the building is a co-ownership".into(),
            )),
            AnnexCode::FurnitureInventory => {
                Some((facts.furnished, "furnished lease (décret 2015-981)".into()))
            }
            AnnexCode::RecoverableCharges => Some((
                facts.charges_on_provision,
                "charges paid on provision".into(),
            )),
            _ => Some((true, "required for this type of lease".into())),
        };
        match decided {
            Some((true, reason)) => needs.required.push(Applicable { code, reason }),
            Some((false, _)) => {}
            None => needs.to_confirm.push(Applicable {
                code,
                reason: "required only if the estate has a gas installation over 15 years old"
                    .into(),
            }),
        }
    }
    needs
}

/// An annex attached to a lease, as compliance sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub code: AnnexCode,
    pub valid_until: Option<NaiveDate>,
}

/// A lease's annexes measured against its needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compliance {
    /// Required and attached, still valid.
    pub present: Vec<AnnexCode>,
    /// Required, not attached.
    pub missing: Vec<AnnexCode>,
    /// Required, attached, but past validity (and no valid one beside it).
    pub expired: Vec<AnnexCode>,
    pub to_confirm: Vec<AnnexCode>,
    /// For a furnished lease, the Décret 2015-981 items the estate's inventory lacks.
    pub furniture_missing: Vec<String>,
}

impl Compliance {
    /// Compliant when every required annex is attached, none is expired, and a furnished
    /// estate has the minimum furniture.
    pub fn compliant(&self) -> bool {
        self.missing.is_empty() && self.expired.is_empty() && self.furniture_missing.is_empty()
    }
}

/// Measures `attached` against `needs` on `today`.
pub fn compliance(needs: &Needs, attached: &[Attached], today: NaiveDate) -> Compliance {
    let mut out = Compliance {
        to_confirm: needs.to_confirm.iter().map(|a| a.code).collect(),
        ..Compliance::default()
    };
    for need in &needs.required {
        let mut of_code = attached.iter().filter(|a| a.code == need.code).peekable();
        if of_code.peek().is_none() {
            out.missing.push(need.code);
        } else if of_code
            .clone()
            .any(|a| a.valid_until.is_none_or(|v| v >= today))
        {
            out.present.push(need.code);
        } else {
            out.expired.push(need.code);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
    }

    fn unfurnished() -> Vec<AnnexCode> {
        [
            "INFORMATION_NOTICE",
            "ENTRY_CONDITION_REPORT",
            "DPE",
            "LEAD",
            "ASBESTOS",
            "ELECTRICITY",
            "GAS",
            "RISKS",
            "COOWNERSHIP_RULES",
            "INSURANCE_CERTIFICATE",
        ]
        .iter()
        .map(|c| AnnexCode::parse(c).expect("code"))
        .collect()
    }

    fn codes(list: &[Applicable]) -> Vec<&'static str> {
        list.iter().map(|a| a.code.as_str()).collect()
    }

    #[test]
    fn a_recent_building_needs_neither_lead_nor_asbestos_nor_electricity() {
        let needs = applicable(&AnnexFacts {
            type_annexes: unfurnished(),
            furnished: false,
            construction_year: Some(2015),
            is_coownership: false,
            gas_diagnostic_on_record: false,
            charges_on_provision: false,
            today: today(),
        });
        assert_eq!(
            codes(&needs.required),
            [
                "INFORMATION_NOTICE",
                "ENTRY_CONDITION_REPORT",
                "DPE",
                "RISKS",
                "INSURANCE_CERTIFICATE"
            ]
        );
        assert_eq!(codes(&needs.to_confirm), ["GAS"]);
    }

    #[test]
    fn an_old_co_owned_building_on_provision_needs_everything() {
        let needs = applicable(&AnnexFacts {
            type_annexes: unfurnished(),
            furnished: false,
            construction_year: Some(1930),
            is_coownership: true,
            gas_diagnostic_on_record: true,
            charges_on_provision: true,
            today: today(),
        });
        assert_eq!(needs.required.len(), 11);
        assert!(codes(&needs.required).contains(&"RECOVERABLE_CHARGES"));
        assert!(needs.to_confirm.is_empty());
        // 1949 and 1998 are the first years out of scope; in 2026 a building of 2011 is 15.
        let of = |y| {
            codes(
                &applicable(&AnnexFacts {
                    construction_year: Some(y),
                    ..AnnexFacts {
                        type_annexes: unfurnished(),
                        furnished: false,
                        construction_year: None,
                        is_coownership: false,
                        gas_diagnostic_on_record: false,
                        charges_on_provision: false,
                        today: today(),
                    }
                })
                .required,
            )
        };
        assert!(of(1948).contains(&"LEAD") && !of(1949).contains(&"LEAD"));
        assert!(of(1997).contains(&"ASBESTOS") && !of(1998).contains(&"ASBESTOS"));
        assert!(of(2011).contains(&"ELECTRICITY") && !of(2012).contains(&"ELECTRICITY"));
    }

    #[test]
    fn compliance_sees_present_missing_and_expired() {
        let needs = Needs {
            required: ["DPE", "RISKS", "LEAD"]
                .iter()
                .map(|c| Applicable {
                    code: AnnexCode::parse(c).expect("code"),
                    reason: String::new(),
                })
                .collect(),
            to_confirm: vec![],
        };
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        let of = |code, valid_until| Attached { code, valid_until };
        let attached = [of(AnnexCode::Dpe, None), of(AnnexCode::Risks, day(20))];
        let c = compliance(&needs, &attached, today());
        assert_eq!(c.present, [AnnexCode::Dpe]);
        assert_eq!(c.expired, [AnnexCode::Risks]);
        assert_eq!(c.missing, [AnnexCode::Lead]);
        assert!(!c.compliant());
        // Valid on its last day.
        let attached = [
            of(AnnexCode::Dpe, None),
            of(AnnexCode::Risks, day(21)),
            of(AnnexCode::Lead, None),
        ];
        assert!(compliance(&needs, &attached, today()).compliant());
    }
}
