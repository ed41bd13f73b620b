//! Clients' idempotency keys and the answers stored for them.

use super::{Db, StoreResult};

/// An idempotency key of a tenant and the answer its first request got.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdempotencyRow {
    /// The tenant (keys are per tenant).
    pub org_id: String,
    /// The client's `Idempotency-Key`.
    pub idem_key: String,
    /// SHA-256 of the first request's body; a different body with the same key is a conflict.
    pub request_sha256: String,
    /// The call it recorded.
    pub verification_id: String,
    /// HTTP status of the answer.
    pub status: i64,
    /// Body of the answer (JSON).
    pub response: String,
    /// When (ms).
    pub created_at: i64,
    /// Until when a retry is answered from here (ms).
    pub expires_at: i64,
}

pub(super) const COLUMNS: &str =
    "org_id, idem_key, request_sha256, verification_id, status, response, created_at, expires_at";

impl Db {
    /// The live answer stored for a tenant's key, if any. An expired one is
    /// deleted here, so the key can be used afresh.
    pub async fn idempotent_answer(&self, org_id: &str, key: &str, now: i64) -> StoreResult<Option<IdempotencyRow>> {
        let row: Option<IdempotencyRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2"))
                .bind(org_id)
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
        match row {
            Some(r) if r.expires_at <= now => {
                sqlx::query("DELETE FROM idempotency_keys WHERE org_id = $1 AND idem_key = $2 AND expires_at <= $3")
                    .bind(org_id)
                    .bind(key)
                    .bind(now)
                    .execute(self.pool())
                    .await?;
                Ok(None)
            }
            other => Ok(other),
        }
    }

    /// Deletes expired keys (so the key can be used afresh); returns how many.
    pub async fn purge_idempotency_keys(&self, now: i64) -> StoreResult<u64> {
        let r =
            sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= $1").bind(now).execute(self.pool()).await?;
        Ok(r.rows_affected())
    }
}
