//! Checks of property resources that read other resources, run by their use cases before
//! each save: who holds an estate's keys, and a place's syndic.

use std::sync::Arc;

use async_trait::async_trait;
use faireplace_kernel::{TenantId, ValidationErrors};
use faireplace_parties::{Contact, ContactKind};
use faireplace_ports::{Clock, Exists, Repository};
use faireplace_property::{EstateKey, HolderKind, Place};

use crate::{AppError, Checks};

/// A key's hand-over time is not ahead of the clock, and its holder (an owner, lessee or
/// contact) exists in the tenant.
pub struct EstateKeyChecks {
    owners: Arc<dyn Exists>,
    lessees: Arc<dyn Exists>,
    contacts: Arc<dyn Exists>,
    clock: Arc<dyn Clock>,
}

impl EstateKeyChecks {
    /// Whether an owner, a lessee or a contact exists, by id.
    pub fn new(
        owners: Arc<dyn Exists>,
        lessees: Arc<dyn Exists>,
        contacts: Arc<dyn Exists>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            owners,
            lessees,
            contacts,
            clock,
        }
    }
}

#[async_trait]
impl Checks<EstateKey> for EstateKeyChecks {
    async fn check(&self, tenant: TenantId, key: &mut EstateKey) -> Result<(), AppError> {
        let mut errors = ValidationErrors::new();
        key.data.check_time(self.clock.now(), &mut errors);
        errors.into_result()?;
        let (Some(kind), Some(id)) = (key.data.holder_kind, key.data.holder_id) else {
            return Ok(());
        };
        let holders = match kind {
            HolderKind::Owner => &self.owners,
            HolderKind::Lessee => &self.lessees,
            HolderKind::Contact => &self.contacts,
            HolderKind::Agency => return Ok(()),
        };
        let found = holders
            .exists(tenant, id)
            .await
            .map_err(|e| AppError::from_repo("estate key", e))?;
        if found {
            Ok(())
        } else {
            Err(AppError::validation(
                "holder_id",
                format!("no {} with this id", kind.as_str().to_lowercase()),
            ))
        }
    }
}

/// A place's syndic is a SYNDIC contact of the tenant.
pub struct PlaceChecks {
    contacts: Arc<dyn Repository<Contact>>,
}

impl PlaceChecks {
    pub fn new(contacts: Arc<dyn Repository<Contact>>) -> Self {
        Self { contacts }
    }
}

#[async_trait]
impl Checks<Place> for PlaceChecks {
    async fn check(&self, tenant: TenantId, place: &mut Place) -> Result<(), AppError> {
        let Some(contact) = place.data.syndic_contact_id else {
            return Ok(());
        };
        let found = self
            .contacts
            .get(tenant, contact)
            .await
            .map_err(|e| AppError::from_repo("contact", e))?;
        match found {
            Some(c) if c.data.kind == ContactKind::Syndic => Ok(()),
            Some(_) => Err(AppError::validation(
                "syndic_contact_id",
                "must be a SYNDIC contact",
            )),
            None => Err(AppError::validation(
                "syndic_contact_id",
                "refers to a record that does not exist",
            )),
        }
    }
}
