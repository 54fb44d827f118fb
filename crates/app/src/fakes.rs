//! In-memory stand-ins for the ports, so that the use cases are tested without a database (the
//! end-to-end suite runs them against PostgreSQL). A repository keeps items per tenant and
//! records the journal of every write; a clock is set by the test.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use faireplace_kernel::item::{Declared, Item, has_parent};
use faireplace_kernel::record::{IdValue, SqlValue};
use faireplace_kernel::{Page, TenantId};
use faireplace_ports::audit::Journal;
use faireplace_ports::{Clock, Exists, ListQuery, RepoError, Repository};

/// A clock the test sets.
pub struct FixedClock(pub Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(y: i32, m: u32, d: u32) -> Self {
        Self(Mutex::new(
            Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
                .single()
                .unwrap_or_default(),
        ))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

/// Declared items, per tenant, with the journal of every write.
pub struct MemoryItems<D: Declared> {
    items: Mutex<HashMap<(TenantId, uuid::Uuid), Item<D>>>,
    pub journals: Mutex<Vec<Journal>>,
}

impl<D: Declared> Default for MemoryItems<D> {
    fn default() -> Self {
        Self {
            items: Mutex::new(HashMap::new()),
            journals: Mutex::new(Vec::new()),
        }
    }
}

impl<D: Declared> MemoryItems<D> {
    fn remember(&self, journal: &Journal) {
        if let Ok(mut j) = self.journals.lock() {
            j.push(journal.clone());
        }
    }

    /// The stored value of `column`, as the database would hold it.
    fn column_value(item: &Item<D>, column: &str) -> Option<SqlValue> {
        Item::<D>::columns()
            .iter()
            .position(|c| c.name == column)
            .and_then(|i| item.to_sql().into_iter().nth(i))
    }
}

fn locked<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, RepoError> {
    m.lock()
        .map_err(|_| RepoError::Unknown("a fake's lock was poisoned".into()))
}

#[async_trait]
impl<D: Declared> Repository<Item<D>> for MemoryItems<D> {
    async fn insert(
        &self,
        tenant: TenantId,
        item: &Item<D>,
        journal: &Journal,
    ) -> Result<Item<D>, RepoError> {
        locked(&self.items)?.insert((tenant, item.id.to_uuid()), item.clone());
        self.remember(journal);
        Ok(item.clone())
    }

    async fn get(&self, tenant: TenantId, id: D::Id) -> Result<Option<Item<D>>, RepoError> {
        Ok(locked(&self.items)?.get(&(tenant, id.to_uuid())).cloned())
    }

    async fn list(
        &self,
        tenant: TenantId,
        query: &ListQuery<Item<D>>,
    ) -> Result<Page<Item<D>>, RepoError> {
        use faireplace_kernel::paging::SortField;
        let items = locked(&self.items)?;
        let mut found: Vec<Item<D>> = items
            .iter()
            .filter(|((t, _), _)| *t == tenant)
            .map(|(_, i)| i.clone())
            .filter(|i| {
                !has_parent::<D>()
                    || query.filter.parent.is_none()
                    || i.parent_uuid() == query.filter.parent
            })
            .filter(|i| {
                query
                    .filter
                    .equals
                    .iter()
                    .all(|(c, v)| Self::column_value(i, c).as_ref() == Some(v))
            })
            .filter(|i| match &query.search {
                None => true,
                Some(term) => D::SEARCH.iter().any(|c| match Self::column_value(i, c) {
                    Some(SqlValue::Text(Some(t))) => {
                        t.to_lowercase().contains(&term.to_lowercase())
                    }
                    _ => false,
                }),
            })
            .collect();
        let column = query.sort.field.name();
        found.sort_by(|a, b| {
            let key = |i: &Item<D>| format!("{:?}", Self::column_value(i, column));
            let order = key(a)
                .cmp(&key(b))
                .then(a.id.to_uuid().cmp(&b.id.to_uuid()));
            if query.sort.descending {
                order.reverse()
            } else {
                order
            }
        });
        let total = found.len() as u64;
        let items = found
            .into_iter()
            .skip(query.page.offset() as usize)
            .take(query.page.limit() as usize)
            .collect();
        Ok(Page {
            items,
            request: query.page,
            total,
        })
    }

    async fn update(
        &self,
        tenant: TenantId,
        item: &Item<D>,
        journal: &Journal,
    ) -> Result<Option<Item<D>>, RepoError> {
        let mut items = locked(&self.items)?;
        let Some(stored) = items.get_mut(&(tenant, item.id.to_uuid())) else {
            return Ok(None);
        };
        *stored = item.clone();
        drop(items);
        self.remember(journal);
        Ok(Some(item.clone()))
    }

    async fn delete(
        &self,
        tenant: TenantId,
        id: D::Id,
        journal: &Journal,
    ) -> Result<bool, RepoError> {
        let removed = locked(&self.items)?
            .remove(&(tenant, id.to_uuid()))
            .is_some();
        if removed {
            self.remember(journal);
        }
        Ok(removed)
    }
}

/// Parents that exist: those the test names.
#[derive(Default)]
pub struct KnownParents(pub Mutex<Vec<(TenantId, uuid::Uuid)>>);

#[async_trait]
impl Exists for KnownParents {
    async fn exists(&self, tenant: TenantId, id: uuid::Uuid) -> Result<bool, RepoError> {
        Ok(locked(&self.0)?.contains(&(tenant, id)))
    }
}

/// The parent's id of an item, when it has one.
trait ParentUuid {
    fn parent_uuid(&self) -> Option<uuid::Uuid>;
}

impl<D: Declared> ParentUuid for Item<D> {
    fn parent_uuid(&self) -> Option<uuid::Uuid> {
        faireplace_kernel::item::Parent::parent_uuid(&self.parent)
    }
}
