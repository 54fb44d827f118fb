//! Estates: the rentable units (lots).

use chrono::{DateTime, Utc};
use faireplace_kernel::values::{Address, AddressInput, InvalidValue, Text};
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};
use faireplace_parties::OwnerId;
use rust_decimal::Decimal;

use crate::place::PlaceId;
use crate::types::TypeId;
use crate::{opt_decimal, opt_enum, opt_int, opt_notes, opt_text, required};

pub use faireplace_kernel::ids::EstateId;

text_enum!(
    /// When the building was built, as rent control publishes its reference rents.
    pub ConstructionPeriod {
        Before1946 => "BEFORE_1946",
        From1946To1970 => "FROM_1946_TO_1970",
        From1971To1990 => "FROM_1971_TO_1990",
        After1990 => "AFTER_1990",
    }
);

text_enum!(
    /// VACANT or UNAVAILABLE as set by the client; OCCUPIED once a lease is active (leases set it).
    pub EstateStatus {
        Vacant => "VACANT",
        Occupied => "OCCUPIED",
        Unavailable => "UNAVAILABLE",
    }
);

#[derive(Debug, Clone, Default)]
pub struct EstateInput {
    pub place_id: Option<PlaceId>,
    pub owner_id: Option<OwnerId>,
    pub type_id: Option<TypeId>,
    pub reference: Option<String>,
    pub address: Option<AddressInput>,
    pub floor: Option<i64>,
    pub door: Option<String>,
    pub surface_m2: Option<Decimal>,
    pub rooms_count: Option<i64>,
    pub is_furnished: Option<bool>,
    pub tantiemes: Option<i64>,
    pub construction_period: Option<String>,
    pub rent_control_zone_id: Option<uuid::Uuid>,
    pub status: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateData {
    pub place_id: Option<PlaceId>,
    pub owner_id: OwnerId,
    pub type_id: TypeId,
    /// `None` asks for a generated reference.
    pub reference: Option<Text>,
    /// `None` inherits the place's address.
    pub address: Option<Address>,
    pub floor: Option<i32>,
    pub door: Option<Text>,
    pub surface_m2: Option<Decimal>,
    pub rooms_count: Option<i32>,
    pub is_furnished: bool,
    pub tantiemes: Option<i64>,
    pub construction_period: Option<ConstructionPeriod>,
    pub rent_control_zone_id: Option<uuid::Uuid>,
    /// What the client asked: VACANT or UNAVAILABLE.
    pub requested_status: EstateStatus,
    pub notes: Option<Text>,
}

fn parse_reference(raw: &str) -> Result<Text, InvalidValue> {
    let text = Text::parse(raw, 50)?;
    if text
        .as_str()
        .chars()
        .all(|c| c.is_alphanumeric() || " -_./#".contains(c))
    {
        Ok(text)
    } else {
        Err(InvalidValue(
            "may hold letters, digits, spaces and - _ . / # only".into(),
        ))
    }
}

impl EstateData {
    /// An estate needs an owner and a type; a standalone one (no place) needs its own address
    /// and cannot hold tantiemes.
    pub fn parse(input: &EstateInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let owner_id = required(&mut errors, "owner_id", input.owner_id);
        let type_id = required(&mut errors, "type_id", input.type_id);
        let reference = input
            .reference
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .and_then(|r| errors.take("reference", parse_reference(r)));
        let address = input
            .address
            .as_ref()
            .and_then(|a| Address::parse(a, "address", &mut errors));
        if input.place_id.is_none() && input.address.is_none() {
            errors.push("address", "is required for an estate outside any place");
        }
        let floor = opt_int(&mut errors, "floor", input.floor, -10, 300);
        let door = opt_text(&mut errors, "door", &input.door, 20);
        let surface_m2 = opt_decimal(
            &mut errors,
            "surface_m2",
            input.surface_m2,
            Decimal::new(1, 2),
            Decimal::from(100_000),
        );
        let rooms_count = opt_int(&mut errors, "rooms_count", input.rooms_count, 0, 500);
        let tantiemes = opt_int(&mut errors, "tantiemes", input.tantiemes, 0, 1_000_000);
        if tantiemes.is_some() && input.place_id.is_none() {
            errors.push(
                "tantiemes",
                "needs a place_id: tantiemes are shares of a place",
            );
        }
        let construction_period = opt_enum(
            &mut errors,
            "construction_period",
            &input.construction_period,
            ConstructionPeriod::parse,
        );
        let requested_status =
            match opt_enum(&mut errors, "status", &input.status, EstateStatus::parse) {
                Some(EstateStatus::Occupied) => {
                    errors.push(
                        "status",
                        "OCCUPIED follows from an active lease and cannot be set",
                    );
                    EstateStatus::Vacant
                }
                Some(s) => s,
                None => EstateStatus::Vacant,
            };
        let notes = opt_notes(&mut errors, &input.notes, 5000);
        errors.into_result()?;
        let (Some(owner_id), Some(type_id)) = (owner_id, type_id) else {
            return Err(ValidationErrors::single("owner_id", "is required"));
        };
        Ok(Self {
            place_id: input.place_id,
            owner_id,
            type_id,
            reference,
            address,
            floor: floor.map(|f| f as i32),
            door,
            surface_m2,
            rooms_count: rooms_count.map(|r| r as i32),
            is_furnished: input.is_furnished.unwrap_or(false),
            tantiemes,
            construction_period,
            rent_control_zone_id: input.rent_control_zone_id,
            requested_status,
            notes,
        })
    }
}

/// An estate as stored and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estate {
    pub id: EstateId,
    pub data: EstateData,
    /// The stored reference (given or generated).
    pub reference: Text,
    /// The place's address, when the estate has none of its own (read from storage).
    pub place_address: Option<Address>,
    pub status: EstateStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Estate {
    pub fn new(data: EstateData, now: DateTime<Utc>) -> Self {
        let reference = data
            .reference
            .clone()
            .unwrap_or_else(|| Text::from_trusted(String::new()));
        Self {
            id: EstateId::generate(),
            status: data.requested_status,
            data,
            reference,
            place_address: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// Replaces the client's fields; a given reference replaces the stored one, an absent one
    /// keeps it. The status follows the request unless a lease holds the estate.
    pub fn replace(&mut self, data: EstateData, now: DateTime<Utc>) {
        if let Some(r) = &data.reference {
            self.reference = r.clone();
        }
        if self.status != EstateStatus::Occupied {
            self.status = data.requested_status;
        }
        self.data = data;
        self.updated_at = now;
    }

    /// The address in force: its own, or else its place's.
    pub fn effective_address(&self) -> Option<&Address> {
        self.data.address.as_ref().or(self.place_address.as_ref())
    }
}

sort_fields!(
    pub EstateSort {
        Reference => "reference",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
        SurfaceM2 => "surface_m2",
        Floor => "floor",
    }
);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstateFilter {
    pub place_id: Option<PlaceId>,
    pub owner_id: Option<OwnerId>,
    pub type_id: Option<TypeId>,
    pub status: Option<EstateStatus>,
    pub is_furnished: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn base() -> EstateInput {
        EstateInput {
            place_id: Some(PlaceId::generate()),
            owner_id: Some(OwnerId::generate()),
            type_id: Some(TypeId::generate()),
            ..Default::default()
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_estate_needs_an_owner_a_type_and_an_address_somewhere() {
        let e = EstateData::parse(&EstateInput::default()).expect_err("invalid");
        assert_eq!(fields(&e), ["owner_id", "type_id", "address"]);
        assert!(EstateData::parse(&base()).is_ok());
    }

    #[test]
    fn a_standalone_estate_holds_no_tantiemes() {
        let e = EstateData::parse(&EstateInput {
            place_id: None,
            tantiemes: Some(120),
            address: Some(AddressInput {
                street: Some("1 chemin des Vignes".into()),
                postal_code: Some("33000".into()),
                city: Some("Bordeaux".into()),
                country: None,
            }),
            ..base()
        })
        .expect_err("invalid");
        assert_eq!(fields(&e), ["tantiemes"]);
    }

    #[test]
    fn surfaces_are_exact_and_status_cannot_be_occupied() {
        let e = EstateData::parse(&EstateInput {
            surface_m2: Some(Decimal::from_str("45.123").expect("d")),
            status: Some("OCCUPIED".into()),
            reference: Some("A<script>".into()),
            ..base()
        })
        .expect_err("invalid");
        assert_eq!(fields(&e), ["reference", "surface_m2", "status"]);
        let ok = EstateData::parse(&EstateInput {
            surface_m2: Some(Decimal::from_str("45.50").expect("d")),
            status: Some("UNAVAILABLE".into()),
            ..base()
        })
        .expect("valid");
        assert_eq!(ok.surface_m2, Some(Decimal::from_str("45.5").expect("d")));
        assert_eq!(ok.requested_status, EstateStatus::Unavailable);
    }

    #[test]
    fn the_address_in_force_is_inherited_until_set() {
        let mut e = Estate::new(EstateData::parse(&base()).expect("valid"), Utc::now());
        assert!(e.effective_address().is_none());
        let mut errors = ValidationErrors::new();
        e.place_address = Address::parse(
            &AddressInput {
                street: Some("3 place Bellecour".into()),
                postal_code: Some("69002".into()),
                city: Some("Lyon".into()),
                country: None,
            },
            "a",
            &mut errors,
        );
        assert_eq!(e.effective_address().map(|a| a.city.as_str()), Some("Lyon"));
    }
}
