//! Authentication of API keys.
//!
//! A key is found by its public id and its secret checked against an argon2 hash. Argon2 is
//! deliberately slow (tens of milliseconds), so it runs on the blocking pool, never on the async
//! executor, with at most `max_concurrent_verifications` at a time; and once a key is verified,
//! its principal is cached for `cache_ttl` under a SHA-256 of the secret, so that later requests
//! with the same key cost a hash map lookup and no database round trip.
//!
//! Every presented key that reaches the database costs one argon2 verification, whether its id
//! is known, unknown (checked against a dummy hash), revoked or expired: the answer takes the
//! same time for all four, so timing tells an attacker nothing about which ids exist. Failures
//! are counted per key id and per client address; past the limits the answer is 429 at once,
//! without argon2, so that guessing cannot starve the genuine requests of verifications.
//!
//! Revoking a key (or deleting its lessee) drops it from this instance's cache at once, and
//! from the other instances' when they hear of it ([`Authenticator::invalidate`], called from
//! the database's change notifications by the server). The cache holds at most
//! `cache_capacity` keys, and at most `cache_per_tenant` of one tenant: a tenant with many keys
//! evicts its own, never another tenant's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use faireplace_kernel::TenantId;
use faireplace_kernel::access::ApiToken;
use faireplace_ports::{ApiKeyStore, Clock, CredentialOwner};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::error::AuthProblem;
use crate::{AppError, Principal, TenantPrincipal};

/// Tuning of authentication.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// How long a verified key is trusted without looking at the database again.
    pub cache_ttl: Duration,
    /// How many verified keys are kept at most.
    pub cache_capacity: usize,
    /// How many verified keys of one tenant are kept at most.
    pub cache_per_tenant: usize,
    /// How many argon2 verifications may run at once.
    pub max_concurrent_verifications: usize,
    /// Failed verifications allowed per key id within `failure_window` (0: no limit).
    pub failures_per_key: u32,
    /// Failed verifications allowed per client address within `failure_window` (0: no limit).
    pub failures_per_address: u32,
    /// The window the failures are counted in.
    pub failure_window: Duration,
    /// How many keys in force (neither revoked nor expired) a tenant may have.
    pub max_keys_per_tenant: u32,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 10_000,
            cache_per_tenant: 1_000,
            max_concurrent_verifications: 2,
            failures_per_key: 10,
            failures_per_address: 50,
            failure_window: Duration::from_secs(300),
            max_keys_per_tenant: 1_000,
        }
    }
}

/// Lock stripes for single-flight verification (two keys sharing a stripe merely take turns).
const FLIGHT_STRIPES: usize = 64;

/// How many distinct key ids and addresses the failure counters remember at most; past it the
/// counters whose window has ended are dropped, then the oldest.
const FAILURE_SLOTS: usize = 100_000;

fn stripe(key_id: &str) -> usize {
    key_id.bytes().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    }) % FLIGHT_STRIPES
}

struct CacheEntry {
    digest: [u8; 32],
    principal: Principal,
    /// `None` for worker keys, which belong to no tenant.
    tenant: Option<TenantId>,
    key_expires_at: Option<DateTime<Utc>>,
    verified_at: Instant,
}

/// Failures counted in fixed windows, per key (a key id or an address).
struct FailureCounter<K> {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<K, (u32, Instant)>>,
}

impl<K: std::hash::Hash + Eq + Clone> FailureCounter<K> {
    fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `key` may try again, when it has spent its failures.
    fn blocked(&self, key: &K) -> Option<u32> {
        if self.limit == 0 {
            return None;
        }
        let counts = self.counts.lock().ok()?;
        let (n, since) = counts.get(key)?;
        let elapsed = since.elapsed();
        (*n >= self.limit && elapsed < self.window).then(|| {
            u32::try_from((self.window - elapsed).as_secs())
                .unwrap_or(u32::MAX)
                .saturating_add(1)
        })
    }

    fn fail(&self, key: K) {
        if self.limit == 0 {
            return;
        }
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        if counts.len() >= FAILURE_SLOTS && !counts.contains_key(&key) {
            let window = self.window;
            counts.retain(|_, (_, since)| since.elapsed() < window);
            if counts.len() >= FAILURE_SLOTS
                && let Some(oldest) = counts
                    .iter()
                    .min_by_key(|(_, (_, since))| *since)
                    .map(|(k, _)| k.clone())
            {
                counts.remove(&oldest);
            }
        }
        let entry = counts.entry(key).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 = entry.0.saturating_add(1);
    }
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
    /// Bumped by every invalidation: a verification that read the database before one does
    /// not cache what it read, which may be the key as it was before its revocation.
    generation: AtomicU64,
    /// What an unknown key id is verified against, so that it costs what a known one does.
    dummy_hash: String,
    /// Failures of a key id from one address (group): someone guessing from elsewhere cannot
    /// lock the key's holder out.
    key_failures: FailureCounter<(String, Option<IpAddr>)>,
    address_failures: FailureCounter<IpAddr>,
}

impl Authenticator {
    /// Fails only when the dummy hash cannot be made (argon2 refusing its own parameters).
    pub fn new(
        store: Arc<dyn ApiKeyStore>,
        clock: Arc<dyn Clock>,
        config: AuthConfig,
    ) -> Result<Self, AppError> {
        let permits = config.max_concurrent_verifications.max(1);
        let mut dummy = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut dummy);
        let dummy_hash = hash_now(&hex(&dummy))?;
        Ok(Self {
            store,
            clock,
            key_failures: FailureCounter::new(config.failures_per_key, config.failure_window),
            address_failures: FailureCounter::new(
                config.failures_per_address,
                config.failure_window,
            ),
            config,
            cache: RwLock::new(HashMap::new()),
            verifications: Semaphore::new(permits),
            flights: (0..FLIGHT_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            argon2_runs: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            dummy_hash,
        })
    }

    /// The principal of a presented token, or `Unauthenticated` for a malformed, unknown,
    /// revoked or expired key or a wrong secret; `RateLimited` once the key id or the client
    /// address (`client`, when known) has failed too often.
    pub async fn authenticate(
        &self,
        presented: &str,
        client: Option<IpAddr>,
    ) -> Result<Principal, AppError> {
        let token = ApiToken::parse(presented.trim())
            .map_err(|_| AppError::Unauthenticated(AuthProblem::Malformed))?;
        let digest: [u8; 32] = Sha256::digest(token.secret().as_bytes()).into();
        let client = client.map(address_group);
        // A key verified already proves its secret without argon2, whatever others guess.
        if let Some(principal) = self.cached(token.key_id(), &digest) {
            return Ok(principal);
        }
        self.refuse_if_throttled(token.key_id(), client)?;
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
        // Failures spent while this request waited count too.
        self.refuse_if_throttled(token.key_id(), client)?;
        let generation = self.generation.load(Ordering::Acquire);
        let credential = self
            .store
            .find_credential(token.key_id())
            .await
            .map_err(|e| AppError::from_repo("api key", e))?;
        // Unknown, revoked and expired keys are verified like the others and refused after;
        // their state is told only to whoever holds the secret.
        let (hash, found) = match credential {
            None => (self.dummy_hash.clone(), Err(AuthProblem::Unknown)),
            Some(c) => {
                let (principal, tenant, key_expires_at) = match c.owner {
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
                        Some(tenant_id),
                        expires_at,
                    ),
                    CredentialOwner::Worker { id, expires_at } => {
                        (Principal::Worker { key: id }, None, expires_at)
                    }
                };
                let state = if c.revoked {
                    Err(AuthProblem::Revoked)
                } else if key_expires_at.is_some_and(|at| at <= self.clock.now()) {
                    Err(AuthProblem::Expired)
                } else {
                    Ok((principal, tenant, key_expires_at))
                };
                (c.secret_hash, state)
            }
        };
        self.argon2_runs.fetch_add(1, Ordering::Relaxed);
        let genuine = verify_secret(token.secret().to_owned(), hash).await?;
        let found = if genuine {
            found
        } else {
            Err(AuthProblem::Unknown)
        };
        let (principal, tenant, key_expires_at) = match found {
            Ok(found) => found,
            Err(problem) => {
                self.key_failures.fail((token.key_id().to_owned(), client));
                if let Some(addr) = client {
                    self.address_failures.fail(addr);
                }
                return Err(AppError::Unauthenticated(problem));
            }
        };
        self.remember(
            token.key_id(),
            CacheEntry {
                digest,
                principal: principal.clone(),
                tenant,
                key_expires_at,
                verified_at: Instant::now(),
            },
            generation,
        );
        Ok(principal)
    }

    fn refuse_if_throttled(&self, key_id: &str, client: Option<IpAddr>) -> Result<(), AppError> {
        let by_key = self.key_failures.blocked(&(key_id.to_owned(), client));
        let by_address = client.and_then(|a| self.address_failures.blocked(&a));
        match (by_key, by_address) {
            (None, None) => Ok(()),
            (k, a) => {
                let wait = k.unwrap_or(0).max(a.unwrap_or(0));
                Err(AppError::RateLimited {
                    message: format!(
                        "too many failed authentications {}: retry in {wait} s",
                        if k.is_some() {
                            "with this key id"
                        } else {
                            "from this address"
                        }
                    ),
                    retry_after: wait,
                })
            }
        }
    }

    /// How many argon2 verifications this instance has run (a metric, and the proof that a
    /// known key costs none).
    pub fn argon2_runs(&self) -> u64 {
        self.argon2_runs.load(Ordering::Relaxed)
    }

    /// How many keys in force a tenant may have.
    pub fn max_keys_per_tenant(&self) -> u32 {
        self.config.max_keys_per_tenant
    }

    /// How many verified keys this instance holds.
    pub fn cached_keys(&self) -> usize {
        self.cache.read().map(|c| c.len()).unwrap_or(0)
    }

    /// Forgets a key at once (after revocation, or when another instance says so).
    pub fn invalidate(&self, key_id: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut cache) = self.cache.write() {
            cache.remove(key_id);
        }
    }

    /// Forgets at once the keys of a lessee (deleted, with its keys): the database announces
    /// each key to every instance too, but this instance need not wait for it.
    pub fn invalidate_lessee(&self, tenant: TenantId, lessee: faireplace_parties::LesseeId) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut cache) = self.cache.write() {
            cache.retain(|_, e| {
                !matches!(&e.principal, Principal::Tenant(p)
                    if p.tenant_id == tenant && p.lessee_id == Some(lessee))
            });
        }
    }

    /// Forgets every key (when changes may have been missed, e.g. the listener reconnected).
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut cache) = self.cache.write() {
            cache.clear();
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

    /// Caches a verified key, unless an invalidation came since `generation` was read (the key
    /// read then may be the key as it was before its revocation): checked under the cache's
    /// lock, which every invalidation takes too.
    fn remember(&self, key_id: &str, entry: CacheEntry, generation: u64) {
        let Ok(mut cache) = self.cache.write() else {
            return;
        };
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if !cache.contains_key(key_id) {
            let ttl = self.config.cache_ttl;
            let per_tenant = self.config.cache_per_tenant.max(1);
            let capacity = self.config.cache_capacity.max(1);
            // A tenant at its share evicts its own oldest key.
            if count_of(&cache, entry.tenant) >= per_tenant {
                evict_oldest_of(&mut cache, entry.tenant);
            }
            if cache.len() >= capacity {
                cache.retain(|_, e| e.verified_at.elapsed() < ttl);
            }
            // Full: the tenant holding the most keys gives one up (its oldest), so that a
            // tenant with many keys never pushes out a smaller tenant's.
            if cache.len() >= capacity
                && let Some(largest) = largest_tenant(&cache)
            {
                evict_oldest_of(&mut cache, largest);
            }
        }
        cache.insert(key_id.to_owned(), entry);
    }
}

/// How many keys of `tenant` (`None`: worker keys) the cache holds.
fn count_of(cache: &HashMap<String, CacheEntry>, tenant: Option<TenantId>) -> usize {
    cache.values().filter(|e| e.tenant == tenant).count()
}

fn evict_oldest_of(cache: &mut HashMap<String, CacheEntry>, tenant: Option<TenantId>) {
    let oldest = cache
        .iter()
        .filter(|(_, e)| e.tenant == tenant)
        .min_by_key(|(_, e)| e.verified_at)
        .map(|(k, _)| k.clone());
    if let Some(k) = oldest {
        cache.remove(&k);
    }
}

/// The tenant (or the workers, `None`) holding the most cached keys.
fn largest_tenant(cache: &HashMap<String, CacheEntry>) -> Option<Option<TenantId>> {
    let mut counts: HashMap<Option<TenantId>, usize> = HashMap::new();
    for e in cache.values() {
        *counts.entry(e.tenant).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t)
}

/// The address failures are counted by: an IPv4 address, or the /64 network of an IPv6 one
/// (an attacker holds a whole /64 as easily as one address of it).
fn address_group(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(bits))
            }
        },
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
    tokio::task::spawn_blocking(move || hash_now(&secret))
        .await
        .map_err(|e| AppError::Unknown(Box::new(e)))?
}

/// Argon2id hash of a secret, on the calling thread.
fn hash_now(secret: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| AppError::Unknown(e.to_string().into()))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Unknown(e.to_string().into()))
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
