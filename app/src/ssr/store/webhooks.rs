//! Tenant webhook endpoints and the delivery queue.

use super::{Db, StoreResult};
use crate::domain::cursor::Cursor;
use crate::domain::message_search::{MessageSearch, MessageText};
use crate::domain::status::DeliveryStatus;

/// A tenant's webhook endpoint. (No `Debug`: it holds the signing secret.)
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WebhookEndpointRow {
    /// `ep_…` id.
    pub id: String,
    /// The tenant.
    pub org_id: String,
    /// Where deliveries go.
    pub url: String,
    /// `whsec_…` signing secret.
    pub secret: String,
    /// The secret before the last rotation, still signing until `previous_until`.
    pub previous_secret: Option<String>,
    /// End of the rotation overlap (ms).
    pub previous_until: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

/// One webhook message and its delivery state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    /// `msg_…`: the `webhook-id`, the same on every attempt and replay.
    pub id: String,
    /// The tenant.
    pub org_id: String,
    /// `webhook.test`, `onboarding.completed`, `pack.verified`, …
    pub event_type: String,
    /// The JSON body sent.
    pub payload: String,
    /// `pending`, `delivered`, `dead` or `test`.
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due (ms), while pending.
    pub next_attempt_at: Option<i64>,
    /// The receiver's last HTTP status.
    pub last_status: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Delivered (ms).
    pub delivered_at: Option<i64>,
}

const ENDPOINT_COLUMNS: &str = "id, org_id, url, secret, previous_secret, previous_until, created_at, updated_at";
const DELIVERY_COLUMNS: &str = "id, org_id, event_type, payload, status, attempts, next_attempt_at, last_status, \
     last_error, created_at, delivered_at";

impl Db {
    /// Creates or replaces a tenant's endpoint (one per tenant).
    pub async fn upsert_webhook_endpoint(&self, e: &WebhookEndpointRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO webhook_endpoints ({ENDPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (org_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, \
             previous_secret = excluded.previous_secret, previous_until = excluded.previous_until, \
             updated_at = excluded.updated_at"
        ))
        .bind(&e.id)
        .bind(&e.org_id)
        .bind(&e.url)
        .bind(&e.secret)
        .bind(&e.previous_secret)
        .bind(e.previous_until)
        .bind(e.created_at)
        .bind(e.updated_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A tenant's endpoint.
    pub async fn webhook_endpoint(&self, org_id: &str) -> StoreResult<Option<WebhookEndpointRow>> {
        Ok(sqlx::query_as(&format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1"))
            .bind(org_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Queues (or records) a message.
    pub async fn insert_delivery(&self, d: &DeliveryRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO webhook_deliveries ({DELIVERY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&d.id)
        .bind(&d.org_id)
        .bind(&d.event_type)
        .bind(&d.payload)
        .bind(d.status.as_str())
        .bind(d.attempts)
        .bind(d.next_attempt_at)
        .bind(d.last_status)
        .bind(&d.last_error)
        .bind(d.created_at)
        .bind(d.delivered_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Pending messages due by `now`, oldest first.
    pub async fn due_deliveries(&self, now: i64, limit: i64) -> StoreResult<Vec<DeliveryRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
             WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Leases a due message for one attempt by moving its due time to `lease_until`;
    /// true for the one process that got it.
    pub async fn lease_delivery(&self, id: &str, seen_due: i64, lease_until: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3",
        )
        .bind(lease_until)
        .bind(id)
        .bind(seen_due)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records an attempt's outcome.
    pub async fn record_attempt(&self, d: &DeliveryRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_status = $4, \
             last_error = $5, delivered_at = $6 WHERE id = $7",
        )
        .bind(d.status.as_str())
        .bind(d.attempts)
        .bind(d.next_attempt_at)
        .bind(d.last_status)
        .bind(&d.last_error)
        .bind(d.delivered_at)
        .bind(&d.id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// One of a tenant's messages.
    pub async fn delivery(&self, org_id: &str, id: &str) -> StoreResult<Option<DeliveryRow>> {
        Ok(sqlx::query_as(&format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE org_id = $1 AND id = $2"))
            .bind(org_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A tenant's messages matching `search`, older than `before` (from the
    /// newest when `None`), newest first.
    pub async fn deliveries_page(
        &self,
        org_id: &str,
        search: &MessageSearch,
        before: Option<&Cursor>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRow>> {
        // Without a cursor, a bound past every row: one statement for both.
        let (at, id) = before.map_or((i64::MAX, ""), |c| (c.at, c.id.as_str()));
        let (text_clause, text) = match &search.text {
            None => ("", String::new()),
            Some(MessageText::Id(id)) => (" AND id = $6", id.clone()),
            // Checked by the parse: nothing in it is a LIKE wildcard.
            Some(MessageText::EventPrefix(start)) => (" AND event_type LIKE $6", format!("{start}%")),
        };
        let status_clause = if search.status.is_some() { " AND status = $5" } else { " AND $5 = $5" };
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
             WHERE org_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3)){status_clause}{text_clause} \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        let status = search.status.map_or("", |s| s.as_str());
        let mut query = sqlx::query_as(&sql).bind(org_id).bind(at).bind(id).bind(limit).bind(status);
        if search.text.is_some() {
            query = query.bind(text);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// Puts a dead (or delivered) message back in the queue, due now; true when it was.
    pub async fn requeue_delivery(&self, org_id: &str, id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1 \
             WHERE org_id = $2 AND id = $3 AND status IN ('dead', 'delivered')",
        )
        .bind(now)
        .bind(org_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Dead messages (every retry failed, not replayed) per tenant: (org id, messages).
    pub async fn dead_deliveries(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT org_id, COUNT(*) FROM webhook_deliveries WHERE status = 'dead' GROUP BY org_id ORDER BY org_id",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
