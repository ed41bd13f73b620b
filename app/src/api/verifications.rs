//! A tenant's recent Attestation API calls, read-only.

use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One recorded call as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationSummary {
    /// `ver_…` id.
    pub id: String,
    /// When (ms).
    pub created_at: i64,
    /// `cosign_blob`, `sigstore_bundle`, or what the request named.
    pub kind: String,
    /// SHA-256 of the verified subject.
    pub subject_sha256: Option<String>,
    /// `verified`, `rejected` or `invalid_request`.
    pub outcome: crate::domain::status::CallOutcome,
    /// Reason code of a failure.
    pub reason: Option<String>,
    /// Verification time in microseconds.
    pub latency_us: i64,
}

/// The caller's tenant's newest 100 calls (tenant admins and members).
#[server(endpoint = "list_verifications")]
pub async fn list_verifications() -> Result<Vec<VerificationSummary>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let rows = state.db.verifications(&p.org_id, 100).await?;
    Ok(rows
        .into_iter()
        .map(|r| VerificationSummary {
            id: r.id,
            created_at: r.created_at,
            kind: r.kind,
            subject_sha256: r.subject_sha256,
            outcome: r.outcome,
            reason: r.reason,
            latency_us: r.latency_us,
        })
        .collect())
}
