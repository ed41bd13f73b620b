//! A tenant's recent Attestation API calls, read-only.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
#[cfg(feature = "ssr")]
use crate::domain::cursor::Cursor;
use crate::domain::cursor::Page;
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

/// Calls a page lists.
pub const PAGE_SIZE: usize = 50;

/// The caller's tenant's calls, newest first, [`PAGE_SIZE`] at a time:
/// `before` is the cursor of the previous page's last row (blank: the newest).
/// Tenant admins and members.
#[server(endpoint = "list_verifications")]
pub async fn list_verifications(#[server(default)] before: String) -> Result<Page<VerificationSummary>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let before = Cursor::parse(&before)?;
    let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
    let rows = state.db.verifications_before(&p.org_id, before.as_ref(), limit).await?;
    let rows = rows
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
        .collect();
    Ok(Page::of(rows, PAGE_SIZE, |v: &VerificationSummary| Cursor { at: v.created_at, id: v.id.clone() }))
}

/// The caller's tenant's calls per day by outcome over the last
/// [`crate::domain::call_days::DAYS`] days (tenant admins and members).
#[server(endpoint = "verification_days")]
pub async fn verification_days() -> Result<Vec<crate::domain::call_days::CallDay>, AppError> {
    use crate::domain::call_days;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let now = state.now_ms();
    let rows = state.db.calls_per_day(&p.org_id, call_days::window_start(now)).await?;
    Ok(call_days::series(now, &rows))
}
