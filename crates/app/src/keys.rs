//! API keys: creation (the secret shown once), listing, revocation; tenants and worker keys
//! for the operator's command line.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use faireplace_kernel::access::{ApiToken, Role, Scope};
use faireplace_kernel::ids::{ApiKeyId, WorkerKeyId};
use faireplace_kernel::values::Text;
use faireplace_kernel::{Page, PageRequest, TenantId, ValidationErrors};
use faireplace_parties::{Lessee, LesseeId};
use faireplace_ports::{ApiKeyRecord, ApiKeyStore, Clock, Repository, Tenant, WorkerKeyRecord};

use crate::auth::{generate_token, hash_secret};
use crate::{AppError, Authenticator, Principal};

/// A key as a client asks for it.
#[derive(Debug, Clone, Default)]
pub struct NewKeyRequest {
    pub name: Option<String>,
    pub role: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub lessee_id: Option<LesseeId>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The key use cases.
#[derive(Clone)]
pub struct KeyService {
    store: Arc<dyn ApiKeyStore>,
    lessees: Arc<dyn Repository<Lessee>>,
    auth: Arc<Authenticator>,
    clock: Arc<dyn Clock>,
}

impl KeyService {
    pub fn new(
        store: Arc<dyn ApiKeyStore>,
        lessees: Arc<dyn Repository<Lessee>>,
        auth: Arc<Authenticator>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            lessees,
            auth,
            clock,
        }
    }

    /// Creates a key in the caller's tenant (OWNER only) and answers its token, once.
    ///
    /// A LESSEE key needs the lessee it acts for and takes only lessee scopes (by default
    /// `lessee:leases:read`); OWNER and MANAGER keys take no scopes and no lessee. WORKER keys
    /// are platform keys, made by the operator's command line, never through the API.
    pub async fn create(
        &self,
        principal: &Principal,
        request: NewKeyRequest,
    ) -> Result<(ApiKeyRecord, String), AppError> {
        let tenant = principal.own()?;
        let now = self.clock.now();
        let mut errors = ValidationErrors::new();
        let name = match request.name.as_deref() {
            None => {
                errors.push("name", "is required");
                None
            }
            Some(n) => errors.take("name", Text::parse(n, 100)),
        };
        let role = match request.role.as_deref().map(Role::parse) {
            None => {
                errors.push("role", "is required");
                None
            }
            Some(Ok(Role::Worker)) => {
                errors.push(
                    "role",
                    "WORKER keys are platform keys, created with `faireplace worker-key create`",
                );
                None
            }
            Some(r) => errors.take("role", r),
        };
        let mut scopes = Vec::new();
        for (i, s) in request.scopes.iter().flatten().enumerate() {
            if let Some(scope) = errors.take(&format!("scopes[{i}]"), Scope::parse(s))
                && !scopes.contains(&scope)
            {
                scopes.push(scope);
            }
        }
        let lessee_id = request.lessee_id;
        match role {
            Some(Role::Lessee) => {
                if request.scopes.is_none() {
                    scopes.push(Scope::LeasesRead);
                }
                match lessee_id {
                    None => errors.push("lessee_id", "is required for a LESSEE key"),
                    Some(id) => {
                        let found = self
                            .lessees
                            .get(tenant, id)
                            .await
                            .map_err(|e| AppError::from_repo("lessee", e))?;
                        if found.is_none() {
                            errors.push("lessee_id", "no lessee with this id");
                        }
                    }
                }
            }
            Some(r) => {
                if request.scopes.as_ref().is_some_and(|s| !s.is_empty()) {
                    errors.push("scopes", format!("only LESSEE keys take scopes, not {r}"));
                }
                if lessee_id.is_some() {
                    errors.push(
                        "lessee_id",
                        format!("only LESSEE keys act for a lessee, not {r}"),
                    );
                }
            }
            None => {}
        }
        if request.expires_at.is_some_and(|at| at <= now) {
            errors.push("expires_at", "must be in the future");
        }
        errors.into_result()?;
        let (Some(name), Some(role)) = (name, role) else {
            return Err(AppError::validation("role", "is required"));
        };
        scopes.sort();
        let token = generate_token();
        let record = ApiKeyRecord {
            id: ApiKeyId::generate(),
            key_id: token.key_id().to_owned(),
            name,
            role,
            scopes,
            lessee_id: if role == Role::Lessee {
                lessee_id
            } else {
                None
            },
            secret_hash: hash_secret(token.secret().to_owned()).await?,
            created_at: now,
            expires_at: request.expires_at,
            revoked_at: None,
        };
        self.store
            .insert_key(tenant, &record, self.auth.max_keys_per_tenant())
            .await
            .map_err(|e| AppError::from_repo("api key", e))?;
        Ok((record, token.expose()))
    }

    pub async fn list(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<ApiKeyRecord>, AppError> {
        let tenant = principal.own()?;
        self.store
            .list_keys(tenant, page)
            .await
            .map_err(|e| AppError::from_repo("api key", e))
    }

    /// Revokes a key: from now on it authenticates nothing. Revoking twice is harmless.
    pub async fn revoke(&self, principal: &Principal, id: ApiKeyId) -> Result<(), AppError> {
        let tenant = principal.own()?;
        let record = self
            .store
            .revoke_key(tenant, id, self.clock.now())
            .await
            .map_err(|e| AppError::from_repo("api key", e))?
            .ok_or(AppError::NotFound("api key"))?;
        self.auth.invalidate(&record.key_id);
        Ok(())
    }

    /// Creates a tenant and its first OWNER key (operator command line).
    pub async fn create_tenant(&self, name: &str) -> Result<(Tenant, String), AppError> {
        let name =
            Text::parse(name, 200).map_err(|e| AppError::validation("name", e.to_string()))?;
        let now = self.clock.now();
        let tenant = Tenant {
            id: TenantId::generate(),
            name,
            created_at: now,
        };
        let token = generate_token();
        let key = ApiKeyRecord {
            id: ApiKeyId::generate(),
            key_id: token.key_id().to_owned(),
            name: Text::from_trusted("initial owner key".to_owned()),
            role: Role::Owner,
            scopes: vec![],
            lessee_id: None,
            secret_hash: hash_secret(token.secret().to_owned()).await?,
            created_at: now,
            expires_at: None,
            revoked_at: None,
        };
        self.store
            .create_tenant(&tenant, &key)
            .await
            .map_err(|e| AppError::from_repo("tenant", e))?;
        Ok((tenant, token.expose()))
    }

    /// Creates a platform worker key (operator command line), valid until `expires_at` when
    /// one is given.
    pub async fn create_worker_key(
        &self,
        name: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(WorkerKeyRecord, String), AppError> {
        let name =
            Text::parse(name, 100).map_err(|e| AppError::validation("name", e.to_string()))?;
        let now = self.clock.now();
        if expires_at.is_some_and(|at| at <= now) {
            return Err(AppError::validation("expires_at", "must be in the future"));
        }
        let token = generate_token();
        let record = WorkerKeyRecord {
            id: WorkerKeyId::generate(),
            key_id: token.key_id().to_owned(),
            name,
            secret_hash: hash_secret(token.secret().to_owned()).await?,
            created_at: now,
            expires_at,
            revoked_at: None,
        };
        self.store
            .insert_worker_key(&record)
            .await
            .map_err(|e| AppError::from_repo("worker key", e))?;
        Ok((record, token.expose()))
    }

    /// Every worker key (operator command line).
    pub async fn list_worker_keys(&self) -> Result<Vec<WorkerKeyRecord>, AppError> {
        self.store
            .list_worker_keys()
            .await
            .map_err(|e| AppError::from_repo("worker key", e))
    }

    /// Revokes a worker key (operator command line): this instance forgets it at once, and
    /// every server hears of it from the database when the revocation commits.
    pub async fn revoke_worker_key(&self, id: WorkerKeyId) -> Result<WorkerKeyRecord, AppError> {
        let record = self
            .store
            .revoke_worker_key(id, self.clock.now())
            .await
            .map_err(|e| AppError::from_repo("worker key", e))?
            .ok_or(AppError::NotFound("worker key"))?;
        self.auth.invalidate(&record.key_id);
        Ok(record)
    }

    /// The public prefix of a stored key, for listings.
    pub fn display_prefix(record: &ApiKeyRecord) -> String {
        ApiToken::display_prefix(&record.key_id)
    }
}
