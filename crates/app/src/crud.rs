//! Create, read, list, update and delete of a tenant-owned resource, for management keys.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use faireplace_kernel::Page;
use faireplace_ports::{Clock, ListQuery, Repository, Resource};

use crate::{AppError, Principal};

/// The management use cases of one resource type.
pub struct CrudService<R: Resource> {
    repo: Arc<dyn Repository<R>>,
    clock: Arc<dyn Clock>,
}

impl<R: Resource> Clone for CrudService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: self.clock.clone(),
        }
    }
}

impl<R: Resource> CrudService<R> {
    pub fn new(repo: Arc<dyn Repository<R>>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    fn err(e: faireplace_ports::RepoError) -> AppError {
        AppError::from_repo(R::NAME, e)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Stores what `build` makes at the current time.
    pub async fn create(
        &self,
        principal: &Principal,
        build: impl FnOnce(DateTime<Utc>) -> R + Send,
    ) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        let item = build(self.clock.now());
        self.repo.insert(tenant, &item).await.map_err(Self::err)
    }

    pub async fn get(&self, principal: &Principal, id: R::Id) -> Result<R, AppError> {
        let tenant = principal.manage()?;
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

    /// Loads the resource, lets `apply` change it at the current time, and saves it.
    pub async fn update(
        &self,
        principal: &Principal,
        id: R::Id,
        apply: impl FnOnce(&mut R, DateTime<Utc>) -> Result<(), AppError> + Send,
    ) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        let mut item = self
            .repo
            .get(tenant, id)
            .await
            .map_err(Self::err)?
            .ok_or(AppError::NotFound(R::NAME))?;
        apply(&mut item, self.clock.now())?;
        self.repo
            .update(tenant, &item)
            .await
            .map_err(Self::err)?
            .ok_or(AppError::NotFound(R::NAME))
    }

    /// Saves an item the caller loaded and changed.
    pub async fn save(&self, principal: &Principal, item: &R) -> Result<R, AppError> {
        let tenant = principal.manage()?;
        self.repo
            .update(tenant, item)
            .await
            .map_err(Self::err)?
            .ok_or(AppError::NotFound(R::NAME))
    }

    pub async fn delete(&self, principal: &Principal, id: R::Id) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        if self.repo.delete(tenant, id).await.map_err(Self::err)? {
            Ok(())
        } else {
            Err(AppError::NotFound(R::NAME))
        }
    }
}
