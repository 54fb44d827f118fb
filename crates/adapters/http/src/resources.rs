//! The resources declared once (`faireplace_kernel::Declared`): each line serves one, with its
//! routes and OpenAPI entries here and its table and use cases in the server's wiring.

use crate::items::Wire;

pub(crate) fn each(w: &mut impl Wire) {
    w.wire::<faireplace_banking::BankAccountData>();
    w.wire::<faireplace_parties::OwnerData>();
    w.wire::<faireplace_parties::ContactData>();
    w.wire::<faireplace_parties::LesseeData>();
    w.wire::<faireplace_charges::ChargeCategoryData>();
    w.wire::<faireplace_charges::DistributionReferenceData>();
    w.wire::<faireplace_property::RoomData>();
    w.wire::<faireplace_property::EquipmentData>();
    w.wire::<faireplace_property::InventoryData>();
    w.wire::<faireplace_property::KeyData>();
}
