//! Port traits: what the use cases need from the outside world, and nothing about how.
//!
//! Every repository method that touches tenant data takes the [`TenantId`] first: tenant scoping
//! is never optional. Adapters enforce it a second time (PostgreSQL row-level security).

/// A resource of its own repository: its id, filter, sort fields and noun (its `id` field is
/// its id).
macro_rules! resource {
    ($ty:ty, $id:ty, $filter:ty, $sort:ty, $name:literal) => {
        impl $crate::Resource for $ty {
            type Id = $id;
            type Filter = $filter;
            type SortField = $sort;
            const NAME: &'static str = $name;
            fn id(&self) -> $id {
                self.id
            }
        }
    };
}

pub mod access;
pub mod annexes;
pub mod audit;
pub mod charges;
pub mod credits;
pub mod idempotency;
pub mod leases;
pub mod media;
pub mod meters;
pub mod notify;
pub mod payments;
pub mod pdf;
pub mod property;
pub mod rent;
pub mod repository;
pub mod signatures;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use access::{ApiKeyRecord, ApiKeyStore, Credential, CredentialOwner, Tenant, WorkerKeyRecord};
pub use faireplace_kernel::TenantId;
pub use idempotency::{IdempotencyStore, StoredAnswer};
pub use media::{
    BlobError, BlobStore, ByteStream, Media, MediaContentType, MediaEntityType, MediaId,
    MediaRepository, StoredBlob,
};
pub use notify::{Notifier, NotifyError, OutgoingMessage};
pub use payments::{
    CheckoutRequest, CheckoutSession, EventOutcome, EventRecord, PaymentError, PaymentEvent,
    PaymentGateway, PaymentStore, Recorded, WebhookError,
};
pub use repository::{Exists, ListQuery, RepoError, Repository, Resource};

/// The time, injectable so that tests can fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Now, to the microsecond: the precision PostgreSQL keeps, so that what a create answers
    /// is what a later read answers.
    fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        Utc::now().trunc_subsecs(6)
    }
}

/// Whether the storage answers (readiness).
#[async_trait]
pub trait HealthCheck: Send + Sync {
    async fn ping(&self) -> Result<(), RepoError>;
}
