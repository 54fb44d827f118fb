//! The generic repository of a tenant-owned resource.

use std::fmt;

use async_trait::async_trait;

use crate::audit::Journal;
use faireplace_kernel::paging::SortField;
use faireplace_kernel::{Page, PageRequest, Sort, TenantId};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What can go wrong in storage, in terms the use cases can act on.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A business rule checked in storage was broken (e.g. the tantiemes of a place).
    #[error("{field}: {message}")]
    Rule { field: String, message: String },
    /// A uniqueness rule was broken (the constraint's name says which).
    #[error("already exists ({constraint})")]
    Duplicate { constraint: String },
    /// A row cannot be deleted while others refer to it; `by` names what refers to it.
    #[error("still referenced by {by}")]
    InUse { by: String },
    /// A state conflict found in storage (an overlapping lease, a change made meanwhile);
    /// `code` is the stable reason (`CONFLICT`, `SERVICE_IN_USE`…).
    #[error("{message}")]
    Conflict {
        code: faireplace_kernel::ErrorCode,
        message: String,
    },
    /// A reference (the field named) points at nothing in this tenant.
    #[error("{field} refers to a missing record")]
    MissingReference { field: String },
    /// A stored value that cannot be read back (a row written by an older version, or by
    /// hand): never replaced by a made-up value. Logged with its table and id; a 500.
    #[error("{table} {id}: {error}")]
    Corrupt {
        table: &'static str,
        id: String,
        error: faireplace_kernel::record::DecodeError,
    },
    /// The storage cannot be reached or timed out.
    #[error("storage unavailable")]
    Unavailable(#[source] BoxError),
    #[error(transparent)]
    Unknown(BoxError),
}

/// Whether a row exists in a tenant: a parent, for what hangs under it (an estate, for its
/// rooms).
#[async_trait]
pub trait Exists: Send + Sync {
    async fn exists(&self, tenant: TenantId, id: uuid::Uuid) -> Result<bool, RepoError>;
}

/// A tenant-owned resource stored through [`Repository`].
pub trait Resource: Clone + Send + Sync + 'static {
    type Id: Copy + Send + Sync + fmt::Display + 'static;
    type Filter: Default + Send + Sync + 'static;
    type SortField: SortField + Send + Sync;
    /// The singular noun used in messages ("owner").
    const NAME: &'static str;
    fn id(&self) -> Self::Id;
}

/// A list request: page, sort, free-text search on names, equality filters.
#[derive(Debug, Clone)]
pub struct ListQuery<R: Resource> {
    pub page: PageRequest,
    pub sort: Sort<R::SortField>,
    pub search: Option<String>,
    pub filter: R::Filter,
}

/// Create, read, list, update and delete, always within one tenant. Each write leaves its
/// [`Journal`] (the audit entry of the change) in its own transaction.
#[async_trait]
pub trait Repository<R: Resource>: Send + Sync {
    /// Stores a new item and answers it as stored (with what storage derives or generates).
    async fn insert(&self, tenant: TenantId, item: &R, journal: &Journal) -> Result<R, RepoError>;
    async fn get(&self, tenant: TenantId, id: R::Id) -> Result<Option<R>, RepoError>;
    async fn list(&self, tenant: TenantId, query: &ListQuery<R>) -> Result<Page<R>, RepoError>;
    /// Saves every field and answers the item as stored; `None` when it does not exist (in
    /// this tenant).
    async fn update(
        &self,
        tenant: TenantId,
        item: &R,
        journal: &Journal,
    ) -> Result<Option<R>, RepoError>;
    /// `false` when the row does not exist (in this tenant).
    async fn delete(
        &self,
        tenant: TenantId,
        id: R::Id,
        journal: &Journal,
    ) -> Result<bool, RepoError>;
}

impl<D: faireplace_kernel::Declared> Resource for faireplace_kernel::Item<D> {
    type Id = D::Id;
    type Filter = faireplace_kernel::ItemFilter;
    type SortField = faireplace_kernel::ItemSort<D>;
    const NAME: &'static str = D::NOUN;
    fn id(&self) -> D::Id {
        self.id
    }
}
