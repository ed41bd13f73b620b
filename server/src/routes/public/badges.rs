//! Public, shields.io-style badges: `GET /badge/policy-adoption.svg` (the
//! organisation's adoption) and `GET /badge/repos/{owner}/{name}/policy.svg`
//! (one repository, as its owner's evidence stands).

use crate::routes::error::ApiError;
use app::domain::adoption::{BadgeColour, PolicyState, badge_svg};
use app::ssr::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/badge/policy-adoption.svg", get(adoption_badge))
        .route("/badge/repos/{owner}/{name}/policy.svg", get(repo_badge))
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
                PolicyState::Unsigned | PolicyState::Failed | PolicyState::OffWorkflow => BadgeColour::Red,
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
