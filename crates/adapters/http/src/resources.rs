//! The resources declared once (`faireplace_kernel::Declared`): each line serves one, with its
//! routes and OpenAPI entries here and its table and use cases in the server's wiring.

use crate::items::Wire;

pub(crate) fn each(w: &mut impl Wire) {
    w.wire::<faireplace_banking::BankAccountData>();
    w.wire::<faireplace_parties::OwnerData>();
    w.wire::<faireplace_parties::ContactData>();
    w.wire::<faireplace_parties::LesseeData>();
}
