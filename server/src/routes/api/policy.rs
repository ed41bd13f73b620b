//! Policy bundles over the machine API.
//!
//! `POST|GET /api/v1/repos/{owner}/{name}/policy`: CI uploads `policy.tar.gz`,
//! `policy.sig` and `version` as multipart form fields; GET says what is in
//! force.

use super::api_key::{Evidence, Key, Read};
use crate::routes::error::{ApiCode, ApiError, ErrorEnvelope};

use app::domain::workflow::{FIELD_BUNDLE, FIELD_SIGNATURE, FIELD_VERSION};
use app::ssr::AppState;
use app::ssr::policy::ingest::{self, Uploaded};
use app::ssr::store::PolicyBundleRow;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
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
    Router::new().route(POLICY_PATH, get(in_force).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
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
    /// Which kind of signer that is: `org_key`, `org_workflow` or `override`.
    pub signer_kind: Option<String>,
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
        status: row.status.as_str().into(),
        reason: row.reason.clone(),
        detail: row.detail.clone(),
        signer: row.signer.clone(),
        signer_kind: row.signer_kind.clone(),
        files: serde_json::from_str(&row.files).unwrap_or_default(),
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(ApiCode::InvalidInput, message)
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
    Key { row: key, .. }: Key<Evidence>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
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
    Key { row: key, .. }: Key<Read>,
) -> Result<Json<BundleResponse>, ApiError> {
    let repo = format!("{owner}/{name}");
    let not_found = || app::domain::AppError::not_found("Policy bundle");
    let row = state.db.repo(&key.org_id, &repo).await?.ok_or_else(not_found)?;
    let bundle = state.db.bundle_in_force(&row.id).await?.ok_or_else(not_found)?;
    Ok(Json(response(&repo, &bundle)))
}
