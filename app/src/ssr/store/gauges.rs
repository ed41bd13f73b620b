//! Counts for the business gauges on `/metrics` ([`crate::ssr::business_metrics`])
//! and the operations dashboards ([`crate::ssr::dashboard`]).

use super::{Db, StoreResult};

impl Db {
    /// Usage events ever recorded, per tenant and event type: (org id, event, events).
    pub async fn usage_counts_by_event(&self) -> StoreResult<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT org_id, event, COUNT(*) FROM usage_events GROUP BY org_id, event ORDER BY org_id, event",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// When the oldest usage event not yet in the ledger was recorded (ms); `None` when every one is.
    pub async fn oldest_unledgered(&self) -> StoreResult<Option<i64>> {
        let (at,): (Option<i64>,) =
            sqlx::query_as("SELECT MIN(created_at) FROM usage_events WHERE ledgered_at IS NULL")
                .fetch_one(self.pool())
                .await?;
        Ok(at)
    }

    /// Tenant webhook messages per status (`pending`, `delivered`, `dead`, `test`).
    pub async fn webhook_queue(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as("SELECT status, COUNT(*) FROM webhook_deliveries GROUP BY status ORDER BY status")
            .fetch_all(self.pool())
            .await?)
    }
}

impl Db {
    /// Usage events per tenant and minute in `[from, to)`: (org id, minute index from `from`, events).
    pub async fn usage_per_minute(&self, from: i64, to: i64) -> StoreResult<Vec<(String, i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT org_id, (ts - $1) / 60000 AS minute, COUNT(*) FROM usage_events \
             WHERE ts >= $1 AND ts < $2 GROUP BY org_id, (ts - $1) / 60000 ORDER BY org_id, minute",
        )
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records adoption at `at` (a second record at the same moment is ignored).
    pub async fn record_adoption(&self, at: i64, adopted: i64, active: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO adoption_history (at, adopted, active) VALUES ($1, $2, $3) ON CONFLICT (at) DO NOTHING",
        )
        .bind(at)
        .bind(adopted)
        .bind(active)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Adoption recorded since `from`, oldest first: (at, adopted, active).
    pub async fn adoption_history(&self, from: i64) -> StoreResult<Vec<(i64, i64, i64)>> {
        Ok(sqlx::query_as("SELECT at, adopted, active FROM adoption_history WHERE at >= $1 ORDER BY at")
            .bind(from)
            .fetch_all(self.pool())
            .await?)
    }
}
