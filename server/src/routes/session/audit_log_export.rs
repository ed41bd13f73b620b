//! `GET /audit-log/export?format=csv|json[&actor=…&action=…&from=…&to=…]`:
//! the audit log page's entries as a download, filtered as on the page (the
//! newest 10,000 at most). Operator admins and security get every entry; an
//! auditor the entries about their engagement, and the download is in the
//! engagement's access log. The same download is documented for scripts as
//! `GET /api/v1/audit-log/export`.

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
    Router::new().route("/audit-log/export", get(export)).route("/api/v1/audit-log/export", get(export))
}

/// Which entries, in which format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` or `json` (required; checked after the caller's rights, so a
    /// caller without them learns nothing from the query).
    #[serde(default)]
    pub format: String,
    /// Whose (an e-mail, exactly).
    #[serde(default)]
    actor: String,
    /// Which action, or the start of one (`tenant`).
    #[serde(default)]
    action: String,
    /// First day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    from: String,
    /// Last day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    to: String,
}

/// The filtered audit log as a file (CSV or JSON, the newest 10,000 entries
/// at most), for operator staff; an auditor's download is in the engagement's access log.
#[utoipa::path(get, path = "/api/v1/audit-log/export", tag = "console", params(ExportQuery),
    responses((status = 200, description = "`audit-log-YYYY-MM-DD.csv` (or `.json` with `format=json`) as an attachment", content_type = "text/csv"),
        (status = 400, body = crate::routes::error::ErrorEnvelope)),
    security(("session" = [])))]
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
