//! The policy-signing workflow files a repository adds, as downloads:
//! `GET /policy/workflow/org.policy.sign.yml` (the reusable workflow, pointing
//! at this portal), `GET /policy/workflow/caller.yml` and `GET
//! /policy/workflow/release.hermetic.yml` (a second repository's hermetic
//! release build with SLSA provenance). Templates: no secrets.

use crate::routes::download::attachment;
use crate::routes::error::ApiError;
use app::ssr::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::get;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/policy/workflow/org.policy.sign.yml", get(workflow_file))
        .route("/policy/workflow/caller.yml", get(caller_file))
        .route("/policy/workflow/release.hermetic.yml", get(release_file))
}

/// The reusable signing workflow for this portal (a template: no secrets in it).
pub async fn workflow_file(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let url = portal_url(&state, &headers);
    Ok(attachment(app::domain::workflow::reusable_workflow(&url), "application/yaml", "org.policy.sign.yml"))
}

/// The hermetic release workflow for a second repository, pointing at this portal.
pub async fn release_file(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let url = portal_url(&state, &headers);
    let text = app::domain::workflow::release_hermetic_workflow(&url);
    Ok(attachment(text, "application/yaml", "release.hermetic.yml"))
}

/// This portal's public URL, or the one the request came to.
fn portal_url(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
        format!("http://{host}")
    })
}

/// The job a repository adds to call the reusable workflow.
pub async fn caller_file() -> Result<Response, ApiError> {
    Ok(attachment(app::domain::workflow::caller_snippet("ORG"), "application/yaml", "policy.yml"))
}
