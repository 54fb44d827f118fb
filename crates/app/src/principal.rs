//! Who is calling, once their key has been verified.

use faireplace_kernel::TenantId;
use faireplace_kernel::access::{Role, Scope};
use faireplace_kernel::ids::{ApiKeyId, WorkerKeyId};
use faireplace_parties::LesseeId;

use crate::AppError;

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Tenant(TenantPrincipal),
    Worker { key: WorkerKeyId },
}

/// A key acting inside one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantPrincipal {
    pub tenant_id: TenantId,
    pub key: ApiKeyId,
    pub role: Role,
    pub scopes: Vec<Scope>,
    pub lessee_id: Option<LesseeId>,
}

impl Principal {
    /// The key's id, for the audit log.
    pub fn key_id(&self) -> Option<uuid::Uuid> {
        match self {
            Principal::Tenant(t) => Some(t.key.as_uuid()),
            Principal::Worker { key } => Some(key.as_uuid()),
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Principal::Tenant(t) => t.role,
            Principal::Worker { .. } => Role::Worker,
        }
    }

    pub fn tenant_id(&self) -> Option<TenantId> {
        match self {
            Principal::Tenant(t) => Some(t.tenant_id),
            Principal::Worker { .. } => None,
        }
    }

    /// The tenant to manage, for OWNER and MANAGER keys.
    pub fn manage(&self) -> Result<TenantId, AppError> {
        match self {
            Principal::Tenant(t) if t.role.can_manage() => Ok(t.tenant_id),
            _ => Err(AppError::Forbidden(format!(
                "a {} key cannot use the management API",
                self.role()
            ))),
        }
    }

    /// The tenant, for OWNER keys only (key management, credit purchase).
    pub fn own(&self) -> Result<TenantId, AppError> {
        match self {
            Principal::Tenant(t) if t.role == Role::Owner => Ok(t.tenant_id),
            _ => Err(AppError::Forbidden(format!(
                "this action needs an OWNER key; this is a {} key",
                self.role()
            ))),
        }
    }

    /// For WORKER keys only (the platform's serverless workers).
    pub fn worker(&self) -> Result<(), AppError> {
        match self {
            Principal::Worker { .. } => Ok(()),
            _ => Err(AppError::Forbidden(format!(
                "the workers API takes WORKER keys; this is a {} key",
                self.role()
            ))),
        }
    }

    /// The tenant and lessee, for LESSEE keys holding `scope`.
    pub fn lessee(&self, scope: Scope) -> Result<(TenantId, LesseeId), AppError> {
        match self {
            Principal::Tenant(TenantPrincipal {
                tenant_id,
                role: Role::Lessee,
                scopes,
                lessee_id: Some(lessee_id),
                ..
            }) => {
                if scopes.contains(&scope) {
                    Ok((*tenant_id, *lessee_id))
                } else {
                    Err(AppError::Forbidden(format!(
                        "this key lacks the {scope} scope"
                    )))
                }
            }
            _ => Err(AppError::Forbidden(format!(
                "this endpoint is for LESSEE keys; this is a {} key",
                self.role()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(role: Role, scopes: Vec<Scope>) -> Principal {
        Principal::Tenant(TenantPrincipal {
            tenant_id: TenantId::generate(),
            key: ApiKeyId::generate(),
            role,
            scopes,
            lessee_id: (role == Role::Lessee).then(LesseeId::generate),
        })
    }

    #[test]
    fn roles_map_to_permissions() {
        assert!(with(Role::Owner, vec![]).manage().is_ok());
        assert!(with(Role::Manager, vec![]).manage().is_ok());
        assert!(with(Role::Manager, vec![]).own().is_err());
        assert!(
            with(Role::Lessee, vec![Scope::LeasesRead])
                .manage()
                .is_err()
        );
        let worker = Principal::Worker {
            key: WorkerKeyId::generate(),
        };
        assert!(worker.manage().is_err() && worker.own().is_err());
    }

    #[test]
    fn lessee_scopes_are_checked() {
        let p = with(Role::Lessee, vec![Scope::LeasesRead]);
        assert!(p.lessee(Scope::LeasesRead).is_ok());
        assert!(matches!(
            p.lessee(Scope::LeasesSign),
            Err(AppError::Forbidden(_))
        ));
        assert!(with(Role::Owner, vec![]).lessee(Scope::LeasesRead).is_err());
    }
}
