//! Usage totals and price versions for invoices.

use super::{Db, StoreResult};

/// A unit price in effect from a time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriceRow {
    /// `price_…` id.
    pub id: String,
    /// `starter`, `pro` or `enterprise`.
    pub plan: String,
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// Micro-dollars per unit.
    pub unit_price_micros: i64,
    /// In effect from (ms).
    pub effective_from: i64,
    /// Who set it (`None` for the built-in list).
    pub created_by: Option<String>,
    /// When it was set (ms).
    pub created_at: i64,
}

const PRICE_COLUMNS: &str = "id, plan, event, unit_price_micros, effective_from, created_by, created_at";

/// Units of one event type in a time range.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageTotal {
    /// The event type.
    pub event: String,
    /// Sum of units.
    pub units: i64,
    /// Number of events.
    pub events: i64,
}

impl Db {
    /// Units per event type of a tenant with `from <= ts < to`.
    pub async fn usage_totals(&self, org_id: &str, from: i64, to: i64) -> StoreResult<Vec<UsageTotal>> {
        Ok(sqlx::query_as(
            "SELECT event, CAST(COALESCE(SUM(units), 0) AS BIGINT) AS units, COUNT(*) AS events FROM usage_events \
             WHERE org_id = $1 AND ts >= $2 AND ts < $3 GROUP BY event ORDER BY event",
        )
        .bind(org_id)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }

    /// The price of a plan's event in effect at a time: the newest version
    /// whose `effective_from <= at`.
    pub async fn price_in_effect(&self, plan: &str, event: &str, at: i64) -> StoreResult<Option<PriceRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {PRICE_COLUMNS} FROM prices WHERE plan = $1 AND event = $2 AND effective_from <= $3 \
             ORDER BY effective_from DESC LIMIT 1"
        ))
        .bind(plan)
        .bind(event)
        .bind(at)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every price version, newest first.
    pub async fn prices(&self) -> StoreResult<Vec<PriceRow>> {
        Ok(sqlx::query_as(&format!("SELECT {PRICE_COLUMNS} FROM prices ORDER BY effective_from DESC, plan, event"))
            .fetch_all(self.pool())
            .await?)
    }

    /// Adds a price version.
    pub async fn insert_price(&self, p: &PriceRow) -> StoreResult<()> {
        sqlx::query(&format!("INSERT INTO prices ({PRICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(&p.id)
            .bind(&p.plan)
            .bind(&p.event)
            .bind(p.unit_price_micros)
            .bind(p.effective_from)
            .bind(&p.created_by)
            .bind(p.created_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Receipt ids behind a tenant's `attestation.verify` units in a range, oldest first.
    pub async fn billed_receipts(&self, org_id: &str, from: i64, to: i64, limit: i64) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT receipt_id FROM usage_events WHERE org_id = $1 AND event = 'attestation.verify' \
             AND ts >= $2 AND ts < $3 AND receipt_id IS NOT NULL ORDER BY ts, id LIMIT $4",
        )
        .bind(org_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}

impl Db {
    /// A tenant's units per UTC day and event type in a range: (day number since 1970, event, units).
    pub async fn daily_usage(&self, org_id: &str, from: i64, to: i64) -> StoreResult<Vec<(i64, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT ts / 86400000 AS day, event, CAST(COALESCE(SUM(units), 0) AS BIGINT) AS units FROM usage_events \
             WHERE org_id = $1 AND ts >= $2 AND ts < $3 GROUP BY ts / 86400000, event ORDER BY day, event",
        )
        .bind(org_id)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's `attestation.verify` events per minute since `from`: (minute number since 1970, events).
    pub async fn verify_events_per_minute(&self, org_id: &str, from: i64) -> StoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT ts / 60000 AS minute, COUNT(*) AS n FROM usage_events \
             WHERE org_id = $1 AND event = 'attestation.verify' AND ts >= $2 GROUP BY ts / 60000 ORDER BY minute",
        )
        .bind(org_id)
        .bind(from)
        .fetch_all(self.pool())
        .await?)
    }
}
