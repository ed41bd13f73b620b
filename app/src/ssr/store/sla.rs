//! Raw SLA measurements: API latency histograms per 5-minute bucket. (Uptime
//! is counted from probes, [`super::slo`]; the old `heartbeats` table is no longer written.)

use super::{Db, StoreResult};

impl Db {
    /// Adds latency counts: `(bucket_start, bucket_index, count)`.
    pub async fn add_latency_counts(&self, counts: &[(i64, i64, i64)]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await?;
        for &(bucket_start, index, count) in counts {
            sqlx::query(
                "INSERT INTO api_latency (bucket_start, bucket_index, count) VALUES ($1, $2, $3) \
                 ON CONFLICT (bucket_start, bucket_index) DO UPDATE SET count = api_latency.count + excluded.count",
            )
            .bind(bucket_start)
            .bind(index)
            .bind(count)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Latency counts per bucket index since `from_ms`.
    pub async fn latency_counts_since(&self, from_ms: i64) -> StoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT bucket_index, CAST(SUM(count) AS BIGINT) FROM api_latency WHERE bucket_start >= $1 GROUP BY bucket_index",
        )
        .bind(from_ms)
        .fetch_all(self.pool())
        .await?)
    }
}
