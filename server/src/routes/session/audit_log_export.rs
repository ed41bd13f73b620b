//! `GET /audit-log/export?format=csv|json[&actor=…&action=…&from=…&to=…]`:
//! the audit log page's entries as a download, filtered as on the page (the
//! newest 10,000 at most). Operator admins and security get every entry; an
//! auditor the entries about their engagement, and the download is in the
//! engagement's access log.

use super::signed_in::SignedIn;
use crate::routes::download::attachment;
use crate::routes::error::ApiError;
use app::domain::AppError;
use app::domain::audit_log::AuditFilter;
use app::ssr::AppState;
use app::ssr::audit_kit::access::{Access, record};
use app::ssr::audit_log::{EXPORT_LIMIT, search, to_csv};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::{Router, routing::get};
use serde::Deserialize;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit-log/export", get(export))
}

/// Which entries, in which format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` or `json`.
    pub format: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Downloads the filtered entries.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ReadAuditLog)?;
    let filter = AuditFilter::parse(&q.actor, &q.action, &q.from, &q.to)?;
    if !matches!(q.format.as_str(), "csv" | "json") {
        return Err(AppError::invalid("format", format!("{:?}: use csv or json", q.format)).into());
    }
    let entries = search(&state, &p, &filter, EXPORT_LIMIT).await?;
    let day = app::domain::period::Day::containing(state.now_ms());
    let (body, content_type, ext) = match q.format.as_str() {
        "csv" => (to_csv(&entries), "text/csv; charset=utf-8", "csv"),
        _ => (serde_json::json!({ "filter": filter, "entries": entries }).to_string(), "application/json", "json"),
    };
    if let Some(viewer) = p.viewer() {
        record(&state, viewer, Access::Download, "audit log export", body.as_bytes()).await?;
    }
    Ok(attachment(body, content_type, &format!("audit-log-{day}.{ext}")))
}
