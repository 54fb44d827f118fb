//! The checks of a charge category that read other resources: its maintenance provider is a
//! contact of the tenant. An empty maintenance is stored as none.

use std::sync::Arc;

use async_trait::async_trait;
use faireplace_charges::ChargeCategory;
use faireplace_kernel::TenantId;
use faireplace_ports::Exists;

use crate::{AppError, Checks};

/// Runs before each save of a category.
pub struct CategoryChecks {
    contacts: Arc<dyn Exists>,
}

impl CategoryChecks {
    /// `contacts` tells whether a contact exists in the tenant.
    pub fn new(contacts: Arc<dyn Exists>) -> Self {
        Self { contacts }
    }
}

#[async_trait]
impl Checks<ChargeCategory> for CategoryChecks {
    async fn check(&self, tenant: TenantId, item: &mut ChargeCategory) -> Result<(), AppError> {
        item.data = item.data.clone().normalized();
        let provider = item
            .data
            .maintenance
            .as_ref()
            .and_then(|m| m.provider_contact_id);
        if let Some(contact) = provider
            && !self
                .contacts
                .exists(tenant, contact.0)
                .await
                .map_err(|e| AppError::from_repo("contact", e))?
        {
            return Err(AppError::validation(
                "maintenance.provider_contact_id",
                "refers to a record that does not exist",
            ));
        }
        Ok(())
    }
}
