//! A tenant's invoices for its API key (the list, one invoice, and what-if
//! previews): the same numbers as the CLI and the portal.

use super::api_key::{Key, Read};
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::domain::invoice::InvoiceSummary;
use app::domain::invoice::{self, Invoice};
use app::domain::period::Period;
use app::domain::{AppError, Plan};
use app::ssr::AppState;
use app::ssr::billing::{documents, pricing};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get};
use serde::Deserialize;
use utoipa::IntoParams;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/invoices", get(list))
        .route("/api/v1/invoices/preview", get(preview))
        .route("/api/v1/invoices/{period}", get(one))
}

/// Which invoice to preview.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PreviewQuery {
    /// The month, `YYYY-MM` (UTC).
    pub period: String,
    /// Price on this plan instead of the tenant's own (a what-if).
    pub plan: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// Preview the calling tenant's invoice for a month (simulation; nothing is issued).
#[utoipa::path(get, path = "/api/v1/invoices/preview", tag = "billing", params(PreviewQuery),
    responses(
        (status = 200, description = "Lines (units x unit price, rounded once per line to cents, half-up) and total; amounts in cents, prices in micro-dollars", body = Object),
        (status = 400, description = "Bad period, plan or format", body = ErrorEnvelope),
    ),
    security(("api_key" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
    _headers: HeaderMap,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, ApiError> {
    let period = Period::parse(&q.period).map_err(|e| AppError::invalid("period", e))?;
    let plan = q.plan.as_deref().map(Plan::parse).transpose().map_err(|e| AppError::invalid("plan", e))?;
    let org = state.db.org(&key.org_id).await?.ok_or_else(AppError::internal)?;
    let invoice: Invoice = pricing::simulate(&state.db, &org, period, plan).await?;
    respond(invoice, q.format.as_deref())
}

/// The calling tenant's issued invoices and drafts, newest month first.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "billing",
    responses((status = 200, description = "Issued invoices (with their numbers) and drafts of the open months", body = [InvoiceSummary])),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
) -> Result<Json<Vec<InvoiceSummary>>, ApiError> {
    Ok(Json(documents::list(&state, Some(&key.org_id)).await?))
}

/// How to download one invoice.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// The calling tenant's invoice for a month: the issued document, or the draft so far.
#[utoipa::path(get, path = "/api/v1/invoices/{period}", tag = "billing",
    params(("period" = String, Path, description = "The month, `YYYY-MM` (UTC)"), FormatQuery),
    responses(
        (status = 200, description = "The invoice; `issued` is set once it is final", body = Invoice),
        (status = 400, description = "Bad month or format, or a month that has not started", body = ErrorEnvelope),
    ),
    security(("api_key" = [])))]
pub async fn one(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
    Path(period): Path<String>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let org = state.db.org(&key.org_id).await?.ok_or_else(AppError::internal)?;
    let invoice = documents::document(&state, Some(&key.org_id), &org.slug, &period).await?;
    respond(invoice, q.format.as_deref())
}

/// An invoice as JSON or CSV.
fn respond(invoice: Invoice, format: Option<&str>) -> Result<Response, ApiError> {
    match format.unwrap_or("json") {
        "json" => Ok(Json(invoice).into_response()),
        "csv" => {
            let mut res = invoice::to_csv(std::slice::from_ref(&invoice)).into_response();
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            Ok(res)
        }
        other => Err(AppError::invalid("format", format!("{other:?}: use json or csv")).into()),
    }
}
