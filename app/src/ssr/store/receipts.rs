//! Signed receipts of successful verifications.

use super::{Db, StoreResult};

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
}
