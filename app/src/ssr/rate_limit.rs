//! Token buckets in integer milli-tokens (no rounding drift): in memory, or
//! one [`RateLimiter::step`] at a time on a bucket kept in the database, so
//! every process counts the same requests (the login throttle; the
//! Attestation API's limit on Postgres, see [`crate::ssr::verification::quota`]).

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
        self.take(key, now_ms, true)
    }

    /// Whether `key` has a token now, without taking it (for limits that
    /// count only some outcomes, such as failed logins).
    pub fn peek(&self, key: &str, now_ms: i64) -> Result<(), u64> {
        self.take(key, now_ms, false)
    }

    fn take(&self, key: &str, now_ms: i64, consume: bool) -> Result<(), u64> {
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if let Some(b) = buckets.get_mut(key) {
            let ((milli, at), answer) = self.step(Some((b.milli_tokens, b.at_ms)), now_ms, consume);
            *b = Bucket { milli_tokens: milli, at_ms: at };
            return answer;
        }
        let ((milli, at), answer) = self.step(None, now_ms, consume);
        buckets.insert(key.to_owned(), Bucket { milli_tokens: milli, at_ms: at });
        answer
    }

    /// One step of this limiter's bucket: from its state (milli-tokens, last
    /// seen; none for a new bucket, which starts full) at `now_ms`, taking a
    /// token if `consume` and one is there. The new state and the answer
    /// (whole seconds to wait when empty). Shared by the in-memory buckets and
    /// the database-backed ones ([`crate::ssr::store::Db::throttle_step`]).
    pub fn step(&self, bucket: Option<(i64, i64)>, now_ms: i64, consume: bool) -> ((i64, i64), Result<(), u64>) {
        let (state, answer) = self.take_up_to(bucket, now_ms, i64::from(consume));
        (state, answer.map(drop))
    }

    /// Like [`RateLimiter::step`], taking up to `want` whole tokens at once
    /// (at least one is there, or none is taken): the new state and how many
    /// were taken, or the whole seconds to wait when the bucket is empty.
    pub fn take_up_to(&self, bucket: Option<(i64, i64)>, now_ms: i64, want: i64) -> ((i64, i64), Result<i64, u64>) {
        let capacity = self.burst * MILLI;
        let (milli, at) = bucket.unwrap_or((capacity, now_ms));
        let elapsed = (now_ms - at).max(0);
        // per_minute tokens per 60 000 ms = per_minute milli-tokens per 60 ms.
        let milli = (milli + elapsed * self.per_minute / 60).min(capacity);
        if milli >= MILLI {
            let taken = (milli / MILLI).min(want.max(0));
            ((milli - taken * MILLI, now_ms), Ok(taken))
        } else {
            let missing = MILLI - milli;
            // Both divisions round up (all values are positive).
            let wait_ms = (missing * 60 + self.per_minute - 1) / self.per_minute;
            ((milli, now_ms), Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1)))
        }
    }
}

impl RateLimiter {
    /// How many tokens a process takes from a shared bucket at once
    /// ([`Leases`]): a tenth of the burst, at least one.
    pub fn lease_size(&self) -> i64 {
        (self.burst / 10).max(1)
    }
}

/// Tokens this process took from shared buckets (in the database) ahead of
/// use, so a busy key costs one database step per [`RateLimiter::lease_size`]
/// requests instead of one per request. Unspent tokens lapse after
/// [`LEASE_MS`]: the processes together never exceed the bucket, and at worst
/// allow a little less than it while each holds a few it does not use.
#[derive(Debug, Default)]
pub struct Leases {
    held: Mutex<HashMap<String, Lease>>,
    /// One refill from the database at a time in this process.
    pub refill: tokio::sync::Mutex<()>,
}

/// Whole tokens held, and when they were taken.
#[derive(Debug, Clone, Copy)]
struct Lease {
    tokens: i64,
    taken_at_ms: i64,
}

/// How long leased tokens stay usable.
pub const LEASE_MS: i64 = 1000;

/// Leases remembered at most (lapsed ones are forgotten first).
const LEASE_KEYS: usize = 10_000;

impl Leases {
    /// Spends one leased token of `key`, if one is held and has not lapsed.
    pub fn spend(&self, key: &str, now_ms: i64) -> bool {
        let Ok(mut held) = self.held.lock() else { return false };
        match held.get_mut(key) {
            Some(l) if l.tokens > 0 && now_ms < l.taken_at_ms + LEASE_MS => {
                l.tokens -= 1;
                true
            }
            _ => false,
        }
    }

    /// Holds `tokens` more of `key`, taken at `now_ms` (replacing a lapsed or empty lease).
    pub fn hold(&self, key: &str, tokens: i64, now_ms: i64) {
        let Ok(mut held) = self.held.lock() else { return };
        if held.len() >= LEASE_KEYS {
            held.retain(|_, l| now_ms < l.taken_at_ms + LEASE_MS);
        }
        held.insert(key.to_owned(), Lease { tokens: tokens.max(0), taken_at_ms: now_ms });
    }
}

/// At most `limit` heavy requests (verifications, uploads) of one tenant run
/// at once; one more is refused at once (429) rather than queued, so one
/// tenant's burst cannot occupy every worker.
#[derive(Debug)]
pub struct TenantGate {
    limit: usize,
    running: Mutex<HashMap<String, usize>>,
}

/// A running request's place in its tenant's gate; freed when dropped.
#[derive(Debug)]
pub struct GatePass<'a> {
    gate: &'a TenantGate,
    org_id: String,
}

impl TenantGate {
    /// A gate letting `limit` (at least 1) requests per tenant run at once.
    pub fn new(limit: u32) -> Self {
        Self { limit: usize::try_from(limit.max(1)).unwrap_or(usize::MAX), running: Mutex::default() }
    }

    /// A place for one more of `org_id`'s requests, or `None` when it has `limit` running.
    pub fn enter(&self, org_id: &str) -> Option<GatePass<'_>> {
        let mut running = self.running.lock().ok()?;
        let n = running.entry(org_id.to_owned()).or_insert(0);
        if *n >= self.limit {
            return None;
        }
        *n += 1;
        Some(GatePass { gate: self, org_id: org_id.to_owned() })
    }
}

impl Drop for GatePass<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.gate.running.lock()
            && let Some(n) = running.get_mut(&self.org_id)
        {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.org_id);
            }
        }
    }
}

/// Aggregates refusals for the audit log: one row per key and minute, which
/// says how many refused attempts it stands for (a flood of throttled logins
/// must not become a flood of immutable audit rows).
#[derive(Debug, Default)]
pub struct ThrottleLog {
    last: Mutex<HashMap<String, (i64, u64)>>,
}

/// Keys remembered at most (older ones are forgotten first).
const THROTTLE_LOG_KEYS: usize = 10_000;

impl ThrottleLog {
    /// Notes one refused attempt for `key`; `Some(n)` when a row is due now,
    /// `n` being the refused attempts since the previous row (this one included).
    pub fn note(&self, key: &str, now_ms: i64) -> Option<u64> {
        let Ok(mut last) = self.last.lock() else { return Some(1) };
        if last.len() >= THROTTLE_LOG_KEYS {
            last.retain(|_, (at, _)| now_ms - *at < 60_000);
        }
        let entry = last.entry(key.to_owned()).or_insert((i64::MIN / 2, 0));
        entry.1 += 1;
        if now_ms - entry.0 >= 60_000 {
            let n = entry.1;
            *entry = (now_ms, 0);
            Some(n)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeking_takes_no_token() {
        let rl = RateLimiter::new(60, 1);
        assert_eq!(rl.peek("k", 0), Ok(()));
        assert_eq!(rl.peek("k", 0), Ok(()), "still there");
        assert_eq!(rl.check("k", 0), Ok(()));
        assert!(rl.peek("k", 0).is_err(), "taken now");
    }

    #[test]
    fn a_tenant_gate_admits_its_limit_then_refuses_until_one_ends() {
        let gate = TenantGate::new(2);
        let a = gate.enter("t1").expect("first");
        let _b = gate.enter("t1").expect("second");
        assert!(gate.enter("t1").is_none(), "a third at once is refused");
        assert!(gate.enter("t2").is_some(), "other tenants have their own places");
        drop(a);
        assert!(gate.enter("t1").is_some(), "a freed place is reused");
    }

    #[test]
    fn throttled_attempts_are_logged_once_a_minute_with_their_count() {
        let log = ThrottleLog::default();
        assert_eq!(log.note("k", 0), Some(1));
        for t in 1..=9 {
            assert_eq!(log.note("k", t * 1000), None);
        }
        assert_eq!(log.note("other", 5000), Some(1), "keys are separate");
        assert_eq!(log.note("k", 60_000), Some(10), "the next row counts the nine it stood for and itself");
    }

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
    fn a_lease_takes_what_is_there_up_to_its_size() {
        let rl = RateLimiter::new(60, 25); // one per second, 25 at once: leases of 2
        assert_eq!(rl.lease_size(), 2);
        let (state, taken) = rl.take_up_to(None, 0, 30);
        assert_eq!((state, taken), ((0, 0), Ok(25)), "never more than the bucket holds");
        assert_eq!(rl.take_up_to(Some(state), 500, 2).1, Err(1), "none until a whole one is back");
        assert_eq!(rl.take_up_to(Some(state), 1000, 2), ((0, 1000), Ok(1)), "one back, one taken");
        assert_eq!(RateLimiter::new(60, 3).lease_size(), 1, "small bursts lease one at a time");
    }

    #[test]
    fn leased_tokens_are_spent_once_and_lapse() {
        let leases = Leases::default();
        assert!(!leases.spend("k", 0), "nothing held yet");
        leases.hold("k", 2, 0);
        assert!(leases.spend("k", 10) && leases.spend("k", 20));
        assert!(!leases.spend("k", 30), "both spent");
        leases.hold("k", 5, 100);
        assert!(!leases.spend("k", 100 + LEASE_MS), "lapsed");
        assert!(!leases.spend("other", 100), "keys are separate");
    }

    #[test]
    fn slow_rates_ask_for_longer_waits() {
        let rl = RateLimiter::new(1, 1); // one per minute
        assert_eq!(rl.check("k", 0), Ok(()));
        assert_eq!(rl.check("k", 0), Err(60));
        assert_eq!(rl.check("k", 30_000), Err(30));
    }
}
