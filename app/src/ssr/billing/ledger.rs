//! The ledger worker: moves usage events (the outbox, written with each
//! verification) into per-tenant, per-month ledger totals, exactly once.
//! Each batch is one transaction that both adds to the totals and marks the
//! events, so a crash can neither lose nor repeat a posting. An event that
//! cannot be posted (it breaks the usage schema) is retried with exponential
//! backoff and jitter, then parked in the dead-letter table, where finance
//! sees it and can replay it once fixed.

use crate::domain::period::Period;
use crate::ssr::AppState;
use crate::ssr::billing::schema;
use crate::ssr::store::{PendingEvent, Posting, StoreError};
use std::time::Duration;

/// Attempts before an event is parked.
pub const MAX_ATTEMPTS: i64 = 5;
/// Events per transaction.
pub const BATCH: i64 = 100;
/// How often the worker looks for events.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// Longest wait between attempts.
const MAX_BACKOFF_MS: i64 = 5 * 60 * 1000;

/// Wait before attempt `attempts + 1`: 1 s, 2 s, 4 s … (at most 5 min), plus up
/// to a quarter more of jitter (`jitter` is a random number).
pub fn backoff_ms(attempts: i64, jitter: u64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let base = 1000_i64.saturating_mul(1_i64 << exp).min(MAX_BACKOFF_MS);
    let spread = (base / 4).max(1);
    base + i64::try_from(jitter % u64::try_from(spread).unwrap_or(1)).unwrap_or(0)
}

/// What an event adds to the ledger, or why it cannot be posted.
pub fn posting(e: &PendingEvent) -> Result<Posting, String> {
    let json = serde_json::json!({
        "id": e.id, "ts": crate::ssr::clock::rfc3339(e.ts), "tenant": e.org_id,
        "event": e.event, "units": e.units, "receipt_id": e.receipt_id,
    });
    schema::validate_json(&json).map_err(|err| err.to_string())?;
    Ok((e.org_id.clone(), Period::containing(e.ts).to_string(), e.event.clone(), e.plan.clone(), e.units))
}

/// Posts every due event (in batches); returns (posted, retried, parked).
pub async fn run_once(state: &AppState) -> Result<(usize, usize, usize), StoreError> {
    let mut sum = (0, 0, 0);
    loop {
        let now = state.now_ms();
        let (p, r, d) =
            state.db.ledger_batch(now, BATCH, MAX_ATTEMPTS, |n| now + backoff_ms(n, rand::random()), posting).await?;
        sum = (sum.0 + p, sum.1 + r, sum.2 + d);
        if i64::try_from(p + r + d).unwrap_or(0) < BATCH {
            return Ok(sum);
        }
    }
}

/// The worker loop (spawned at start; several processes may run it).
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(INTERVAL);
    loop {
        tick.tick().await;
        match run_once(&state).await {
            Ok((0, 0, 0)) => {}
            Ok((posted, retried, parked)) => tracing::debug!(posted, retried, parked, "ledger batch"),
            Err(e) => tracing::warn!(error = %e, "ledger batch failed; will retry"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter_and_a_cap() {
        assert!((1000..1250).contains(&backoff_ms(1, 12_345)));
        assert!((2000..2500).contains(&backoff_ms(2, 99)));
        assert!((8000..10_000).contains(&backoff_ms(4, u64::MAX)));
        assert!((MAX_BACKOFF_MS..=MAX_BACKOFF_MS * 5 / 4).contains(&backoff_ms(60, 7)));
    }
}
