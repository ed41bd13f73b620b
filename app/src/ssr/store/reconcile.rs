//! The counts reconciliation compares, per tenant and month.

use super::{Db, StoreResult};

/// Ids listed per discrepancy (the UI and CLI show the first ones).
pub const IDS_LISTED: i64 = 20;

/// A tenant-month's `attestation.verify` counts ([`Db::month_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthCounts {
    /// Calls answered "verified".
    pub verified_calls: i64,
    /// Units of the month's usage events.
    pub usage_units: i64,
    /// The month's usage events.
    pub events: i64,
    /// Units the ledger has posted.
    pub ledger_units: i64,
    /// Events whose verified call of the same tenant and month exists: the
    /// ledger's count, taken as it posted them, plus the unposted ones.
    pub evidenced: i64,
    /// Units on their way to the ledger (not parked).
    pub pending_units: i64,
    /// Units issued invoices bill ([`crate::ssr::store::UninvoicedUnits`]'s other side).
    pub invoiced_rows: i64,
}

impl Db {
    /// A tenant-month's `attestation.verify` counts for reconciliation, read
    /// in one statement so they come from one snapshot: a call recorded, or an
    /// event posted by the ledger, while they are read is counted once,
    /// consistently. Reads two index ranges (calls, events) and the month's
    /// ledger, outbox and invoiced rows; never the posted events themselves.
    pub async fn month_counts(
        &self,
        org_id: &str,
        period: &str,
        from: i64,
        to: i64,
        max_attempts: i64,
    ) -> StoreResult<MonthCounts> {
        Ok(sqlx::query_as(
            "SELECT c.n AS verified_calls, u.units AS usage_units, u.n AS events, l.units AS ledger_units, \
             l.evidenced + p.evidenced AS evidenced, p.units AS pending_units, i.units AS invoiced_rows FROM \
             (SELECT COUNT(*) AS n FROM verifications \
              WHERE org_id = $1 AND outcome = 'verified' AND created_at >= $2 AND created_at < $3) c, \
             (SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) AS units, COUNT(*) AS n FROM usage_events \
              WHERE org_id = $1 AND event = 'attestation.verify' AND ts >= $2 AND ts < $3) u, \
             (SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) AS units, CAST(COALESCE(SUM(evidenced), 0) AS BIGINT) AS evidenced \
              FROM ledger_totals WHERE org_id = $1 AND period = $4 AND event = 'attestation.verify') l, \
             (SELECT CAST(COALESCE(SUM(CASE WHEN e.attempts < $5 THEN e.units ELSE 0 END), 0) AS BIGINT) AS units, \
              COUNT(v.id) AS evidenced FROM usage_events e LEFT JOIN verifications v ON v.id = e.receipt_id \
              AND v.org_id = e.org_id AND v.outcome = 'verified' AND v.created_at >= $2 AND v.created_at < $3 \
              WHERE e.ledgered_at IS NULL AND e.org_id = $1 AND e.event = 'attestation.verify' \
              AND e.ts >= $2 AND e.ts < $3) p, \
             (SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) AS units FROM invoiced_units \
              WHERE org_id = $1 AND period = $4 AND event = 'attestation.verify') i",
        )
        .bind(org_id)
        .bind(from)
        .bind(to)
        .bind(period)
        .bind(max_attempts)
        .fetch_one(self.pool())
        .await?)
    }

    /// Verified calls with no `attestation.verify` event (lost metering).
    pub async fn calls_without_event(&self, org_id: &str, from: i64, to: i64) -> StoreResult<Vec<String>> {
        self.first_ids(
            "SELECT v.id FROM verifications v LEFT JOIN usage_events e \
             ON e.receipt_id = v.id AND e.event = 'attestation.verify' \
             WHERE v.org_id = $1 AND v.outcome = 'verified' AND v.created_at >= $2 AND v.created_at < $3 \
             AND e.id IS NULL ORDER BY v.id LIMIT $4",
            org_id,
            from,
            to,
        )
        .await
    }

    /// `attestation.verify` events with no verified call behind them (billing without evidence).
    pub async fn events_without_call(&self, org_id: &str, from: i64, to: i64) -> StoreResult<Vec<String>> {
        self.first_ids(
            "SELECT e.id FROM usage_events e LEFT JOIN verifications v \
             ON v.id = e.receipt_id AND v.outcome = 'verified' AND v.org_id = e.org_id \
             WHERE e.org_id = $1 AND e.event = 'attestation.verify' AND e.ts >= $2 AND e.ts < $3 \
             AND v.id IS NULL ORDER BY e.id LIMIT $4",
            org_id,
            from,
            to,
        )
        .await
    }

    /// The first [`IDS_LISTED`] ids an anti-join query (`$1` tenant, `$2..$3` range, `$4` limit) returns.
    async fn first_ids(&self, sql: &str, org_id: &str, from: i64, to: i64) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as(sql).bind(org_id).bind(from).bind(to).bind(IDS_LISTED).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Like [`Db::unledgered_units`], per plan the events were recorded on.
    pub async fn unledgered_units_by_plan(
        &self,
        org_id: &str,
        event: &str,
        from: i64,
        to: i64,
        max_attempts: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT COALESCE(plan, 'starter') AS plan, CAST(SUM(units) AS BIGINT) FROM usage_events \
             WHERE ledgered_at IS NULL AND org_id = $1 AND event = $2 AND ts >= $3 AND ts < $4 AND attempts < $5 \
             GROUP BY COALESCE(plan, 'starter') ORDER BY 1",
        )
        .bind(org_id)
        .bind(event)
        .bind(from)
        .bind(to)
        .bind(max_attempts)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's events of a type in a range not yet in the ledger and not
    /// parked (fewer than `max_attempts` failed attempts): units on their way.
    /// Reads only unledgered rows (the outbox index), so it stays cheap.
    pub async fn unledgered_units(
        &self,
        org_id: &str,
        event: &str,
        from: i64,
        to: i64,
        max_attempts: i64,
    ) -> StoreResult<i64> {
        let per_plan = self.unledgered_units_by_plan(org_id, event, from, to, max_attempts).await?;
        Ok(per_plan.iter().map(|(_, units)| units).sum())
    }
}
