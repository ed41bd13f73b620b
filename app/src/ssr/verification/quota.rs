//! The Attestation API's rate limit: a token bucket per API key (and per
//! tenant for the Verify page's dry run), at the configured rate, ten times it
//! with the `high_rate_limit` entitlement.
//!
//! On Postgres, where several server processes may share the database, the
//! buckets are rows of `throttle_buckets` (as the login throttle's), so the
//! processes together allow the configured rate, not one rate each. A process
//! takes a tenth of the burst at a time and spends it locally
//! ([`crate::ssr::rate_limit::Leases`]), so a busy key costs one database step
//! per lease, not per request. On SQLite (one process) the buckets stay in
//! memory and cost no write at all.

use crate::domain::AppError;
use crate::domain::entitlements::Feature;
use crate::ssr::AppState;
use crate::ssr::billing::entitlements;
use crate::ssr::rate_limit::RateLimiter;
use crate::ssr::store::Backend;

/// Takes one request's token from `bucket` (of tenant `org_id`, whose plan
/// sets the rate): `Ok(Ok(()))` to go on, `Ok(Err(seconds))` when the bucket
/// is empty and a token comes back in that many whole seconds.
pub async fn take(state: &AppState, org_id: &str, bucket: &str) -> Result<Result<(), u64>, AppError> {
    let high = entitlements::allows(state, org_id, Feature::HighRateLimit).await?;
    let limiter = if high { &state.rate_limiter_high } else { &state.rate_limiter };
    let now = state.now_ms();
    match state.db.backend() {
        Backend::Postgres => shared(state, limiter, bucket, now).await,
        Backend::Sqlite => Ok(limiter.check(bucket, now)),
    }
}

/// A token from this process's lease of `bucket`, or a new lease from the database.
async fn shared(state: &AppState, limiter: &RateLimiter, bucket: &str, now: i64) -> Result<Result<(), u64>, AppError> {
    let leases = &state.api_leases;
    if leases.spend(bucket, now) {
        return Ok(Ok(()));
    }
    let _refill = leases.refill.lock().await;
    // Another request may have refilled the lease while this one waited.
    if leases.spend(bucket, now) {
        return Ok(Ok(()));
    }
    let want = limiter.lease_size();
    let taken = state.db.throttle_step(&format!("api:{bucket}"), |b| limiter.take_up_to(b, now, want)).await?;
    Ok(taken.map(|n| leases.hold(bucket, n - 1, now)))
}
