//! The billing ledger: moving outbox events into per-month totals exactly
//! once, the dead-letter table, and the sums reconciliation compares.

use super::{Backend, Db, StoreError, StoreResult};

/// Events marked ledgered per statement (bound parameters stay well under limits).
const MARK_CHUNK: usize = 500;

/// An outbox event waiting to be ledgered.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingEvent {
    /// `evt_…` id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Event type.
    pub event: String,
    /// Units.
    pub units: i64,
    /// Event time (ms).
    pub ts: i64,
    /// The receipt behind it, for `attestation.verify`.
    pub receipt_id: Option<String>,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The plan the tenant was on when the event was recorded.
    pub plan: String,
}

/// A ledgered event's contribution: (tenant, `YYYY-MM`, event type, plan, units).
pub type Posting = (String, String, String, String, i64);

/// A parked event, as finance sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadLetterRow {
    /// The event.
    pub event_id: String,
    /// Its tenant.
    pub org_id: String,
    /// Why it could not be ledgered.
    pub reason: String,
    /// Attempts made.
    pub attempts: i64,
    /// When it was parked (ms).
    pub created_at: i64,
}

/// A ledger total.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerTotal {
    /// Tenant.
    pub org_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Event type.
    pub event: String,
    /// Units.
    pub units: i64,
    /// Events.
    pub events: i64,
}

/// One ledger row's share of a batch.
#[derive(Debug, Default)]
struct Sums {
    units: i64,
    events: i64,
    /// `attestation.verify` events whose verified call of the same tenant and month exists.
    evidenced: i64,
}

/// The verified calls behind the batch's `attestation.verify` events: call id
/// to (tenant, `created_at`). One indexed read per chunk of events.
async fn verified_calls_behind(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    due: &[PendingEvent],
) -> StoreResult<std::collections::HashMap<String, (String, i64)>> {
    let ids: Vec<&str> = due.iter().filter(|e| e.event == VERIFY).filter_map(|e| e.receipt_id.as_deref()).collect();
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(MARK_CHUNK) {
        let sql = format!(
            "SELECT id, org_id, created_at FROM verifications WHERE outcome = 'verified' AND id IN ({})",
            super::placeholders(1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for (id, org, at) in q.fetch_all(&mut **tx).await? {
            out.insert(id, (org, at));
        }
    }
    Ok(out)
}

/// Whether `e` is an `attestation.verify` event whose verified call, of the
/// same tenant, happened in the same month (what reconciliation counts on).
fn is_evidenced(e: &PendingEvent, calls: &std::collections::HashMap<String, (String, i64)>) -> bool {
    let month = crate::domain::period::Period::containing;
    e.event == VERIFY
        && e.receipt_id
            .as_ref()
            .and_then(|id| calls.get(id))
            .is_some_and(|(org, at)| *org == e.org_id && month(*at) == month(e.ts))
}

/// The metered event reconciliation checks against calls.
const VERIFY: &str = "attestation.verify";

impl Db {
    /// Claims up to `limit` due events in a transaction and applies `post`:
    /// for each event, `Ok(posting)` adds it to the totals and marks it
    /// ledgered; `Err(reason)` schedules a retry at `retry_at(attempts)` or,
    /// past `max_attempts`, parks it in `dead_letters`. One commit for the
    /// batch. On Postgres the claim skips rows another worker holds
    /// (`FOR UPDATE SKIP LOCKED`), so several workers never post one event twice.
    /// Returns (posted, retried, parked).
    pub async fn ledger_batch(
        &self,
        now: i64,
        limit: i64,
        max_attempts: i64,
        retry_at: impl Fn(i64) -> i64,
        post: impl Fn(&PendingEvent) -> Result<Posting, String>,
    ) -> StoreResult<(usize, usize, usize)> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Sqlite {
            // Take the write lock now, so two processes cannot claim the same rows.
            sqlx::query("UPDATE ledger_totals SET updated_at = updated_at WHERE 0").execute(&mut *tx).await?;
        }
        let due: Vec<PendingEvent> = sqlx::query_as(&format!(
            "SELECT id, org_id, event, units, ts, receipt_id, attempts, COALESCE(plan, 'starter') AS plan FROM usage_events \
             WHERE ledgered_at IS NULL AND next_attempt_at <= $1 AND attempts < $2 LIMIT $3{lock}"
        ))
        .bind(now)
        .bind(max_attempts)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let calls = verified_calls_behind(&mut tx, &due).await?;
        let (mut retried, mut parked) = (0, 0);
        // Postings summed per (tenant, month, event type, plan): one upsert per group.
        let mut sums: std::collections::BTreeMap<(String, String, String, String), Sums> = Default::default();
        let mut ok_ids: Vec<&str> = Vec::new();
        for e in &due {
            match post(e) {
                Ok((org, period, event, plan, units)) => {
                    let sum = sums.entry((org, period, event, plan)).or_default();
                    sum.units += units;
                    sum.events += 1;
                    sum.evidenced += i64::from(is_evidenced(e, &calls));
                    ok_ids.push(&e.id);
                }
                Err(reason) => {
                    let attempts = e.attempts + 1;
                    sqlx::query("UPDATE usage_events SET attempts = $1, next_attempt_at = $2 WHERE id = $3")
                        .bind(attempts)
                        .bind(retry_at(attempts))
                        .bind(&e.id)
                        .execute(&mut *tx)
                        .await?;
                    if attempts >= max_attempts {
                        sqlx::query(
                            "INSERT INTO dead_letters (event_id, org_id, reason, attempts, created_at) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (event_id) DO UPDATE SET reason = excluded.reason, attempts = excluded.attempts, \
                             created_at = excluded.created_at, replayed_at = NULL",
                        )
                        .bind(&e.id)
                        .bind(&e.org_id)
                        .bind(&reason)
                        .bind(attempts)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        parked += 1;
                    } else {
                        retried += 1;
                    }
                }
            }
        }
        for chunk in ok_ids.chunks(MARK_CHUNK) {
            let sql = format!(
                "UPDATE usage_events SET ledgered_at = $1 WHERE ledgered_at IS NULL AND id IN ({})",
                super::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(now);
            for id in chunk {
                q = q.bind(*id);
            }
            let marked = q.execute(&mut *tx).await?;
            // The claim holds the rows (write lock / FOR UPDATE): each is marked here, once.
            if marked.rows_affected() != u64::try_from(chunk.len()).unwrap_or(0) {
                return Err(StoreError::Corrupt("ledger claim lost a row; the batch is rolled back".into()));
            }
        }
        for ((org, period, event, plan), sum) in &sums {
            sqlx::query(
                "INSERT INTO ledger_totals (org_id, period, event, plan, units, events, evidenced, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id, period, event, plan) DO UPDATE SET \
                 units = ledger_totals.units + excluded.units, events = ledger_totals.events + excluded.events, \
                 evidenced = ledger_totals.evidenced + excluded.evidenced, updated_at = excluded.updated_at",
            )
            .bind(org)
            .bind(period)
            .bind(event)
            .bind(plan)
            .bind(sum.units)
            .bind(sum.events)
            .bind(sum.evidenced)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((ok_ids.len(), retried, parked))
    }

    /// Parked events not yet replayed, newest first (all tenants, or one).
    pub async fn dead_letters(&self, org_id: Option<&str>) -> StoreResult<Vec<DeadLetterRow>> {
        const SELECT: &str =
            "SELECT event_id, org_id, reason, attempts, created_at FROM dead_letters WHERE replayed_at IS NULL";
        const ORDER: &str = "ORDER BY created_at DESC, event_id";
        Ok(match org_id {
            Some(org) => {
                sqlx::query_as(&format!("{SELECT} AND org_id = $1 {ORDER}")).bind(org).fetch_all(self.pool()).await?
            }
            None => sqlx::query_as(&format!("{SELECT} {ORDER}")).fetch_all(self.pool()).await?,
        })
    }

    /// Sends parked events back to the worker; returns how many. Idempotent:
    /// an event is posted at most once whatever the number of replays.
    pub async fn replay_dead_letters(&self, now: i64) -> StoreResult<u64> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE usage_events SET attempts = 0, next_attempt_at = 0 WHERE ledgered_at IS NULL AND id IN \
             (SELECT event_id FROM dead_letters WHERE replayed_at IS NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let r = sqlx::query("UPDATE dead_letters SET replayed_at = $1 WHERE replayed_at IS NULL")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(r.rows_affected())
    }

    /// Ledger totals of a month (all tenants).
    pub async fn ledger_totals(&self, period: &str) -> StoreResult<Vec<LedgerTotal>> {
        Ok(sqlx::query_as(
            "SELECT org_id, period, event, CAST(SUM(units) AS BIGINT) AS units, CAST(SUM(events) AS BIGINT) AS events \
             FROM ledger_totals WHERE period = $1 GROUP BY org_id, period, event ORDER BY org_id, event",
        )
        .bind(period)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's ledgered units of one event type in a month.
    pub async fn ledger_units(&self, org_id: &str, period: &str, event: &str) -> StoreResult<i64> {
        Ok(self.ledger_units_by_plan(org_id, period, event).await?.iter().map(|(_, u)| u).sum())
    }

    /// A tenant's ledgered units of `event` in `period`, per plan the events were recorded on.
    pub async fn ledger_units_by_plan(
        &self,
        org_id: &str,
        period: &str,
        event: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT plan, units FROM ledger_totals WHERE org_id = $1 AND period = $2 AND event = $3 ORDER BY plan",
        )
        .bind(org_id)
        .bind(period)
        .bind(event)
        .fetch_all(self.pool())
        .await?)
    }

    /// Events waiting for the ledger (due or backing off), excluding parked ones.
    pub async fn outbox_depth(&self, max_attempts: i64) -> StoreResult<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM usage_events WHERE ledgered_at IS NULL AND attempts < $1")
                .bind(max_attempts)
                .fetch_one(self.pool())
                .await?;
        Ok(n)
    }
}
