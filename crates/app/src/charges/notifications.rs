//! Notifications about charges: listed, and marked read or unread.

use std::sync::Arc;

use faireplace_charges::{NotificationId, NotificationKind};
use faireplace_kernel::{Page, PageRequest};
use faireplace_ports::charges::{Notification, NotificationStore};

use crate::{AppError, Principal};

#[derive(Clone)]
pub struct NotificationService {
    store: Arc<dyn NotificationStore>,
}

impl NotificationService {
    pub fn new(store: Arc<dyn NotificationStore>) -> Self {
        Self { store }
    }

    pub async fn list(
        &self,
        principal: &Principal,
        kind: Option<NotificationKind>,
        read: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Notification>, AppError> {
        let tenant = principal.manage()?;
        self.store
            .list(tenant, kind, read, page)
            .await
            .map_err(|e| AppError::from_repo("notification", e))
    }

    pub async fn mark(
        &self,
        principal: &Principal,
        id: NotificationId,
        read: bool,
    ) -> Result<Notification, AppError> {
        let tenant = principal.manage()?;
        self.store
            .mark(tenant, id, read)
            .await
            .map_err(|e| AppError::from_repo("notification", e))?
            .ok_or(AppError::NotFound("notification"))
    }
}
