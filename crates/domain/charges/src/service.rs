//! Place services: what a building offers (lifts, heating, fibre…), and, when it is billed to
//! lessees, under which charge category and with which default distribution key.

use faireplace_kernel::values::Text;
use faireplace_kernel::{ValidationErrors, sort_fields, text_enum};

use faireplace_kernel::ids::{ChargeCategoryId, DistributionKeyId, PlaceId};

pub use faireplace_kernel::ids::PlaceServiceId;

text_enum!(
    /// Where a service operates.
    pub SpaceType {
        IndoorCommon => "INDOOR_COMMON",
        OutdoorCommon => "OUTDOOR_COMMON",
        Private => "PRIVATE",
        Technical => "TECHNICAL",
        Garden => "GARDEN",
        Parking => "PARKING",
        TelecomServices => "TELECOM_SERVICES",
    }
);

#[derive(Debug, Clone, Default)]
pub struct PlaceServiceInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub is_chargeable: Option<bool>,
    pub category_id: Option<ChargeCategoryId>,
    pub space_type: Option<String>,
    pub default_distribution_key_id: Option<DistributionKeyId>,
}

/// How a chargeable service is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Billing {
    pub category_id: ChargeCategoryId,
    pub default_distribution_key_id: DistributionKeyId,
}

/// A valid service, without identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceServiceData {
    pub name: Text,
    pub description: Option<Text>,
    pub space_type: SpaceType,
    /// `Some` exactly when the service is chargeable.
    pub billing: Option<Billing>,
}

impl PlaceServiceData {
    /// When `is_chargeable` is true, `category_id` and `default_distribution_key_id` are
    /// required (each missing one is named); when false they are ignored.
    pub fn parse(input: &PlaceServiceInput) -> Result<Self, ValidationErrors> {
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
        if input.is_chargeable.is_none() {
            errors.push("is_chargeable", "is required");
        }
        let space_type = match input.space_type.as_deref() {
            None => {
                errors.push("space_type", "is required");
                None
            }
            Some(s) => errors.take("space_type", SpaceType::parse(s)),
        };
        let billing = if input.is_chargeable == Some(true) {
            if input.category_id.is_none() {
                errors.push("category_id", "is required when is_chargeable is true");
            }
            if input.default_distribution_key_id.is_none() {
                errors.push(
                    "default_distribution_key_id",
                    "is required when is_chargeable is true",
                );
            }
            match (input.category_id, input.default_distribution_key_id) {
                (Some(category_id), Some(default_distribution_key_id)) => Some(Billing {
                    category_id,
                    default_distribution_key_id,
                }),
                _ => None,
            }
        } else {
            None
        };
        errors.into_result()?;
        let (Some(name), Some(space_type)) = (name, space_type) else {
            return Err(ValidationErrors::single("name", "is required"));
        };
        Ok(Self {
            name,
            description,
            space_type,
            billing,
        })
    }
}

faireplace_kernel::entity!(
    /// A service as stored and read.
    pub PlaceService(PlaceServiceId) { place_id: PlaceId } data PlaceServiceData
);

sort_fields!(
    pub PlaceServiceSort {
        Name => "name",
        SpaceType => "space_type",
        CreatedAt => "created_at",
    }
);

/// Filters of a place's services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceServiceFilter {
    pub place_id: Option<PlaceId>,
    pub space_type: Option<SpaceType>,
    pub is_chargeable: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PlaceServiceInput {
        PlaceServiceInput {
            name: Some("Ascenseur".into()),
            is_chargeable: Some(true),
            category_id: Some(ChargeCategoryId::generate()),
            space_type: Some("TECHNICAL".into()),
            default_distribution_key_id: Some(DistributionKeyId::generate()),
            ..Default::default()
        }
    }

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_chargeable_service_names_its_category_and_key() {
        assert!(
            PlaceServiceData::parse(&input())
                .expect("ok")
                .billing
                .is_some()
        );
        let e = PlaceServiceData::parse(&PlaceServiceInput {
            category_id: None,
            default_distribution_key_id: None,
            ..input()
        })
        .expect_err("missing");
        assert_eq!(fields(&e), ["category_id", "default_distribution_key_id"]);
        let e = PlaceServiceData::parse(&PlaceServiceInput {
            default_distribution_key_id: None,
            ..input()
        })
        .expect_err("missing");
        assert_eq!(fields(&e), ["default_distribution_key_id"]);
    }

    #[test]
    fn a_free_service_ignores_category_and_key() {
        let free = PlaceServiceData::parse(&PlaceServiceInput {
            is_chargeable: Some(false),
            ..input()
        })
        .expect("ok");
        assert_eq!(free.billing, None);
        let e = PlaceServiceData::parse(&PlaceServiceInput::default()).expect_err("empty");
        assert_eq!(fields(&e), ["name", "is_chargeable", "space_type"]);
    }
}
