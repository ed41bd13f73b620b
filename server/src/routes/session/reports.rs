//! Reports for signed-in staff, as downloads: the signature status report as
//! CSV (`GET /signature-status/export.csv?show=all|failing|stale`) and a drill
//! report as Markdown (`GET /drills/{id}/report.md`), for auditors, security
//! and operator admins.

use super::signed_in::SignedIn;
use crate::routes::download::attachment;
use crate::routes::error::ApiError;
use app::ssr::AppState;
use app::ssr::audit_kit::access::Access;
use app::ssr::error::log_internal;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signature-status/export.csv", get(export_status))
        .route("/api/v1/signature-status/export.csv", get(export_status))
        .route("/drills/{id}/report.md", get(drill_report))
}

/// Query of the CSV export.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `all`, `failing` or `stale`.
    #[serde(default)]
    pub show: String,
}

/// The signature status report as CSV, for a signed-in auditor, security or
/// operator admin (an auditor's download is in the engagement's access log).
#[utoipa::path(get, path = "/api/v1/signature-status/export.csv", tag = "console", params(ExportQuery),
    responses((status = 200, description = "`signature-status.csv` as an attachment", content_type = "text/csv"),
        (status = 400, body = crate::routes::error::ErrorEnvelope)),
    security(("session" = [])))]
pub async fn export_status(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    axum::extract::Query(q): axum::extract::Query<ExportQuery>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ReadSignatureStatus)?;
    let show = app::domain::adoption::Show::parse(&q.show).map_err(|e| app::domain::AppError::invalid("show", e))?;
    let sees = p.sees();
    let report =
        app::ssr::policy::status::report_within(&state, |org, repo| sees.repo(org, repo)).await?.filtered(show);
    let csv = report.to_csv();
    if let Some(v) = p.viewer() {
        app::ssr::audit_kit::access::record(&state, v, Access::Download, "signature-status.csv", csv.as_bytes())
            .await?;
    }
    Ok(attachment(csv, "text/csv; charset=utf-8", "signature-status.csv"))
}

/// A drill report (Markdown), for a signed-in auditor, security or operator admin.
pub async fn drill_report(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ReadSignatureStatus)?;
    let body = state.db.drill_report(&id).await?.filter(|_| p.sees().operator_evidence());
    let body = body.ok_or_else(|| app::domain::AppError::not_found("Drill"))?;
    let report: app::domain::drill::DrillReport = serde_json::from_str(&body).map_err(log_internal)?;
    let markdown = report.to_markdown();
    if let Some(v) = p.viewer() {
        app::ssr::audit_kit::access::record(
            &state,
            v,
            Access::Download,
            &format!("drill report {id}"),
            markdown.as_bytes(),
        )
        .await?;
    }
    Ok(attachment(markdown, "text/markdown; charset=utf-8", &format!("{id}.md")))
}
