//! Counts for the business gauges on `/metrics` ([`crate::ssr::business_metrics`]).

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
