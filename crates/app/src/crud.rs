//! The management use cases of a tenant-owned resource: create, read, list, replace, patch,
//! delete, with the checks that read other resources, and the audit entry of each change
//! written in the change's own transaction. HTTP, a command line or a job call these, and get
//! the same rules and the same audit.
//!
//! [`ItemService`] serves any resource declared once ([`faireplace_kernel::Declared`]): it
//! reads a client's JSON into the declared record, so the adapters only parse and map.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use faireplace_kernel::item::{Declared, Item, ItemFilter, ItemSort, Parent};
use faireplace_kernel::record::{Context, IdValue};
use faireplace_kernel::{Page, TenantId, ValidationErrors};
use faireplace_ports::audit::{AuditAction, AuditEntry, Journal};
use faireplace_ports::{Clock, Exists, ListQuery, RepoError, Repository, Resource};
use serde_json::Value as Json;

use crate::{AppError, Principal};

/// How a resource's changes are written to the audit log: its entity type, and the resource
/// as the log keeps it (what a client reads).
pub struct Audited<R> {
    pub entity_type: &'static str,
    pub encode: fn(&R) -> Json,
}

impl<R> Clone for Audited<R> {
    fn clone(&self) -> Self {
        Self {
            entity_type: self.entity_type,
            encode: self.encode,
        }
    }
}

/// Checks of a resource that read other resources (a syndic that is a SYNDIC contact, a key
/// holder that exists…), run before each save, and what forbids a delete.
#[async_trait]
pub trait Checks<R>: Send + Sync {
    async fn check(&self, tenant: TenantId, item: &mut R) -> Result<(), AppError>;
    /// Refuses a delete (409) before storage is asked.
    fn check_delete(&self, _item: &R) -> Result<(), AppError> {
        Ok(())
    }
}

/// The management use cases of one resource type.
pub struct CrudService<R: Resource> {
    repo: Arc<dyn Repository<R>>,
    clock: Arc<dyn Clock>,
    audit: Option<Audited<R>>,
    checks: Option<Arc<dyn Checks<R>>>,
}

impl<R: Resource> Clone for CrudService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: self.clock.clone(),
            audit: self.audit.clone(),
            checks: self.checks.clone(),
        }
    }
}

impl<R: Resource> CrudService<R> {
    pub fn new(repo: Arc<dyn Repository<R>>, clock: Arc<dyn Clock>) -> Self {
        Self {
            repo,
            clock,
            audit: None,
            checks: None,
        }
    }

    /// Writes every change to the audit log, in the change's transaction.
    pub fn audited(mut self, entity_type: &'static str, encode: fn(&R) -> Json) -> Self {
        self.audit = Some(Audited {
            entity_type,
            encode,
        });
        self
    }

    /// Runs `checks` before each save and delete.
    pub fn checked(mut self, checks: Arc<dyn Checks<R>>) -> Self {
        self.checks = Some(checks);
        self
    }

    /// These use cases, audited as `audited` says.
    pub fn with_audit(&self, audited: Audited<R>) -> Self {
        let mut s = self.clone();
        s.audit = Some(audited);
        s
    }

    fn err(e: RepoError) -> AppError {
        AppError::from_repo(R::NAME, e)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The context records are read in.
    pub fn context(&self) -> Context {
        Context {
            today: self.clock.now().date_naive(),
        }
    }

    /// The journal of a change: its audit entry when the resource is audited.
    fn journal(
        &self,
        principal: &Principal,
        id: R::Id,
        action: AuditAction,
        before: Option<&R>,
        after: Option<&R>,
    ) -> Journal {
        let Some(audit) = &self.audit else {
            return Journal::NONE;
        };
        Journal::audit(AuditEntry {
            id: uuid::Uuid::now_v7(),
            entity_type: audit.entity_type.to_owned(),
            entity_id: uuid::Uuid::parse_str(&id.to_string()).unwrap_or_default(),
            action,
            before: before.map(audit.encode),
            after: after.map(audit.encode),
            key_id: principal.key_id(),
            created_at: self.clock.now(),
        })
    }

    async fn checked_item(&self, tenant: TenantId, item: &mut R) -> Result<(), AppError> {
        match &self.checks {
            Some(c) => c.check(tenant, item).await,
            None => Ok(()),
        }
    }

    /// Checks and stores what `build` makes at the current time.
    pub async fn create(
        &self,
        principal: &Principal,
        build: impl FnOnce(DateTime<Utc>) -> Result<R, AppError> + Send,
    ) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        let mut item = build(self.clock.now())?;
        self.checked_item(tenant, &mut item).await?;
        let journal = self.journal(principal, item.id(), AuditAction::Create, None, Some(&item));
        self.repo
            .insert(tenant, &item, &journal)
            .await
            .map_err(Self::err)
    }

    pub async fn get(&self, principal: &Principal, id: R::Id) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        self.get_in(tenant, id).await
    }

    async fn get_in(&self, tenant: TenantId, id: R::Id) -> Result<R, AppError> {
        self.repo
            .get(tenant, id)
            .await
            .map_err(Self::err)?
            .ok_or(AppError::NotFound(R::NAME))
    }

    pub async fn list(
        &self,
        principal: &Principal,
        query: &ListQuery<R>,
    ) -> Result<Page<R>, AppError> {
        let tenant = principal.manage()?;
        self.repo.list(tenant, query).await.map_err(Self::err)
    }

    /// Loads the resource, lets `apply` change it at the current time, checks and saves it.
    pub async fn update(
        &self,
        principal: &Principal,
        id: R::Id,
        apply: impl FnOnce(&mut R, DateTime<Utc>) -> Result<(), AppError> + Send,
    ) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        let before = self.get_in(tenant, id).await?;
        self.change(principal, before, apply).await
    }

    /// Changes an item the caller loaded (`before`): `apply` changes it at the current time,
    /// then it is checked and saved.
    pub async fn change(
        &self,
        principal: &Principal,
        before: R,
        apply: impl FnOnce(&mut R, DateTime<Utc>) -> Result<(), AppError> + Send,
    ) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        let mut item = before.clone();
        apply(&mut item, self.clock.now())?;
        self.checked_item(tenant, &mut item).await?;
        let journal = self.journal(
            principal,
            item.id(),
            AuditAction::Update,
            Some(&before),
            Some(&item),
        );
        self.repo
            .update(tenant, &item, &journal)
            .await
            .map_err(Self::err)?
            .ok_or(AppError::NotFound(R::NAME))
    }

    /// Deletes an item the caller loaded.
    pub async fn remove(&self, principal: &Principal, item: &R) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        if let Some(c) = &self.checks {
            c.check_delete(item)?;
        }
        let journal = self.journal(principal, item.id(), AuditAction::Delete, Some(item), None);
        if self
            .repo
            .delete(tenant, item.id(), &journal)
            .await
            .map_err(Self::err)?
        {
            Ok(())
        } else {
            Err(AppError::NotFound(R::NAME))
        }
    }

    pub async fn delete(&self, principal: &Principal, id: R::Id) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        let item = self.get_in(tenant, id).await?;
        self.remove(principal, &item).await
    }
}

/// Applies a JSON merge patch (RFC 7396) to `target`: members of `patch` replace those of
/// `target`, `null` removes them, objects merge member by member.
pub fn merge_patch(target: &mut Json, patch: &Json) {
    match (target, patch) {
        (Json::Object(t), Json::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.insert(k.clone(), Json::Null);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Json::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// What follows a committed delete on this instance (a lessee's keys forgotten at once).
pub type AfterDelete<D> = Arc<dyn Fn(TenantId, &Item<D>) + Send + Sync>;

/// The use cases of a resource declared once: a client's JSON read into its record, its
/// parent checked, its changes audited as declared.
pub struct ItemService<D: Declared> {
    crud: CrudService<Item<D>>,
    parent: Option<Arc<dyn Exists>>,
    after_delete: Option<AfterDelete<D>>,
}

impl<D: Declared> Clone for ItemService<D> {
    fn clone(&self) -> Self {
        Self {
            crud: self.crud.clone(),
            parent: self.parent.clone(),
            after_delete: self.after_delete.clone(),
        }
    }
}

impl<D: Declared> ItemService<D> {
    /// `parent` tells whether a parent exists (for what hangs under one).
    pub fn new(
        repo: Arc<dyn Repository<Item<D>>>,
        clock: Arc<dyn Clock>,
        parent: Option<Arc<dyn Exists>>,
    ) -> Self {
        let mut crud = CrudService::new(repo, clock);
        if let Some(entity) = D::AUDIT {
            crud = crud.audited(entity, Item::<D>::to_json);
        }
        Self {
            crud,
            parent,
            after_delete: None,
        }
    }

    /// Runs `checks` before each save and delete.
    pub fn checked(mut self, checks: Arc<dyn Checks<Item<D>>>) -> Self {
        self.crud = self.crud.checked(checks);
        self
    }

    /// Runs `hook` once a delete is committed.
    pub fn after_delete(mut self, hook: AfterDelete<D>) -> Self {
        self.after_delete = Some(hook);
        self
    }

    /// The underlying use cases (for callers holding a typed item).
    pub fn crud(&self) -> &CrudService<Item<D>> {
        &self.crud
    }

    /// 404 when the parent is not in the caller's tenant.
    async fn check_parent(&self, tenant: TenantId, parent: D::Parent) -> Result<(), AppError> {
        let (Some(lookup), Some(id)) = (&self.parent, parent.parent_uuid()) else {
            return Ok(());
        };
        if lookup
            .exists(tenant, id)
            .await
            .map_err(|e| AppError::from_repo(D::NOUN, e))?
        {
            Ok(())
        } else {
            Err(AppError::NotFound("parent"))
        }
    }

    fn read(&self, body: &Json) -> Result<D, AppError> {
        D::decode_json(body, &self.crud.context()).map_err(AppError::Validation)
    }

    /// Creates an item from a client's JSON.
    pub async fn create(
        &self,
        principal: &Principal,
        parent: D::Parent,
        body: &Json,
    ) -> Result<Item<D>, AppError> {
        let tenant = principal.manage()?;
        self.check_parent(tenant, parent).await?;
        let data = self.read(body)?;
        let id = <D::Id as IdValue>::from_uuid(uuid::Uuid::now_v7());
        self.crud
            .create(principal, move |now| Ok(Item::new(id, parent, data, now)))
            .await
    }

    /// Reads an item under its parent (404 under another).
    pub async fn get(
        &self,
        principal: &Principal,
        parent: D::Parent,
        id: D::Id,
    ) -> Result<Item<D>, AppError> {
        let item = self.crud.get(principal, id).await?;
        if item.parent == parent {
            Ok(item)
        } else {
            Err(AppError::NotFound(D::NOUN))
        }
    }

    /// A page of the items under `parent`, filtered, searched and sorted.
    pub async fn list(
        &self,
        principal: &Principal,
        parent: D::Parent,
        mut query: ListQuery<Item<D>>,
    ) -> Result<Page<Item<D>>, AppError> {
        let tenant = principal.manage()?;
        self.check_parent(tenant, parent).await?;
        query.filter.parent = parent.parent_uuid();
        self.crud.list(principal, &query).await
    }

    /// Replaces every field from a client's JSON.
    pub async fn replace(
        &self,
        principal: &Principal,
        parent: D::Parent,
        id: D::Id,
        body: &Json,
    ) -> Result<Item<D>, AppError> {
        let before = self.get(principal, parent, id).await?;
        let data = self.read(body)?;
        self.crud
            .change(principal, before, move |item, now| {
                item.replace(data, now);
                Ok(())
            })
            .await
    }

    /// Changes the fields a JSON merge patch names.
    pub async fn patch(
        &self,
        principal: &Principal,
        parent: D::Parent,
        id: D::Id,
        patch: &Json,
    ) -> Result<Item<D>, AppError> {
        if !patch.is_object() {
            return Err(AppError::Validation(ValidationErrors::single(
                "body",
                "a PATCH body must be a JSON object",
            )));
        }
        let before = self.get(principal, parent, id).await?;
        let mut doc = before.data.encode_json();
        merge_patch(&mut doc, patch);
        let data = self.read(&doc)?;
        self.crud
            .change(principal, before, move |item, now| {
                item.replace(data, now);
                Ok(())
            })
            .await
    }

    pub async fn delete(
        &self,
        principal: &Principal,
        parent: D::Parent,
        id: D::Id,
    ) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        let item = self.get(principal, parent, id).await?;
        self.crud.remove(principal, &item).await?;
        if let Some(hook) = &self.after_delete {
            hook(tenant, &item);
        }
        Ok(())
    }
}

/// The list query of an item type, from parsed parts.
pub fn item_query<D: Declared>(
    page: faireplace_kernel::PageRequest,
    sort: faireplace_kernel::Sort<ItemSort<D>>,
    search: Option<String>,
    filter: ItemFilter,
) -> ListQuery<Item<D>> {
    ListQuery {
        page,
        sort,
        search,
        filter,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use faireplace_kernel::access::Role;
    use faireplace_kernel::ids::ApiKeyId;
    use faireplace_parties::{LesseeData, LesseeId};
    use serde_json::json;

    use super::*;
    use crate::principal::TenantPrincipal;

    /// Lessees in memory, one tenant's.
    #[derive(Default)]
    struct Memory(Mutex<HashMap<LesseeId, Item<LesseeData>>>);

    #[async_trait]
    impl Repository<Item<LesseeData>> for Memory {
        async fn insert(
            &self,
            _: TenantId,
            item: &Item<LesseeData>,
            _: &Journal,
        ) -> Result<Item<LesseeData>, RepoError> {
            let mut rows = self
                .0
                .lock()
                .map_err(|e| RepoError::Unknown(e.to_string().into()))?;
            rows.insert(item.id, item.clone());
            Ok(item.clone())
        }
        async fn get(
            &self,
            _: TenantId,
            id: LesseeId,
        ) -> Result<Option<Item<LesseeData>>, RepoError> {
            let rows = self
                .0
                .lock()
                .map_err(|e| RepoError::Unknown(e.to_string().into()))?;
            Ok(rows.get(&id).cloned())
        }
        async fn list(
            &self,
            _: TenantId,
            _: &ListQuery<Item<LesseeData>>,
        ) -> Result<Page<Item<LesseeData>>, RepoError> {
            Err(RepoError::Unknown("not needed".into()))
        }
        async fn update(
            &self,
            _: TenantId,
            item: &Item<LesseeData>,
            _: &Journal,
        ) -> Result<Option<Item<LesseeData>>, RepoError> {
            let mut rows = self
                .0
                .lock()
                .map_err(|e| RepoError::Unknown(e.to_string().into()))?;
            Ok(rows.insert(item.id, item.clone()).map(|_| item.clone()))
        }
        async fn delete(&self, _: TenantId, id: LesseeId, _: &Journal) -> Result<bool, RepoError> {
            let mut rows = self
                .0
                .lock()
                .map_err(|e| RepoError::Unknown(e.to_string().into()))?;
            Ok(rows.remove(&id).is_some())
        }
    }

    struct Fixed;

    impl Clock for Fixed {
        fn now(&self) -> DateTime<Utc> {
            DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
        }
    }

    #[tokio::test]
    async fn the_after_delete_hook_follows_a_committed_delete_only() {
        let deleted: Arc<Mutex<Vec<(TenantId, LesseeId)>>> = Arc::default();
        let seen = deleted.clone();
        let service =
            ItemService::<LesseeData>::new(Arc::new(Memory::default()), Arc::new(Fixed), None)
                .after_delete(Arc::new(move |tenant, lessee| {
                    if let Ok(mut seen) = seen.lock() {
                        seen.push((tenant, lessee.id));
                    }
                }));
        let tenant = TenantId::generate();
        let manager = Principal::Tenant(TenantPrincipal {
            tenant_id: tenant,
            key: ApiKeyId::generate(),
            role: Role::Manager,
            scopes: Vec::new(),
            lessee_id: None,
        });
        let lessee = service
            .create(
                &manager,
                (),
                &json!({"first_name": "Léa", "last_name": "Bernard"}),
            )
            .await
            .expect("created");
        // Nothing deleted, nothing followed.
        let missing = LesseeId::generate();
        assert!(service.delete(&manager, (), missing).await.is_err());
        assert!(deleted.lock().expect("lock").is_empty());

        service
            .delete(&manager, (), lessee.id)
            .await
            .expect("deleted");
        assert_eq!(*deleted.lock().expect("lock"), [(tenant, lessee.id)]);
    }
}
