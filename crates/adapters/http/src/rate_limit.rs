//! Per-key request quotas: a bucket of `burst` requests per API key, refilled at
//! `per_minute`. Checked once the key is verified (an unverified key id cannot spend another
//! key's quota); every answer to a verified key carries `X-RateLimit-Limit` (the bucket's size),
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the bucket is full again), and
//! an empty bucket answers 429 RATE_LIMITED with `Retry-After`.

use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// The quota of every key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Sustained requests per minute and key.
    pub per_minute: NonZeroU32,
    /// Requests a key may send at once, on top of nothing: the bucket's size.
    pub burst: NonZeroU32,
}

/// Where a key stands, for the response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    pub limit: u32,
    pub remaining: u32,
    pub reset_seconds: u64,
}

type Limiter = RateLimiter<
    uuid::Uuid,
    DefaultKeyedStateStore<uuid::Uuid>,
    DefaultClock,
    StateInformationMiddleware,
>;

/// The quotas of all keys, in memory (one instance's view: behind a load balancer each
/// instance counts its own share).
pub struct RateLimits {
    limiter: Limiter,
    quota: Quota,
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> Self {
        let quota = Quota::per_minute(settings.per_minute).allow_burst(settings.burst);
        Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            quota,
        }
    }

    fn state(&self, remaining: u32) -> RateState {
        let limit = self.quota.burst_size().get();
        let missing = u64::from(limit.saturating_sub(remaining));
        let refill = self.quota.replenish_interval().as_secs_f64() * missing as f64;
        RateState {
            limit,
            remaining,
            reset_seconds: refill.ceil() as u64,
        }
    }

    /// Spends one request of `key`'s quota; `Err` with the state and the seconds to wait when
    /// the bucket is empty.
    pub fn check(&self, key: uuid::Uuid) -> Result<RateState, (RateState, u32)> {
        // Forget keys whose buckets are full again, so memory follows the active keys only.
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&key) {
            Ok(snapshot) => Ok(self.state(snapshot.remaining_burst_capacity())),
            Err(not_until) => {
                let wait: Duration = not_until.wait_time_from(self.limiter.clock().now());
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err((
                    self.state(0),
                    u32::try_from(seconds.max(1)).unwrap_or(u32::MAX),
                ))
            }
        }
    }
}

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Writes the three headers.
pub fn write_headers(state: &RateState, headers: &mut HeaderMap) {
    headers.insert(LIMIT, HeaderValue::from(state.limit));
    headers.insert(REMAINING, HeaderValue::from(state.remaining));
    headers.insert(RESET, HeaderValue::from(state.reset_seconds));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_spends_its_burst_then_waits_and_other_keys_do_not() {
        let limits = RateLimits::new(RateLimitSettings {
            per_minute: NonZeroU32::new(60).expect("60"),
            burst: NonZeroU32::new(3).expect("3"),
        });
        let a = uuid::Uuid::from_u128(1);
        let first = limits.check(a).expect("first");
        assert_eq!((first.limit, first.remaining), (3, 2));
        assert_eq!(first.reset_seconds, 1);
        assert_eq!(limits.check(a).expect("second").remaining, 1);
        assert_eq!(limits.check(a).expect("third").remaining, 0);
        let (state, wait) = limits.check(a).expect_err("fourth");
        assert_eq!(state.remaining, 0);
        assert!((1..=2).contains(&wait), "{wait}");
        assert_eq!(
            limits.check(uuid::Uuid::from_u128(2)).expect("b").remaining,
            2
        );
    }
}
