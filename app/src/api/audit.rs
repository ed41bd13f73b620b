//! The audit log, read-only.

use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An audit-log entry as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain.
    pub seq: i64,
    /// Time (ms).
    pub at: i64,
    /// Who acted.
    pub actor: String,
    /// What happened.
    pub action: String,
    /// Object concerned.
    pub target: Option<String>,
    /// Detail.
    pub detail: String,
    /// First 12 hex digits of the entry's chain hash.
    pub hash_prefix: String,
}

/// The newest 200 entries, and whether the whole chain verifies
/// (operator admins, security, auditors).
#[server(endpoint = "list_audit_log")]
pub async fn list_audit_log() -> Result<(Vec<AuditEntry>, bool), AppError> {
    use crate::ssr::audit::verify_chain;
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAuditLog).await?;
    let rows = state.db.audit_entries(None, 200).await?;
    let intact = verify_chain(&state.db).await?.is_ok();
    Ok((
        rows.into_iter()
            .map(|r| AuditEntry {
                seq: r.seq,
                at: r.at,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail,
                hash_prefix: r.hash.chars().take(12).collect(),
            })
            .collect(),
        intact,
    ))
}
