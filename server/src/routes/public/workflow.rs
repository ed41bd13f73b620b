//! The policy-signing workflow files a repository adds, as downloads:
//! `GET /policy/workflow/org.policy.sign.yml` (the reusable workflow, pointing
//! at this portal) and `GET /policy/workflow/caller.yml`. Templates: no secrets.

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
}

/// The reusable signing workflow for this portal (a template: no secrets in it).
pub async fn workflow_file(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let url = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000");
        format!("http://{host}")
    });
    Ok(attachment(app::domain::workflow::reusable_workflow(&url), "application/yaml", "org.policy.sign.yml"))
}

/// The job a repository adds to call the reusable workflow.
pub async fn caller_file() -> Result<Response, ApiError> {
    Ok(attachment(app::domain::workflow::caller_snippet("ORG"), "application/yaml", "policy.yml"))
}
