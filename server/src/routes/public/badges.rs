//! Public, shields.io-style badges: `GET /badge/policy-adoption.svg` (the
//! organisation's adoption), `GET /badge/repos/{owner}/{name}/policy.svg`
//! (one repository, as its owner's evidence stands), and the SLA:
//! `GET /badge/sla.svg` drawn, `GET /badge/sla.json` signed ([`app::ssr::sla_badge`]).

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
        .route("/badge/sla.svg", get(sla_svg))
        .route("/badge/sla.json", get(sla_json))
}

/// The SLA: green when p95 <= 300 ms and uptime >= 99.95% over the window, amber
/// when measured and missed, grey without requests or probes.
pub async fn sla_svg(State(state): State<AppState>) -> Result<Response, ApiError> {
    let s = app::ssr::sla_badge::status(&state).await?;
    let p95 = match s.p95_ms {
        None => "no data".to_owned(),
        Some(u32::MAX) => "> 10 s".to_owned(),
        Some(ms) => format!("{ms} ms"),
    };
    let uptime = s.uptime_ppm.map_or_else(|| "no data".to_owned(), app::domain::sla::format_ppm);
    let colour = match (s.p95_ms, s.uptime_ppm) {
        (None, _) | (_, None) => BadgeColour::Grey,
        _ if s.is_green() => BadgeColour::Green,
        _ => BadgeColour::Amber,
    };
    Ok(svg(badge_svg("SLA", &format!("p95 {p95} | uptime {uptime}"), colour)))
}

/// The SLA's numbers (window, requests, probes) in a DSSE envelope signed by the
/// portal's receipt key; check it offline with `trust-portal verify-badge`.
pub async fn sla_json(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut res = app::ssr::sla_badge::signed(&state).await?.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, max-age=0"));
    Ok(res)
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
