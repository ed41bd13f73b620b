//! Raw SLA measurements: API latency histograms per 5-minute bucket, and
//! heartbeats marking the buckets in which the server was running.

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

    /// Marks the 5-minute bucket `bucket_start` as up.
    pub async fn heartbeat(&self, bucket_start: i64, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO heartbeats (bucket_start, last_beat_at) VALUES ($1, $2) \
             ON CONFLICT (bucket_start) DO UPDATE SET last_beat_at = excluded.last_beat_at",
        )
        .bind(bucket_start)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The first heartbeat bucket at or after `from_ms`, and how many up buckets there are since.
    pub async fn heartbeats_since(&self, from_ms: i64) -> StoreResult<(Option<i64>, i64)> {
        let row: (Option<i64>, i64) =
            sqlx::query_as("SELECT MIN(bucket_start), COUNT(*) FROM heartbeats WHERE bucket_start >= $1")
                .bind(from_ms)
                .fetch_one(self.pool())
                .await?;
        Ok(row)
    }
}
