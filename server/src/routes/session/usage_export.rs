//! `GET /usage/export?period=YYYY-MM&format=csv|json[&tenant=slug]`: the
//! UsagePanel's invoice previews as a download, for a signed-in finance user
//! or operator admin (every tenant) or tenant admin (its own); with `tenant`,
//! that one invoice (the invoice page's downloads). Same numbers as the panel,
//! the CLI and the API.

use super::signed_in::SignedIn;
use crate::routes::download::attachment;
use crate::routes::error::ApiError;
use app::domain::AppError;
use app::domain::invoice::{self, Invoice};
use app::domain::period::Period;
use app::ssr::AppState;
use app::ssr::billing::{documents, pricing};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::{Router, routing::get};
use serde::Deserialize;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/usage/export", get(export))
}

/// Which export.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `YYYY-MM`.
    pub period: String,
    /// `csv` or `json`.
    pub format: String,
    /// Only this tenant's invoice (its handle).
    pub tenant: Option<String>,
}

/// Downloads the month's invoice previews.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ReadUsage)?;
    let period = Period::parse(&q.period).map_err(|e| AppError::invalid("period", e))?;
    let scope = (!p.role.sees_all_tenants()).then_some(p.org_id.as_str());
    let invoices: Vec<Invoice> = if let Some(tenant) = &q.tenant {
        vec![documents::document(&state, scope, tenant, &q.period).await?]
    } else if scope.is_none() {
        pricing::simulate_all(&state.db, period).await?
    } else {
        let org = state.db.org(&p.org_id).await?.ok_or_else(AppError::internal)?;
        vec![pricing::simulate(&state.db, &org, period, None).await?]
    };
    let (body, content_type, ext) = match q.format.as_str() {
        "csv" => (invoice::to_csv(&invoices), "text/csv; charset=utf-8", "csv"),
        "json" => (
            serde_json::json!({ "period": period.to_string(), "invoices": invoices, "grand_total": Invoice::grand_total(&invoices) })
                .to_string(),
            "application/json",
            "json",
        ),
        other => return Err(AppError::invalid("format", format!("{other:?}: use csv or json")).into()),
    };
    let name = match (&q.tenant, invoices.first()) {
        (Some(_), Some(one)) => format!("invoice-{period}-{}.{ext}", one.tenant),
        _ => format!("invoices-{period}.{ext}"),
    };
    Ok(attachment(body, content_type, &name))
}
