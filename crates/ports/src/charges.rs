//! Charge resources.

use faireplace_charges::{CategoryFilter, CategorySort, ChargeCategory, ChargeCategoryId};

use crate::Resource;

impl Resource for ChargeCategory {
    type Id = ChargeCategoryId;
    type Filter = CategoryFilter;
    type SortField = CategorySort;
    const NAME: &'static str = "charge category";
    fn id(&self) -> ChargeCategoryId {
        self.id
    }
}
