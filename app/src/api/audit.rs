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

/// The newest 200 entries, and whether the whole chain verifies (operator
/// admins and security: every entry; an auditor: the entries about their
/// engagement and its tenants, logged).
#[server(endpoint = "list_audit_log")]
pub async fn list_audit_log() -> Result<(Vec<AuditEntry>, bool), AppError> {
    use crate::ssr::audit::verify_chain;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAuditLog).await?;
    let rows = match &p.audit {
        None => state.db.audit_entries(None, 200).await?,
        Some(scope) => {
            let orgs: Vec<String> = scope.tenants.iter().cloned().collect();
            state.db.audit_entries_about(&orgs, &scope.engagement_id, 200).await?
        }
    };
    let intact = verify_chain(&state.db).await?.is_ok();
    let listed = (
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
            .collect::<Vec<_>>(),
        intact,
    );
    crate::ssr::audit_kit::access::viewed(&state, p.viewer(), "audit log", listed).await
}
