//! Authentication of API keys.
//!
//! A key is found by its public id and its secret checked against an argon2 hash. Argon2 is
//! deliberately slow (tens of milliseconds), so it runs on the blocking pool, never on the async
//! executor, with at most `max_concurrent_verifications` at a time; and once a key is verified,
//! its principal is cached for `cache_ttl` under a SHA-256 of the secret, so that later requests
//! with the same key cost a hash map lookup and no database round trip. Revoking a key on this
//! instance drops it from the cache at once; other instances stop accepting it within
//! `cache_ttl`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use faireplace_kernel::access::ApiToken;
use faireplace_ports::{ApiKeyStore, Clock, CredentialOwner};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::{AppError, Principal, TenantPrincipal};

/// Tuning of authentication.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// How long a verified key is trusted without looking at the database again.
    pub cache_ttl: Duration,
    /// How many verified keys are kept at most.
    pub cache_capacity: usize,
    /// How many argon2 verifications may run at once.
    pub max_concurrent_verifications: usize,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 10_000,
            max_concurrent_verifications: 2,
        }
    }
}

/// Lock stripes for single-flight verification (two keys sharing a stripe merely take turns).
const FLIGHT_STRIPES: usize = 64;

fn stripe(key_id: &str) -> usize {
    key_id.bytes().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    }) % FLIGHT_STRIPES
}

struct CacheEntry {
    digest: [u8; 32],
    principal: Principal,
    key_expires_at: Option<DateTime<Utc>>,
    verified_at: Instant,
}

/// Verifies presented keys and remembers the ones it verified.
pub struct Authenticator {
    store: Arc<dyn ApiKeyStore>,
    clock: Arc<dyn Clock>,
    config: AuthConfig,
    cache: RwLock<HashMap<String, CacheEntry>>,
    verifications: Semaphore,
    /// Single flight: requests presenting the same key id wait for one verification.
    flights: Vec<tokio::sync::Mutex<()>>,
    argon2_runs: AtomicU64,
}

impl Authenticator {
    pub fn new(store: Arc<dyn ApiKeyStore>, clock: Arc<dyn Clock>, config: AuthConfig) -> Self {
        let permits = config.max_concurrent_verifications.max(1);
        Self {
            store,
            clock,
            config,
            cache: RwLock::new(HashMap::new()),
            verifications: Semaphore::new(permits),
            flights: (0..FLIGHT_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            argon2_runs: AtomicU64::new(0),
        }
    }

    /// The principal of a presented token, or `Unauthenticated` for a malformed, unknown,
    /// revoked or expired key or a wrong secret.
    pub async fn authenticate(&self, presented: &str) -> Result<Principal, AppError> {
        let token = ApiToken::parse(presented.trim()).map_err(|_| AppError::Unauthenticated)?;
        let digest: [u8; 32] = Sha256::digest(token.secret().as_bytes()).into();
        if let Some(principal) = self.cached(token.key_id(), &digest) {
            return Ok(principal);
        }
        // One verification per key id at a time, and only a few argon2 runs overall; whoever
        // waited may find the key verified meanwhile.
        let _flight = self.flights[stripe(token.key_id())].lock().await;
        if let Some(principal) = self.cached(token.key_id(), &digest) {
            return Ok(principal);
        }
        let _permit = self
            .verifications
            .acquire()
            .await
            .map_err(|e| AppError::Unknown(Box::new(e)))?;
        if let Some(principal) = self.cached(token.key_id(), &digest) {
            return Ok(principal);
        }
        let credential = self
            .store
            .find_credential(token.key_id())
            .await
            .map_err(|e| AppError::from_repo("api key", e))?
            .ok_or(AppError::Unauthenticated)?;
        if credential.revoked {
            return Err(AppError::Unauthenticated);
        }
        let (principal, key_expires_at) = match credential.owner {
            CredentialOwner::Tenant {
                tenant_id,
                id,
                role,
                scopes,
                lessee_id,
                expires_at,
            } => (
                Principal::Tenant(TenantPrincipal {
                    tenant_id,
                    key: id,
                    role,
                    scopes,
                    lessee_id,
                }),
                expires_at,
            ),
            CredentialOwner::Worker { id } => (Principal::Worker { key: id }, None),
        };
        if key_expires_at.is_some_and(|at| at <= self.clock.now()) {
            return Err(AppError::Unauthenticated);
        }
        self.argon2_runs.fetch_add(1, Ordering::Relaxed);
        if !verify_secret(token.secret().to_owned(), credential.secret_hash).await? {
            return Err(AppError::Unauthenticated);
        }
        self.remember(token.key_id(), digest, principal.clone(), key_expires_at);
        Ok(principal)
    }

    /// How many argon2 verifications this instance has run (a metric, and the proof that a
    /// known key costs none).
    pub fn argon2_runs(&self) -> u64 {
        self.argon2_runs.load(Ordering::Relaxed)
    }

    /// Forgets a key at once (after revocation).
    pub fn invalidate(&self, key_id: &str) {
        if let Ok(mut cache) = self.cache.write() {
            cache.remove(key_id);
        }
    }

    fn cached(&self, key_id: &str, digest: &[u8; 32]) -> Option<Principal> {
        let cache = self.cache.read().ok()?;
        let entry = cache.get(key_id)?;
        let fresh = entry.verified_at.elapsed() < self.config.cache_ttl;
        let unexpired = entry.key_expires_at.is_none_or(|at| at > self.clock.now());
        let same_secret: bool = entry.digest.ct_eq(digest).into();
        (fresh && unexpired && same_secret).then(|| entry.principal.clone())
    }

    fn remember(
        &self,
        key_id: &str,
        digest: [u8; 32],
        principal: Principal,
        key_expires_at: Option<DateTime<Utc>>,
    ) {
        let Ok(mut cache) = self.cache.write() else {
            return;
        };
        if cache.len() >= self.config.cache_capacity {
            let ttl = self.config.cache_ttl;
            cache.retain(|_, e| e.verified_at.elapsed() < ttl);
            if cache.len() >= self.config.cache_capacity {
                cache.clear();
            }
        }
        cache.insert(
            key_id.to_owned(),
            CacheEntry {
                digest,
                principal,
                key_expires_at,
                verified_at: Instant::now(),
            },
        );
    }
}

/// A fresh random token.
pub fn generate_token() -> ApiToken {
    let mut id = [0u8; faireplace_kernel::access::KEY_ID_LEN];
    let mut secret = [0u8; faireplace_kernel::access::SECRET_LEN];
    rand::rngs::OsRng.fill_bytes(&mut id);
    rand::rngs::OsRng.fill_bytes(&mut secret);
    ApiToken::from_entropy(id, secret)
}

/// Argon2id hash (PHC string) of a secret, computed on the blocking pool.
pub async fn hash_secret(secret: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| AppError::Unknown(e.to_string().into()))?;
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Unknown(e.to_string().into()))
    })
    .await
    .map_err(|e| AppError::Unknown(Box::new(e)))?
}

/// Checks a secret against its stored hash on the blocking pool.
async fn verify_secret(secret: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let parsed =
            PasswordHash::new(&hash).map_err(|e| AppError::Unknown(e.to_string().into()))?;
        Ok(Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| AppError::Unknown(Box::new(e)))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_only_their_secret() {
        let hash = hash_secret("s3cret".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_secret("s3cret".into(), hash.clone())
                .await
                .expect("verify")
        );
        assert!(!verify_secret("other".into(), hash).await.expect("verify"));
    }

    #[test]
    fn generated_tokens_are_distinct_and_well_formed() {
        let a = generate_token();
        let b = generate_token();
        assert_ne!(a.key_id(), b.key_id());
        assert!(ApiToken::parse(&a.expose()).is_ok());
    }
}
