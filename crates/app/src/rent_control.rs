//! Rent control: reference data, and the check of an estate's rent against its ceiling.

use std::sync::Arc;

use chrono::NaiveDate;
use faireplace_kernel::{Page, PageRequest, ValidationErrors};
use faireplace_leases::rent_control::{
    ReferenceRent, RentControlInput, RentControlOutcome, check, rooms_bucket,
};
use faireplace_ports::rent::{
    ReferenceRentCell, ReferenceRentLoad, ReferenceRents, RentControlStore, RentControlZone,
};
use faireplace_ports::{ListQuery, Repository};
use faireplace_property::{ConstructionPeriod, EnergyClass, EnergyDiagnosis, Estate, EstateId};
use rust_decimal::Decimal;

use crate::{AppError, Principal};

#[derive(Clone)]
pub struct RentControlService {
    store: Arc<dyn RentControlStore>,
    estates: Arc<dyn Repository<Estate>>,
    energy: Arc<dyn Repository<EnergyDiagnosis>>,
}

/// What the check answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentControlVerdict {
    /// Whether the estate is in a zone with a reference rent in force today.
    pub applicable: bool,
    pub reference: Option<ReferenceRentCell>,
    pub outcome: Option<RentControlOutcome>,
    pub supplement_allowed: bool,
}

impl RentControlService {
    pub fn new(
        store: Arc<dyn RentControlStore>,
        estates: Arc<dyn Repository<Estate>>,
        energy: Arc<dyn Repository<EnergyDiagnosis>>,
    ) -> Self {
        Self {
            store,
            estates,
            energy,
        }
    }

    pub async fn zones(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<RentControlZone>, AppError> {
        principal.manage()?;
        self.store
            .zones(page)
            .await
            .map_err(|e| AppError::from_repo("zone", e))
    }

    pub async fn reference_rents(
        &self,
        principal: &Principal,
        zone: Option<uuid::Uuid>,
        page: PageRequest,
    ) -> Result<Page<ReferenceRentCell>, AppError> {
        principal.manage()?;
        self.store
            .reference_rents(zone, page)
            .await
            .map_err(|e| AppError::from_repo("reference rent", e))
    }

    /// Checks a base rent (and any supplement) against the ceiling that applies to the estate
    /// today: its zone, rooms (1 to 4+), construction period and furnishing pick the cell; its
    /// living surface scales it; an F or G DPE forbids a supplement.
    pub async fn check(
        &self,
        principal: &Principal,
        estate_id: EstateId,
        rent_amount: Decimal,
        rent_supplement: Option<Decimal>,
        today: NaiveDate,
    ) -> Result<RentControlVerdict, AppError> {
        let tenant = principal.manage()?;
        let mut errors = ValidationErrors::new();
        errors.take(
            "rent_amount",
            faireplace_kernel::numbers::bounded_decimal(
                rent_amount,
                2,
                Decimal::ZERO,
                Decimal::from(1_000_000),
            ),
        );
        if let Some(s) = rent_supplement {
            errors.take(
                "rent_supplement",
                faireplace_kernel::numbers::bounded_decimal(
                    s,
                    2,
                    Decimal::ZERO,
                    Decimal::from(1_000_000),
                ),
            );
        }
        errors.into_result()?;
        let estate = self
            .estates
            .get(tenant, estate_id)
            .await
            .map_err(|e| AppError::from_repo("estate", e))?
            .ok_or(AppError::NotFound("estate"))?;
        let label_f_or_g = energy_f_or_g(self.energy.as_ref(), tenant, estate.id).await?;
        let Some(zone) = estate.data.rent_control_zone_id else {
            return Ok(RentControlVerdict {
                applicable: false,
                reference: None,
                outcome: None,
                supplement_allowed: !label_f_or_g,
            });
        };
        let mut errors = ValidationErrors::new();
        if estate.data.surface_m2.is_none() {
            errors.push(
                "estate_id",
                "the estate has no surface_m2: set it to check its rent",
            );
        }
        if estate.data.construction_period.is_none() {
            errors.push(
                "estate_id",
                "the estate has no construction_period: set it to check its rent",
            );
        }
        errors.into_result()?;
        let (Some(surface), Some(period)) =
            (estate.data.surface_m2, estate.data.construction_period)
        else {
            return Err(AppError::validation("estate_id", "is incomplete"));
        };
        let rooms = rooms_bucket(estate.data.rooms_count.unwrap_or(1));
        let cell = self
            .store
            .reference_for(zone, rooms, period, estate.data.is_furnished, today)
            .await
            .map_err(|e| AppError::from_repo("reference rent", e))?;
        let Some(cell) = cell else {
            return Ok(RentControlVerdict {
                applicable: false,
                reference: None,
                outcome: None,
                supplement_allowed: !label_f_or_g,
            });
        };
        let outcome = check(
            &ReferenceRent {
                reference_m2: cell.rents.reference_m2,
                increased_m2: cell.rents.increased_m2,
                reduced_m2: cell.rents.reduced_m2,
            },
            &RentControlInput {
                surface_m2: surface,
                rent_amount,
                rent_supplement,
                energy_label_f_or_g: label_f_or_g,
            },
        );
        Ok(RentControlVerdict {
            applicable: true,
            supplement_allowed: outcome.supplement_allowed,
            reference: Some(cell),
            outcome: Some(outcome),
        })
    }

    /// Loads a CSV of the shipped sample's shape (operator command line):
    /// `city,zone,rooms,construction_period,furnished,reference_m2,increased_m2,reduced_m2,valid_from,valid_to[,source]`,
    /// with rooms `1`…`3` or `4+`, periods `avant 1946`, `1946-1970`, `1971-1990`, `après 1990`
    /// (or the API's names), furnished `furnished`/`unfurnished`.
    pub async fn load_csv(&self, records: Vec<Vec<String>>) -> Result<(u64, u64), AppError> {
        let mut rows = Vec::new();
        let mut errors = ValidationErrors::new();
        for (i, r) in records.iter().enumerate() {
            let line = i + 2;
            match parse_row(r) {
                Ok(row) => rows.push(row),
                Err(message) => errors.push(format!("line {line}"), message),
            }
        }
        errors.into_result()?;
        self.store
            .load(&rows)
            .await
            .map_err(|e| AppError::from_repo("reference rent", e))
    }
}

fn parse_row(r: &[String]) -> Result<ReferenceRentLoad, String> {
    let field = |i: usize| r.get(i).map(|s| s.trim()).unwrap_or("");
    if r.len() < 10 {
        return Err(format!("expected at least 10 columns, found {}", r.len()));
    }
    let rooms = match field(2) {
        "1" => 1,
        "2" => 2,
        "3" => 3,
        "4" | "4+" => 4,
        other => return Err(format!("rooms '{other}': use 1, 2, 3 or 4+")),
    };
    let period = match field(3) {
        "avant 1946" => ConstructionPeriod::Before1946,
        "1946-1970" => ConstructionPeriod::From1946To1970,
        "1971-1990" => ConstructionPeriod::From1971To1990,
        "après 1990" => ConstructionPeriod::After1990,
        other => ConstructionPeriod::parse(other)
            .map_err(|e| format!("construction_period '{other}' {e}"))?,
    };
    let furnished = match field(4) {
        "furnished" => true,
        "unfurnished" => false,
        other => return Err(format!("furnished '{other}': use furnished or unfurnished")),
    };
    let money = |i: usize, name: &str| -> Result<Decimal, String> {
        field(i)
            .parse::<Decimal>()
            .ok()
            .filter(|d| *d > Decimal::ZERO && d.scale() <= 2)
            .ok_or_else(|| {
                format!(
                    "{name} '{}': a positive amount with at most 2 decimals",
                    field(i)
                )
            })
    };
    let date = |i: usize, name: &str| -> Result<Option<NaiveDate>, String> {
        match field(i) {
            "" => Ok(None),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("{name} '{s}': use YYYY-MM-DD")),
        }
    };
    let (reference, increased, reduced) = (
        money(5, "reference_m2")?,
        money(6, "increased_m2")?,
        money(7, "reduced_m2")?,
    );
    if !(reduced <= reference && reference <= increased) {
        return Err("expected reduced_m2 <= reference_m2 <= increased_m2".into());
    }
    let valid_from = date(8, "valid_from")?.ok_or("valid_from is required")?;
    let valid_to = date(9, "valid_to")?;
    if field(0).is_empty() || field(1).is_empty() {
        return Err("city and zone are required".into());
    }
    Ok(ReferenceRentLoad {
        city: field(0).to_owned(),
        zone_code: field(1).to_owned(),
        rents: ReferenceRents {
            rooms,
            construction_period: period,
            furnished,
            reference_m2: reference,
            increased_m2: increased,
            reduced_m2: reduced,
            valid_from,
            valid_to,
        },
    })
}

/// Whether the estate's latest energy diagnosis rates it F or G (no diagnosis: no).
pub(crate) async fn energy_f_or_g(
    energy: &dyn Repository<EnergyDiagnosis>,
    tenant: faireplace_kernel::TenantId,
    estate: EstateId,
) -> Result<bool, AppError> {
    let query = ListQuery {
        page: PageRequest::new(Some(1), Some(1))?,
        sort: faireplace_kernel::Sort {
            field: faireplace_ports::property::EnergySort::PerformedOn,
            descending: true,
        },
        search: None,
        filter: faireplace_ports::property::ChildFilter { estate_id: estate },
    };
    let page = energy
        .list(tenant, &query)
        .await
        .map_err(|e| AppError::from_repo("energy diagnosis", e))?;
    Ok(page
        .items
        .first()
        .is_some_and(|d| matches!(d.data.label(), EnergyClass::F | EnergyClass::G)))
}
