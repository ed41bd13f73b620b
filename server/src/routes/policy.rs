//! Policy bundles over the machine API and the adoption badges.
//!
//! `POST|GET /api/v1/repos/{owner}/{name}/policy`: CI uploads `policy.tar.gz`,
//! `policy.sig` and `version` as multipart form fields; GET says what is in
//! force. `GET /badge/policy-adoption.svg` and
//! `GET /badge/repos/{owner}/{name}/policy.svg` are public, shields.io style.
//! `GET /signature-status/export.csv` is the auditors' report as CSV.

use super::error::{ApiError, ErrorEnvelope};
use app::domain::adoption::{BadgeColour, PolicyState, badge_svg};
use app::domain::api_scope::ApiScope;
use app::domain::workflow::{FIELD_BUNDLE, FIELD_SIGNATURE, FIELD_VERSION};
use app::ssr::AppState;
use app::ssr::error::log_internal;
use app::ssr::policy::ingest::{self, Uploaded};
use app::ssr::store::PolicyBundleRow;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::ToSchema;

const POLICY_PATH: &str = "/api/v1/repos/{owner}/{name}/policy";
/// Largest upload: the bundle cap plus room for the signature and the form.
const MAX_UPLOAD_BYTES: usize = app::ssr::policy::bundle::MAX_COMPRESSED + 64 * 1024;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(POLICY_PATH, get(in_force).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .route("/badge/policy-adoption.svg", get(adoption_badge))
        .route("/badge/repos/{owner}/{name}/policy.svg", get(repo_badge))
        .route("/signature-status/export.csv", get(export_status))
        .route("/drills/{id}/report.md", get(drill_report))
        .route("/policy/workflow/org.policy.sign.yml", get(workflow_file))
        .route("/policy/workflow/caller.yml", get(caller_file))
}

/// A policy bundle upload and how it verified.
#[derive(Debug, Serialize, ToSchema)]
pub struct BundleResponse {
    /// `pb_…` id.
    pub id: String,
    /// `owner/name`.
    pub repo: String,
    /// Bundle version.
    pub version: i64,
    /// SHA-256 of `policy.tar.gz`.
    pub sha256: String,
    /// `verified` or `failed`.
    pub status: String,
    /// Reason code when failed (`signature_mismatch`, `unsigned`, `bundle_unsafe_path`, …).
    pub reason: Option<String>,
    /// What exactly failed.
    pub detail: Option<String>,
    /// The policy key (name and id) or keyless identity that signed it.
    pub signer: Option<String>,
    /// The policy files (path, size, sha256).
    #[schema(value_type = Object)]
    pub files: serde_json::Value,
}

fn response(repo: &str, row: &PolicyBundleRow) -> BundleResponse {
    BundleResponse {
        id: row.id.clone(),
        repo: repo.to_owned(),
        version: row.version,
        sha256: row.sha256.clone(),
        status: row.status.clone(),
        reason: row.reason.clone(),
        detail: row.detail.clone(),
        signer: row.signer.clone(),
        files: serde_json::from_str(&row.files).unwrap_or_default(),
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_input", message)
}

/// Uploads a signed policy bundle for a repository.
#[utoipa::path(
    post, path = "/api/v1/repos/{owner}/{name}/policy", tag = "policy",
    params(("owner" = String, Path), ("name" = String, Path)),
    request_body(content_type = "multipart/form-data",
        description = "Fields: `version` (whole number, higher than the one in force), `bundle` (policy.tar.gz), `signature` (policy.sig: base64 cosign sign-blob signature, or a Sigstore bundle JSON)"),
    responses(
        (status = 201, description = "Verified; now in force", body = BundleResponse),
        (status = 200, description = "The same bundle is already in force under this version", body = BundleResponse),
        (status = 422, description = "Recorded as failed (reason says why); the bundle in force is unchanged", body = BundleResponse),
        (status = 409, description = "Rollback refused: the version is not newer than the one in force", body = ErrorEnvelope),
        (status = 400, description = "A field is missing or malformed", body = ErrorEnvelope),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorEnvelope),
        (status = 413, description = "Upload too large", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
pub async fn upload(
    State(state): State<AppState>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let key = super::api_key::with_scope(&state, &headers, ApiScope::Evidence).await?;
    let _running = super::body::enter(&state, &key.org_id)?;
    let (mut version, mut bundle, mut signature) = (None, None, None);
    while let Some(field) = form.next_field().await.map_err(|e| bad(format!("multipart body: {e}")))? {
        let field_name = field.name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| bad(format!("field {field_name}: {e}")))?;
        match field_name.as_str() {
            FIELD_VERSION => {
                let text = String::from_utf8_lossy(&bytes);
                version = Some(
                    text.trim().parse::<i64>().map_err(|_| bad(format!("version: '{text}' is not a whole number")))?,
                );
            }
            FIELD_BUNDLE => bundle = Some(bytes.to_vec()),
            FIELD_SIGNATURE => {
                signature = Some(String::from_utf8(bytes.to_vec()).map_err(|_| bad("signature: not UTF-8 text"))?);
            }
            other => return Err(bad(format!("unknown field '{other}' (expected version, bundle, signature)"))),
        }
    }
    let version = version.ok_or_else(|| bad("version: missing"))?;
    let bundle = bundle.ok_or_else(|| bad("bundle: missing (policy.tar.gz)"))?;
    let signature = signature.unwrap_or_default(); // missing = unsigned: recorded and refused
    let repo = format!("{owner}/{name}");
    let actor = format!("api-key:{}", key.id);
    let (status, row) = match ingest::upload(&state, &actor, &key.org_id, &repo, version, bundle, signature).await? {
        Uploaded::Verified(row) => (StatusCode::CREATED, row),
        Uploaded::Unchanged(row) => (StatusCode::OK, row),
        Uploaded::Failed(row) => (StatusCode::UNPROCESSABLE_ENTITY, row),
    };
    Ok((status, Json(response(&repo, &row))).into_response())
}

/// The policy bundle in force for one of the caller's repositories.
#[utoipa::path(
    get, path = "/api/v1/repos/{owner}/{name}/policy", tag = "policy",
    params(("owner" = String, Path), ("name" = String, Path)),
    responses(
        (status = 200, description = "The bundle in force", body = BundleResponse),
        (status = 404, description = "No verified bundle for this repository", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
pub async fn in_force(
    State(state): State<AppState>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<BundleResponse>, ApiError> {
    let key = super::api_key::with_scope(&state, &headers, ApiScope::Read).await?;
    let repo = format!("{owner}/{name}");
    let not_found = || app::domain::AppError::not_found("Policy bundle");
    let row = state.db.repo(&key.org_id, &repo).await?.ok_or_else(not_found)?;
    let bundle = state.db.bundle_in_force(&row.id).await?.ok_or_else(not_found)?;
    Ok(Json(response(&repo, &bundle)))
}

fn svg(body: String) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, max-age=0"));
    res
}

/// Org-wide adoption: green at >= 95%, amber below, red below 80%.
pub async fn adoption_badge(State(state): State<AppState>) -> Result<Response, ApiError> {
    let report = app::ssr::policy::status::report(&state, None).await?;
    let a = report.adoption;
    Ok(svg(badge_svg("policy adoption", &a.percent_text(), a.colour())))
}

/// One repository: green when signed and current, amber when stale, red when unsigned or failed.
pub async fn repo_badge(
    State(state): State<AppState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let repo = format!("{owner}/{name}");
    // The tenant that proved the name is its own owns the badge; nobody else's row counts.
    let status = match state.db.repo_owner(&repo).await? {
        None => None,
        Some(row) => {
            let tenant = state.db.org(&row.org_id).await?.map(|o| o.slug).unwrap_or_default();
            let rollout = state.db.rollout().await?;
            Some(app::ssr::policy::status::repo_status(&state, &rollout, &tenant, row).await?)
        }
    };
    let (message, colour) = match status {
        None => ("unknown".to_owned(), BadgeColour::Grey),
        Some(s) => {
            let colour = match s.state {
                PolicyState::Signed => BadgeColour::Green,
                PolicyState::Stale => BadgeColour::Amber,
                PolicyState::Unsigned | PolicyState::Failed => BadgeColour::Red,
            };
            let message = match s.version {
                Some(v) if s.state == PolicyState::Signed => format!("signed v{v}"),
                _ => s.state.as_str().to_owned(),
            };
            (message, colour)
        }
    };
    Ok(svg(badge_svg("policy", &message, colour)))
}

/// Query of the CSV export.
#[derive(Debug, serde::Deserialize)]
pub struct ExportQuery {
    /// `all`, `failing` or `stale`.
    #[serde(default)]
    pub show: String,
}

/// The signature status report as CSV, for a signed-in auditor, security or operator admin.
pub async fn export_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let p = app::ssr::identity::auth::principal_from_headers(&state, &headers).await?;
    p.require(app::api::signature_status::READERS)?;
    let show = app::domain::adoption::Show::parse(&q.show).map_err(|e| app::domain::AppError::invalid("show", e))?;
    let report = app::ssr::policy::status::report(&state, None).await?.filtered(show);
    download(report.to_csv(), "text/csv; charset=utf-8", "signature-status.csv")
}

/// A drill report (Markdown), for a signed-in auditor, security or operator admin.
pub async fn drill_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let p = app::ssr::identity::auth::principal_from_headers(&state, &headers).await?;
    p.require(app::api::signature_status::READERS)?;
    let body = state.db.drill_report(&id).await?.ok_or_else(|| app::domain::AppError::not_found("Drill"))?;
    let report: app::domain::drill::DrillReport = serde_json::from_str(&body).map_err(log_internal)?;
    download(report.to_markdown(), "text/markdown; charset=utf-8", &format!("{id}.md"))
}

fn download(body: String, content_type: &'static str, name: &str) -> Result<Response, ApiError> {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The reusable signing workflow for this portal (a template: no secrets in it).
pub async fn workflow_file(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let url = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
        format!("http://{host}")
    });
    download(app::domain::workflow::reusable_workflow(&url), "application/yaml", "org.policy.sign.yml")
}

/// The job a repository adds to call the reusable workflow.
pub async fn caller_file() -> Result<Response, ApiError> {
    download(app::domain::workflow::caller_snippet("ORG"), "application/yaml", "policy.yml")
}
