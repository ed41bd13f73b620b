//! The record of Attestation API calls.

use super::{Db, StoreResult};
use crate::domain::cursor::Cursor;
use crate::domain::status::CallOutcome;

/// One call to the Attestation API, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VerificationRow {
    /// `ver_…` id.
    pub id: String,
    /// The calling tenant.
    pub org_id: String,
    /// The API key used.
    pub api_key_id: String,
    /// `cosign_blob`, `sigstore_bundle`, or what the request named.
    pub kind: String,
    /// SHA-256 of the subject, when the request got that far.
    pub subject_sha256: Option<String>,
    /// `verified`, `rejected` or `invalid_request`.
    #[sqlx(try_from = "String")]
    pub outcome: CallOutcome,
    /// Reason code of a rejection or invalid request.
    pub reason: Option<String>,
    /// JSON of the signer, when verified.
    pub signer: Option<String>,
    /// Time spent verifying (µs).
    pub latency_us: i64,
    /// When (ms).
    pub created_at: i64,
}

impl Db {
    /// One tenant's Attestation API calls in `[from, to)` by outcome: (outcome, calls).
    pub async fn outcome_counts(&self, org_id: &str, from: i64, to: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT outcome, COUNT(*) FROM verifications WHERE org_id = $1 AND created_at >= $2 AND created_at < $3 \
             GROUP BY outcome ORDER BY outcome",
        )
        .bind(org_id)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's calls since `from` per UTC day and outcome: (day number since 1970, outcome, calls).
    pub async fn calls_per_day(&self, org_id: &str, from: i64) -> StoreResult<Vec<(i64, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT created_at / 86400000 AS day, outcome, COUNT(*) AS calls FROM verifications \
             WHERE org_id = $1 AND created_at >= $2 GROUP BY created_at / 86400000, outcome ORDER BY day, outcome",
        )
        .bind(org_id)
        .bind(from)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's receipts per UTC day (day number since 1970) and signing key, from `from` (ms).
    pub async fn receipts_per_day(&self, org_id: &str, from: i64) -> StoreResult<Vec<(i64, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT created_at / 86400000 AS day, key_id, COUNT(*) AS receipts FROM receipts \
             WHERE org_id = $1 AND created_at >= $2 GROUP BY created_at / 86400000, key_id ORDER BY day, key_id",
        )
        .bind(org_id)
        .bind(from)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's calls, newest first.
    pub async fn verifications(&self, org_id: &str, limit: i64) -> StoreResult<Vec<VerificationRow>> {
        self.verifications_before(org_id, None, limit).await
    }

    /// A tenant's calls older than `before` (all when `None`), newest first.
    pub async fn verifications_before(
        &self,
        org_id: &str,
        before: Option<&Cursor>,
        limit: i64,
    ) -> StoreResult<Vec<VerificationRow>> {
        // Without a cursor, a bound past every row: one statement for both.
        let (at, id) = before.map_or((i64::MAX, ""), |c| (c.at, c.id.as_str()));
        Ok(sqlx::query_as(
            "SELECT id, org_id, api_key_id, kind, subject_sha256, outcome, reason, signer, latency_us, created_at \
             FROM verifications WHERE org_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4",
        )
        .bind(org_id)
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
