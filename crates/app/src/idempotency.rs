//! `Idempotency-Key` on POSTs that move money or credits: the same key and request replay the
//! first answer; the same key with another request is a 409.
//!
//! Only successful answers are kept: a request that failed (a 400, a 503 while the provider was
//! down) did nothing, so a retry under the same key runs again. Keys are kept per tenant for 24
//! hours; after that a key may be reused for another request.

use faireplace_kernel::ErrorCode;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use faireplace_ports::{Clock, IdempotencyStore, StoredAnswer};
use sha2::{Digest, Sha256};

use crate::{AppError, Principal};

/// How long a key stays bound to its first request and answer.
pub const KEY_LIFETIME: Duration = Duration::hours(24);

/// Longest key accepted: prefixed with the tenant id, it still fits in Stripe's 255 characters
/// when forwarded.
pub const MAX_KEY_LENGTH: usize = 200;

/// The answers kept for idempotency keys.
#[derive(Clone)]
pub struct IdempotencyService {
    store: Arc<dyn IdempotencyStore>,
    clock: Arc<dyn Clock>,
}

/// An answer to replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub status: u16,
    pub body: serde_json::Value,
}

/// SHA-256 (hex) of a request: its method, path and body. Callers pass the body in a canonical
/// form (re-serialized from what was read) so that the same request written with other white
/// space or field order is the same request.
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(method.as_bytes())
        .chain_update(b" ")
        .chain_update(path.as_bytes())
        .chain_update(b"\n")
        .chain_update(body)
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a client's key: 1 to 200 visible ASCII characters (400 otherwise).
pub fn check_key(key: &str) -> Result<(), AppError> {
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::validation(
            "Idempotency-Key",
            format!("must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"),
        ));
    }
    Ok(())
}

impl IdempotencyService {
    pub fn new(store: Arc<dyn IdempotencyStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    fn since(&self) -> DateTime<Utc> {
        self.clock.now() - KEY_LIFETIME
    }

    /// The first answer to `key` when it was used for the same request (`hash`); `None` when
    /// the key is new (or expired); 409 IDEMPOTENCY_KEY_REUSED when it was used for another
    /// request.
    pub async fn replay(
        &self,
        principal: &Principal,
        key: &str,
        hash: &str,
    ) -> Result<Option<Replay>, AppError> {
        let tenant = principal.manage()?;
        check_key(key)?;
        let kept = self
            .store
            .recall(tenant, key, self.since())
            .await
            .map_err(|e| AppError::from_repo("idempotency key", e))?;
        match kept {
            None => Ok(None),
            Some(answer) if answer.request_hash == hash => Ok(Some(Replay {
                status: answer.status,
                body: answer.body,
            })),
            Some(_) => Err(AppError::Conflict {
                code: ErrorCode::IdempotencyKeyReused,
                message: "this Idempotency-Key was used for another request in the last 24 \
                          hours: use a new key for a new request"
                    .into(),
            }),
        }
    }

    /// Keeps the first successful answer to `key`. When a concurrent request with the same
    /// key kept its own first, that one stays.
    pub async fn remember(
        &self,
        principal: &Principal,
        key: &str,
        hash: &str,
        status: u16,
        body: serde_json::Value,
    ) -> Result<(), AppError> {
        let tenant = principal.manage()?;
        let answer = StoredAnswer {
            request_hash: hash.to_owned(),
            status,
            body,
            created_at: self.clock.now(),
        };
        self.store
            .remember(tenant, key, &answer, self.since())
            .await
            .map_err(|e| AppError::from_repo("idempotency key", e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_method_path_and_body() {
        let h = request_hash("POST", "/api/credits/checkout", b"{}");
        assert_eq!(h.len(), 64);
        assert_eq!(h, request_hash("POST", "/api/credits/checkout", b"{}"));
        assert_ne!(h, request_hash("POST", "/api/credits/checkout", b"{ }"));
        assert_ne!(h, request_hash("PUT", "/api/credits/checkout", b"{}"));
        assert_ne!(h, request_hash("POST", "/api/other", b"{}"));
    }

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(check_key("order-42_a").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("a b").is_err());
        assert!(check_key("clé").is_err());
        assert!(check_key(&"k".repeat(MAX_KEY_LENGTH + 1)).is_err());
    }
}
