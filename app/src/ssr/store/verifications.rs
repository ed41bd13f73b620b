//! The record of Attestation API calls.

use super::{Db, StoreResult};
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

    /// A tenant's calls, newest first.
    pub async fn verifications(&self, org_id: &str, limit: i64) -> StoreResult<Vec<VerificationRow>> {
        Ok(sqlx::query_as(
            "SELECT id, org_id, api_key_id, kind, subject_sha256, outcome, reason, signer, latency_us, created_at \
             FROM verifications WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
