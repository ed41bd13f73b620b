//! Evidence packs over the machine API:
//! `POST|GET /api/v1/repos/{owner}/{name}/releases/{tag}/pack` (upload, download)
//! and `GET …/pack/report` (the verification report).

use super::api_key::{Evidence, Key, Read};
use crate::routes::download::attachment;
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::domain::status::Verdict;
use app::ssr::AppState;
use app::ssr::evidence::packs::PackReport;
use app::ssr::evidence::service::{self, Uploaded};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

/// Largest pack upload (zip bytes).
pub const MAX_PACK_BYTES: usize = app::ssr::evidence::packs::MAX_ZIP_BYTES;

const PACK_PATH: &str = "/api/v1/repos/{owner}/{name}/releases/{tag}/pack";

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(PACK_PATH, get(download).post(upload).layer(DefaultBodyLimit::max(MAX_PACK_BYTES)))
        .route("/api/v1/repos/{owner}/{name}/releases/{tag}/pack/report", get(report))
}

/// A stored pack and its verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackResponse {
    /// `pack_…` id.
    pub id: String,
    /// `owner/name`.
    pub repo: String,
    /// Release tag.
    pub tag: String,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// `verified` or `failed`.
    pub status: String,
    /// Reason code of the first failed check.
    pub reason: Option<String>,
    /// Every check with its result.
    #[schema(value_type = Object)]
    pub report: PackReport,
}

fn response(row: &app::ssr::store::PackRow) -> Result<PackResponse, ApiError> {
    Ok(PackResponse {
        id: row.id.clone(),
        repo: row.repo.clone(),
        tag: row.tag.clone(),
        sha256: row.sha256.clone(),
        status: row.status.as_str().into(),
        reason: row.reason.clone(),
        report: PackReport::stored(row)?,
    })
}

/// Upload a release's evidence pack (the zip as the body).
#[utoipa::path(post, path = "/api/v1/repos/{owner}/{name}/releases/{tag}/pack", tag = "evidence",
    params(("owner" = String, Path), ("name" = String, Path), ("tag" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/zip"),
    responses(
        (status = 201, description = "Stored and verified", body = PackResponse),
        (status = 200, description = "The identical pack was already stored", body = PackResponse),
        (status = 409, description = "The release already has a different pack", body = ErrorEnvelope),
        (status = 413, description = "Over 32 MiB", body = ErrorEnvelope),
        (status = 422, description = "Stored, but verification failed (report says why)", body = PackResponse),
    ),
    security(("api_key" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Evidence>,
    Path((owner, name, tag)): Path<(String, String, String)>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let _running = super::body::enter(&state, &key.org_id)?;
    let body = super::body::read(body, MAX_PACK_BYTES, "Pack").await?;
    let repo = format!("{owner}/{name}");
    let (status, row) = match service::upload(&state, &key.id, &key.org_id, &repo, &tag, body.to_vec()).await? {
        Uploaded::Created(row) if row.status == Verdict::Verified => (StatusCode::CREATED, row),
        Uploaded::Created(row) => (StatusCode::UNPROCESSABLE_ENTITY, row),
        Uploaded::Unchanged(row) => (StatusCode::OK, row),
    };
    Ok((status, Json(response(&row)?)).into_response())
}

/// Download a release's evidence pack (metered as `portal.download`).
#[utoipa::path(get, path = "/api/v1/repos/{owner}/{name}/releases/{tag}/pack", tag = "evidence",
    params(("owner" = String, Path), ("name" = String, Path), ("tag" = String, Path)),
    responses(
        (status = 200, description = "The zip", content_type = "application/zip"),
        (status = 404, description = "No pack for this release", body = ErrorEnvelope),
    ),
    security(("api_key" = [])))]
pub async fn download(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
    _headers: HeaderMap,
    Path((owner, name, tag)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let (row, zip) = service::download(&state, &key.org_id, &format!("{owner}/{name}"), &tag).await?;
    let mut res = attachment(zip, "application/zip", &format!("{owner}-{name}-{tag}-pack.zip"));
    if let Ok(v) = HeaderValue::from_str(&row.sha256) {
        res.headers_mut().insert("x-content-sha256", v);
    }
    Ok(res)
}

/// The verification report of a release's pack.
#[utoipa::path(get, path = "/api/v1/repos/{owner}/{name}/releases/{tag}/pack/report", tag = "evidence",
    params(("owner" = String, Path), ("name" = String, Path), ("tag" = String, Path)),
    responses(
        (status = 200, description = "The stored pack and its report", body = PackResponse),
        (status = 404, description = "No pack for this release", body = ErrorEnvelope),
    ),
    security(("api_key" = [])))]
pub async fn report(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
    Path((owner, name, tag)): Path<(String, String, String)>,
) -> Result<Json<PackResponse>, ApiError> {
    let row = state
        .db
        .pack(&key.org_id, &format!("{owner}/{name}"), &tag)
        .await?
        .ok_or_else(|| app::domain::AppError::not_found("Pack"))?;
    Ok(Json(response(&row)?))
}
