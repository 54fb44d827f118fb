//! Lease resources.

use faireplace_kernel::sort_fields;
use faireplace_leases::{LeaseType, LeaseTypeId};

use crate::Resource;

sort_fields!(
    pub LeaseTypeSort {
        Code => "code",
        Name => "name",
        CreatedAt => "created_at",
    }
);

/// Equality filters of the lease type list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaseTypeFilter {
    pub furnished: Option<bool>,
}

impl Resource for LeaseType {
    type Id = LeaseTypeId;
    type Filter = LeaseTypeFilter;
    type SortField = LeaseTypeSort;
    const NAME: &'static str = "lease type";
    fn id(&self) -> LeaseTypeId {
        self.id
    }
}
