//! SLI counts: good and total events of each SLI in a time range, read from
//! what the portal records anyway (latency histograms, packs, webhook
//! deliveries, usage events) and the prober's probes. Ranges are half-open,
//! `[from, to)`.

use super::{Db, StoreResult};

/// One probe of the portal from outside its serving process.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ProbeRow {
    /// `prb_…` id.
    pub id: String,
    /// The base URL probed.
    pub target: String,
    /// When (ms since the epoch).
    pub at: i64,
    /// 1 when every check passed.
    pub up: i64,
    /// How long the checks took.
    pub latency_ms: i64,
    /// What failed, when something did.
    pub detail: Option<String>,
}

/// `(good, total)` as the queries return them.
type Counts = (i64, i64);

impl Db {
    /// Records a probe.
    pub async fn insert_probe(&self, p: &ProbeRow) -> StoreResult<()> {
        sqlx::query("INSERT INTO probes (id, target, at, up, latency_ms, detail) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&p.id)
            .bind(&p.target)
            .bind(p.at)
            .bind(p.up)
            .bind(p.latency_ms)
            .bind(&p.detail)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Probes made in the range; good: up.
    pub async fn sli_probes(&self, from: i64, to: i64) -> StoreResult<Counts> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(up), 0) AS BIGINT), COUNT(*) FROM probes WHERE at >= $1 AND at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(self.pool())
        .await?)
    }

    /// `/api/v1/*` requests in 5-minute buckets starting in the range; good:
    /// latency bucket index at most `good_max_index`.
    pub async fn sli_api_requests(&self, from: i64, to: i64, good_max_index: i64) -> StoreResult<Counts> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN bucket_index <= $3 THEN count ELSE 0 END), 0) AS BIGINT), \
                    CAST(COALESCE(SUM(count), 0) AS BIGINT) \
             FROM api_latency WHERE bucket_start >= $1 AND bucket_start < $2",
        )
        .bind(from)
        .bind(to)
        .bind(good_max_index)
        .fetch_one(self.pool())
        .await?)
    }

    /// Verified packs with a time-to-pack, verified in the range; good: within `within_ms`.
    pub async fn sli_pack_timings(&self, from: i64, to: i64, within_ms: i64) -> StoreResult<Counts> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN time_to_pack_ms <= $3 THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) \
             FROM packs WHERE status = 'verified' AND time_to_pack_ms IS NOT NULL \
               AND created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .bind(within_ms)
        .fetch_one(self.pool())
        .await?)
    }

    /// Webhook messages created in the range that reached an end (delivered or
    /// dead; tests and messages still retrying are not counted); good: delivered.
    pub async fn sli_webhook_deliveries(&self, from: i64, to: i64) -> StoreResult<Counts> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) \
             FROM webhook_deliveries WHERE status IN ('delivered', 'dead') AND created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(self.pool())
        .await?)
    }

    /// Usage events accepted in the range whose fate is known at `now`: on the
    /// ledger, or waiting longer than `within_ms`; good: on the ledger within `within_ms`.
    pub async fn sli_usage_events(&self, from: i64, to: i64, within_ms: i64, now: i64) -> StoreResult<Counts> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN ledgered_at IS NOT NULL AND ledgered_at - created_at <= $3 \
                                       THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*) \
             FROM usage_events WHERE created_at >= $1 AND created_at < $2 \
               AND (ledgered_at IS NOT NULL OR created_at < $4 - $3)",
        )
        .bind(from)
        .bind(to)
        .bind(within_ms)
        .bind(now)
        .fetch_one(self.pool())
        .await?)
    }
}
