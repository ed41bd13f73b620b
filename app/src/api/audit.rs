//! The audit log, read-only: filtered by actor, action and days. The page's
//! export (`/audit-log/export`) serves the same search as CSV or JSON.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::audit_log::{AuditEntry, AuditFilter};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One page of the audit log.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogPage {
    /// The newest matching entries, at most [`AuditLogPage::limit`].
    pub entries: Vec<AuditEntry>,
    /// Whether the whole chain verifies.
    pub intact: bool,
    /// The most entries a page shows.
    pub limit: i64,
    /// The filter applied (as checked).
    pub filter: AuditFilter,
}

/// The newest 200 entries the filter matches (blank fields filter nothing),
/// and whether the whole chain verifies. Operator admins and security see
/// every entry; an auditor the entries about their engagement and its
/// tenants, and reading them is logged.
#[server(endpoint = "list_audit_log")]
pub async fn list_audit_log(
    #[server(default)] actor: String,
    #[server(default)] action: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<AuditLogPage, AppError> {
    use crate::ssr::audit_log::{PAGE_LIMIT, search};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAuditLog).await?;
    let filter = AuditFilter::parse(&actor, &action, &from, &to)?;
    let entries = search(&state, &p, &filter, PAGE_LIMIT).await?;
    let intact = crate::ssr::audit::verify_chain(&state.db).await?.is_ok();
    let page = AuditLogPage { entries, intact, limit: PAGE_LIMIT, filter };
    crate::ssr::audit_kit::access::viewed(&state, p.viewer(), "audit log", page).await
}
