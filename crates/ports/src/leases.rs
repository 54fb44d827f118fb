//! Lease resources.

use faireplace_kernel::sort_fields;
use faireplace_leases::{LeaseType, LeaseTypeId};

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
    /// The type of this code (a client may name a lease type by its code).
    pub code: Option<String>,
}

resource!(
    LeaseType,
    LeaseTypeId,
    LeaseTypeFilter,
    LeaseTypeSort,
    "lease type"
);

resource!(
    faireplace_leases::Lease,
    faireplace_leases::LeaseId,
    faireplace_leases::LeaseFilter,
    faireplace_leases::LeaseSort,
    "lease"
);

/// A revision to apply: the lease as read, and what the revision makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRevision {
    pub lease_id: faireplace_leases::LeaseId,
    /// The rent the decision was made on: the save is refused if it changed meanwhile.
    pub current_rent: rust_decimal::Decimal,
    /// The lease's `updated_at` as the decision read it: any change since refuses the save.
    pub read_at: chrono::DateTime<chrono::Utc>,
    pub new_rent: rust_decimal::Decimal,
    /// The revision date claimed (one revision per lease and date).
    pub revision_date: chrono::NaiveDate,
    pub effective_date: chrono::NaiveDate,
    pub index_quarter: faireplace_leases::Quarter,
    pub index_value: rust_decimal::Decimal,
    pub reference_value: rust_decimal::Decimal,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Leases: the generic repository, and what only leases have.
#[async_trait::async_trait]
pub trait LeaseStore: crate::Repository<faireplace_leases::Lease> {
    /// The lease's rent history, oldest first.
    async fn rent_history(
        &self,
        tenant: crate::TenantId,
        lease: faireplace_leases::LeaseId,
    ) -> Result<Vec<faireplace_leases::RentHistoryEntry>, crate::RepoError>;

    /// Writes a revision: the new rent and its history line, in one transaction, refused with
    /// `Conflict` when the rent changed or the date was revised meanwhile. `None`: no such lease.
    async fn apply_revision(
        &self,
        tenant: crate::TenantId,
        revision: &AppliedRevision,
    ) -> Result<Option<faireplace_leases::Lease>, crate::RepoError>;
}
