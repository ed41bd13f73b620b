//! The Attestation API's rate limit: a token bucket per API key (and per
//! tenant for the Verify page's dry run), at the configured rate, ten times it
//! with the `high_rate_limit` entitlement.
//!
//! On Postgres, where several server processes may share the database, the
//! buckets are rows of `throttle_buckets` (as the login throttle's), so the
//! processes together allow the configured rate, not one rate each. On SQLite
//! (one process) they stay in memory and cost no write per request.

use crate::domain::AppError;
use crate::domain::entitlements::Feature;
use crate::ssr::AppState;
use crate::ssr::billing::entitlements;
use crate::ssr::store::Backend;

/// Takes one request's token from `bucket` (of tenant `org_id`, whose plan
/// sets the rate): `Ok(Ok(()))` to go on, `Ok(Err(seconds))` when the bucket
/// is empty and a token comes back in that many whole seconds.
pub async fn take(state: &AppState, org_id: &str, bucket: &str) -> Result<Result<(), u64>, AppError> {
    let high = entitlements::allows(state, org_id, Feature::HighRateLimit).await?;
    let limiter = if high { &state.rate_limiter_high } else { &state.rate_limiter };
    let now = state.now_ms();
    Ok(match state.db.backend() {
        Backend::Postgres => state.db.throttle_step(&format!("api:{bucket}"), |b| limiter.step(b, now, true)).await?,
        Backend::Sqlite => limiter.check(bucket, now),
    })
}
