//! Rent control (encadrement des loyers): the ceiling of a base rent in a listed zone.

use rust_decimal::{Decimal, RoundingStrategy};

/// The published rents per m² of one cell (zone, rooms, period, furnished).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceRent {
    pub reference_m2: Decimal,
    /// The ceiling (référence majorée, reference × 1.2 as published).
    pub increased_m2: Decimal,
    /// The floor (référence minorée, reference × 0.7 as published).
    pub reduced_m2: Decimal,
}

/// What is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RentControlInput {
    pub surface_m2: Decimal,
    /// Base rent excluding charges.
    pub rent_amount: Decimal,
    /// A rent supplement (complément de loyer) claimed for exceptional features.
    pub rent_supplement: Option<Decimal>,
    /// The estate's DPE label is F or G: no supplement may be claimed.
    pub energy_label_f_or_g: bool,
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RentControlOutcome {
    /// Ceiling per m² × surface, to the cent.
    pub max_rent: Decimal,
    /// The base rent is within the ceiling, and any supplement claimed is allowed.
    pub compliant: bool,
    /// How much the base rent exceeds the ceiling (0 when within).
    pub excess: Decimal,
    pub supplement_allowed: bool,
}

/// Rent control counts rooms 1, 2, 3, and 4 or more; a studio is one room.
pub fn rooms_bucket(rooms_count: i32) -> i16 {
    rooms_count.clamp(1, 4) as i16
}

/// Base rent ≤ ceiling per m² × living surface; a supplement is refused for F and G estates.
pub fn check(reference: &ReferenceRent, input: &RentControlInput) -> RentControlOutcome {
    let max_rent = (reference.increased_m2 * input.surface_m2)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let excess = (input.rent_amount - max_rent).max(Decimal::ZERO);
    let supplement_allowed = !input.energy_label_f_or_g;
    let supplement_ok = input
        .rent_supplement
        .is_none_or(|s| s <= Decimal::ZERO || supplement_allowed);
    RentControlOutcome {
        max_rent,
        compliant: excess == Decimal::ZERO && supplement_ok,
        excess,
        supplement_allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::dec as d;

    // Paris, secteur 1, 1 room, before 1946, unfurnished, from 2025-07-01: reference 34.4,
    // ceiling 41.3, floor 24.1 €/m².
    fn paris_1() -> ReferenceRent {
        ReferenceRent {
            reference_m2: d("34.4"),
            increased_m2: d("41.3"),
            reduced_m2: d("24.1"),
        }
    }

    #[test]
    fn a_rent_above_the_ceiling_is_excess() {
        // 41.3 × 30.5 = 1259.65; asked 1300.00 → 40.35 too much.
        let out = check(
            &paris_1(),
            &RentControlInput {
                surface_m2: d("30.5"),
                rent_amount: d("1300.00"),
                rent_supplement: None,
                energy_label_f_or_g: false,
            },
        );
        assert_eq!(out.max_rent, d("1259.65"));
        assert_eq!(out.excess, d("40.35"));
        assert!(!out.compliant);
        assert!(out.supplement_allowed);
    }

    #[test]
    fn no_supplement_for_f_and_g() {
        let input = RentControlInput {
            surface_m2: d("30"),
            rent_amount: d("1200"),
            rent_supplement: Some(d("150")),
            energy_label_f_or_g: true,
        };
        let out = check(&paris_1(), &input);
        assert_eq!(out.max_rent, d("1239.00"));
        assert_eq!(out.excess, Decimal::ZERO);
        assert!(!out.supplement_allowed);
        assert!(
            !out.compliant,
            "a supplement on an F or G estate is not allowed"
        );
        let out = check(
            &paris_1(),
            &RentControlInput {
                energy_label_f_or_g: false,
                ..input
            },
        );
        assert!(out.compliant);
    }

    #[test]
    fn rooms_are_counted_one_to_four_or_more() {
        assert_eq!([0, 1, 2, 3, 4, 7].map(rooms_bucket), [1, 1, 2, 3, 4, 4]);
    }
}
