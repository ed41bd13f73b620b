//! Alerts: opened once per kind and subject, cleared when fixed.

use super::{Db, StoreResult, Tx};

/// An alert as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AlertRow {
    /// `alert_…` id.
    pub id: String,
    /// `policy.unsigned`, `slo.burn`, `usage.anomaly`… (see [`crate::ssr::alerting`]).
    pub kind: String,
    /// The tenant concerned.
    pub org_id: Option<String>,
    /// What it is about (`tenant/owner/name`).
    pub subject: String,
    /// For people.
    pub message: String,
    /// Raised (ms).
    pub opened_at: i64,
    /// Cleared (ms), when fixed.
    pub cleared_at: Option<i64>,
    /// Webhook deliveries done: `opened`, `opened,cleared`.
    pub delivered: Option<String>,
    /// The last delivery failure.
    pub delivery_error: Option<String>,
    /// Who acknowledged it (an e-mail), when someone did.
    pub acked_by: Option<String>,
    /// When it was acknowledged (ms).
    pub acked_at: Option<i64>,
}

const COLUMNS: &str =
    "id, kind, org_id, subject, message, opened_at, cleared_at, delivered, delivery_error, acked_by, acked_at";

impl Db {
    /// Opens an alert unless one of that kind and subject is open; true when opened.
    pub async fn open_alert(&self, a: &AlertRow) -> StoreResult<bool> {
        let done = sqlx::query(&format!(
            "INSERT INTO alerts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, NULL, NULL) \
             ON CONFLICT (kind, subject) WHERE cleared_at IS NULL DO NOTHING"
        ))
        .bind(&a.id)
        .bind(&a.kind)
        .bind(&a.org_id)
        .bind(&a.subject)
        .bind(&a.message)
        .bind(a.opened_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Clears an open alert; true when this call cleared it.
    pub async fn clear_alert(&self, id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE alerts SET cleared_at = $1 WHERE id = $2 AND cleared_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a webhook delivery outcome.
    pub async fn alert_delivery(&self, id: &str, delivered: Option<&str>, error: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE alerts SET delivered = COALESCE($1, delivered), delivery_error = $2 WHERE id = $3")
            .bind(delivered)
            .bind(error)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Open alerts, newest first.
    pub async fn open_alerts(&self) -> StoreResult<Vec<AlertRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM alerts WHERE cleared_at IS NULL ORDER BY opened_at DESC, id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// Alerts opened or cleared recently (since `since` ms), newest first.
    pub async fn recent_alerts(&self, since: i64, limit: i64) -> StoreResult<Vec<AlertRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM alerts WHERE cleared_at IS NULL OR cleared_at >= $1 ORDER BY opened_at DESC, id LIMIT $2"
        ))
        .bind(since)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// One alert.
    pub async fn alert(&self, id: &str) -> StoreResult<Option<AlertRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM alerts WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Cleared alerts, most recently cleared first: the history.
    pub async fn cleared_alerts(&self, limit: i64) -> StoreResult<Vec<AlertRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM alerts WHERE cleared_at IS NOT NULL ORDER BY cleared_at DESC, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Tx<'_> {
    /// Acknowledges an open, unacknowledged alert; true when this call did.
    pub async fn acknowledge_alert(&mut self, id: &str, by: &str, at: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE alerts SET acked_by = $1, acked_at = $2 WHERE id = $3 AND cleared_at IS NULL AND acked_by IS NULL",
        )
        .bind(by)
        .bind(at)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
