//! Per-API-key rate limiting: a token bucket per key, in memory (each server
//! process limits its own share). Integer milli-tokens, so no rounding drift.

use std::collections::HashMap;
use std::sync::Mutex;

/// Tokens are counted in thousandths.
const MILLI: i64 = 1000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    milli_tokens: i64,
    at_ms: i64,
}

/// Token buckets keyed by API key id.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: i64,
    burst: i64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` sustained requests, up to `burst` at once (both at least 1).
    pub fn new(per_minute: u32, burst: u32) -> Self {
        Self { per_minute: i64::from(per_minute.max(1)), burst: i64::from(burst.max(1)), buckets: Mutex::default() }
    }

    /// Takes one request's token for `key`, or says how many whole seconds until one is available.
    pub fn check(&self, key: &str, now_ms: i64) -> Result<(), u64> {
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        let capacity = self.burst * MILLI;
        let b = buckets.entry(key.to_owned()).or_insert(Bucket { milli_tokens: capacity, at_ms: now_ms });
        let elapsed = (now_ms - b.at_ms).max(0);
        // per_minute tokens per 60 000 ms = per_minute milli-tokens per 60 ms.
        b.milli_tokens = (b.milli_tokens + elapsed * self.per_minute / 60).min(capacity);
        b.at_ms = now_ms;
        if b.milli_tokens >= MILLI {
            b.milli_tokens -= MILLI;
            Ok(())
        } else {
            let missing = MILLI - b.milli_tokens;
            // Both divisions round up (all values are positive).
            let wait_ms = (missing * 60 + self.per_minute - 1) / self.per_minute;
            Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refills_at_the_rate() {
        let rl = RateLimiter::new(60, 3); // one per second, three at once
        for _ in 0..3 {
            assert_eq!(rl.check("k", 0), Ok(()));
        }
        assert_eq!(rl.check("k", 0), Err(1));
        assert_eq!(rl.check("other", 0), Ok(()), "keys are independent");
        assert_eq!(rl.check("k", 999), Err(1));
        assert_eq!(rl.check("k", 1000), Ok(()));
        assert_eq!(rl.check("k", 1000), Err(1));
        assert_eq!(rl.check("k", 100_000), Ok(()), "refill is capped at the burst");
        assert_eq!(rl.check("k", 100_000), Ok(()));
        assert_eq!(rl.check("k", 100_000), Ok(()));
        assert_eq!(rl.check("k", 100_000), Err(1));
    }

    #[test]
    fn slow_rates_ask_for_longer_waits() {
        let rl = RateLimiter::new(1, 1); // one per minute
        assert_eq!(rl.check("k", 0), Ok(()));
        assert_eq!(rl.check("k", 0), Err(60));
        assert_eq!(rl.check("k", 30_000), Err(30));
    }
}
