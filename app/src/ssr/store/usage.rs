//! Metered usage events (`attestation.verify`, `portal.download`).

use super::{Db, StoreResult};

/// One usage event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsageEventRow {
    /// `evt_…` id.
    pub id: String,
    /// The tenant billed.
    pub org_id: String,
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// Units (>= 0).
    pub units: i64,
    /// When it happened (ms).
    pub ts: i64,
    /// For `attestation.verify`: the receipt that justifies it.
    pub receipt_id: Option<String>,
    /// What it was about (a pack id for downloads).
    pub subject: Option<String>,
    /// The client's `Idempotency-Key` of the call behind it, if it sent one.
    pub idempotency_key: Option<String>,
    /// When it was recorded (ms).
    pub created_at: i64,
}

pub(super) const COLUMNS: &str = "id, org_id, event, units, ts, receipt_id, subject, idempotency_key, created_at";

impl Db {
    /// Records an event on a given connection (inside a transaction).
    pub(super) async fn insert_usage_in(conn: &mut sqlx::AnyConnection, e: &UsageEventRow) -> StoreResult<()> {
        sqlx::query(&format!("INSERT INTO usage_events ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
            .bind(&e.id)
            .bind(&e.org_id)
            .bind(&e.event)
            .bind(e.units)
            .bind(e.ts)
            .bind(&e.receipt_id)
            .bind(&e.subject)
            .bind(&e.idempotency_key)
            .bind(e.created_at)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Records one event.
    pub async fn insert_usage(&self, e: &UsageEventRow) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await?;
        Self::insert_usage_in(&mut conn, e).await
    }

    /// A tenant's events, newest first.
    pub async fn usage_events(&self, org_id: &str, limit: i64) -> StoreResult<Vec<UsageEventRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM usage_events WHERE org_id = $1 ORDER BY ts DESC, id DESC LIMIT $2"
        ))
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
