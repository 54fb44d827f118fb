//! Places: the buildings (immeubles, résidences) that hold estates.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use faireplace_kernel::values::{Address, AddressInput, Text};
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};
use faireplace_parties::ContactId;

use crate::{opt_enum, opt_int, opt_notes, req_text};

pub use faireplace_kernel::ids::PlaceId;

text_enum!(
    pub HeatingType {
        Collective => "COLLECTIVE",
        Individual => "INDIVIDUAL",
    }
);

#[derive(Debug, Clone, Default)]
pub struct PlaceInput {
    pub name: Option<String>,
    pub address: Option<AddressInput>,
    pub construction_year: Option<i64>,
    pub is_coownership: Option<bool>,
    pub total_tantiemes: Option<i64>,
    pub syndic_contact_id: Option<ContactId>,
    pub heating_type: Option<String>,
    pub has_elevator: Option<bool>,
    pub floors_count: Option<i64>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceData {
    pub name: Text,
    pub address: Address,
    pub construction_year: Option<i32>,
    pub is_coownership: bool,
    /// The co-ownership's total shares (often 1,000 or 10,000): the estates' tantiemes may
    /// not exceed it.
    pub total_tantiemes: Option<i64>,
    pub syndic_contact_id: Option<ContactId>,
    pub heating_type: Option<HeatingType>,
    pub has_elevator: bool,
    pub floors_count: Option<i32>,
    pub notes: Option<Text>,
}

impl PlaceData {
    /// A place needs a name and a full address; its construction year lies between 1000 and
    /// five years from `today` (buildings are sold before completion).
    pub fn parse(input: &PlaceInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = req_text(&mut errors, "name", &input.name, 200);
        let address = match &input.address {
            None => {
                errors.push("address", "is required");
                None
            }
            Some(a) => Address::parse(a, "address", &mut errors),
        };
        let construction_year = opt_int(
            &mut errors,
            "construction_year",
            input.construction_year,
            1000,
            i64::from(today.year() + 5),
        );
        let total_tantiemes = opt_int(
            &mut errors,
            "total_tantiemes",
            input.total_tantiemes,
            1,
            1_000_000,
        );
        let heating_type = opt_enum(
            &mut errors,
            "heating_type",
            &input.heating_type,
            HeatingType::parse,
        );
        let floors_count = opt_int(&mut errors, "floors_count", input.floors_count, 0, 300);
        let notes = opt_notes(&mut errors, &input.notes, 5000);
        errors.into_result()?;
        let (Some(name), Some(address)) = (name, address) else {
            return Err(ValidationErrors::single("name", "is required"));
        };
        Ok(Self {
            name,
            address,
            construction_year: construction_year.map(|y| y as i32),
            is_coownership: input.is_coownership.unwrap_or(false),
            total_tantiemes,
            syndic_contact_id: input.syndic_contact_id,
            heating_type,
            has_elevator: input.has_elevator.unwrap_or(false),
            floors_count: floors_count.map(|f| f as i32),
            notes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub id: PlaceId,
    pub data: PlaceData,
    /// How many estates it holds and the sum of their tantiemes (read-only, from storage).
    pub estates_count: i64,
    pub allocated_tantiemes: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Place {
    pub fn new(data: PlaceData, now: DateTime<Utc>) -> Self {
        Self {
            id: PlaceId::generate(),
            data,
            estates_count: 0,
            allocated_tantiemes: 0,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn replace(&mut self, data: PlaceData, now: DateTime<Utc>) {
        self.data = data;
        self.updated_at = now;
    }
}

sort_fields!(
    pub PlaceSort {
        Name => "name",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
        ConstructionYear => "construction_year",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceFilter {
    pub is_coownership: Option<bool>,
    pub city: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
    }

    fn input() -> PlaceInput {
        PlaceInput {
            name: Some("Résidence des Tilleuls".into()),
            address: Some(AddressInput {
                street: Some("3 place Bellecour".into()),
                postal_code: Some("69002".into()),
                city: Some("Lyon".into()),
                country: None,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_place_needs_a_name_and_an_address() {
        assert!(PlaceData::parse(&input(), today()).is_ok());
        let e = PlaceData::parse(&PlaceInput::default(), today()).expect_err("invalid");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "address"]);
    }

    #[test]
    fn numbers_are_bounded() {
        let e = PlaceData::parse(
            &PlaceInput {
                construction_year: Some(2040),
                total_tantiemes: Some(0),
                floors_count: Some(-1),
                heating_type: Some("SOLAR".into()),
                ..input()
            },
            today(),
        )
        .expect_err("invalid");
        let fields: Vec<_> = e.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "construction_year",
                "total_tantiemes",
                "heating_type",
                "floors_count"
            ]
        );
    }
}
