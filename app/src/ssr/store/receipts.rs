//! Signed receipts of successful verifications.

use super::{Db, StoreResult};
use crate::domain::cursor::Cursor;
use crate::domain::receipt_search::ReceiptSearch;

/// A stored receipt (a DSSE envelope).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceiptRow {
    /// Same id as the verification (`ver_…`).
    pub id: String,
    /// The tenant it was issued to.
    pub org_id: String,
    /// The receipt key that signed it.
    pub key_id: String,
    /// SHA-256 of the verified subject.
    pub subject_sha256: String,
    /// The DSSE envelope JSON.
    pub envelope: String,
    /// Issue time (ms).
    pub created_at: i64,
}

/// A receipt with the usage event that metered its verification (none for
/// a receipt whose event was never written, which reconciliation reports).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceiptTrailRow {
    /// The receipt.
    #[sqlx(flatten)]
    pub receipt: ReceiptRow,
    /// `evt_…` id of its usage event.
    pub usage_event_id: Option<String>,
    /// The usage event's time (ms): its month is the invoice it is billed on.
    pub usage_ts: Option<i64>,
}

pub(super) const COLUMNS: &str = "id, org_id, key_id, subject_sha256, envelope, created_at";

impl Db {
    /// A tenant's receipt; `None` for another tenant's id (no existence leak).
    pub async fn receipt(&self, org_id: &str, id: &str) -> StoreResult<Option<ReceiptRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM receipts WHERE id = $1 AND org_id = $2"))
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A tenant's receipts, newest first.
    pub async fn receipts(&self, org_id: &str, limit: i64) -> StoreResult<Vec<ReceiptRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM receipts WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's receipts matching `search` (all when `None`) older than
    /// `before` (from the newest when `None`), newest first, each with its
    /// usage event.
    pub async fn receipts_with_trail(
        &self,
        org_id: &str,
        search: Option<&ReceiptSearch>,
        before: Option<&Cursor>,
        limit: i64,
    ) -> StoreResult<Vec<ReceiptTrailRow>> {
        let (clause, value) = match search {
            None => ("", String::new()),
            Some(ReceiptSearch::Id(id)) => (" AND r.id = $5", id.as_str().to_owned()),
            // Hex digits only (checked by the parse), so nothing in them is a LIKE wildcard.
            Some(ReceiptSearch::Subject(start)) => (" AND r.subject_sha256 LIKE $5", format!("{start}%")),
        };
        // Without a cursor, a bound past every row: one statement for both.
        let (at, id) = before.map_or((i64::MAX, ""), |c| (c.at, c.id.as_str()));
        let sql = format!(
            "SELECT r.id, r.org_id, r.key_id, r.subject_sha256, r.envelope, r.created_at, \
             u.id AS usage_event_id, u.ts AS usage_ts \
             FROM receipts r LEFT JOIN usage_events u ON u.receipt_id = r.id AND u.org_id = r.org_id \
             WHERE r.org_id = $1 AND (r.created_at < $2 OR (r.created_at = $2 AND r.id < $3)){clause} \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $4"
        );
        let mut query = sqlx::query_as(&sql).bind(org_id).bind(at).bind(id).bind(limit);
        if search.is_some() {
            query = query.bind(value);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }
}
