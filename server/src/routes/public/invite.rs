//! `GET /invite/{token}`, the invitation link: it keeps the token in an
//! HttpOnly cookie (so it leaves the address bar and history) and sends the
//! browser to the onboarding wizard at `/onboard`.

use app::api::onboarding::ONBOARD_COOKIE;
use app::ssr::AppState;
use app::ssr::cookies;
use app::ssr::cookies::SameSite;
use app::ssr::onboarding;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// How long the invitation cookie lasts (the wizard can be resumed for a month).
const INVITATION_COOKIE_SECONDS: i64 = 30 * 86_400;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/invite/{token}", get(follow_link))
}

/// Follows an invitation link: the token goes into a cookie and the browser to
/// `/onboard`. A used or unknown link clears the cookie and says so
/// (`/onboard?link=used|unknown`); an expired one keeps it, so its holder can
/// ask for a new link.
async fn follow_link(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let problem = onboarding::check_link(&state, &token).await.err();
    let secure = state.config.secure_cookies();
    let (cookie, location) = match problem {
        Some(p @ (onboarding::LinkProblem::Used | onboarding::LinkProblem::Unknown)) => {
            tracing::info!(problem = p.as_str(), "invitation link refused");
            (cookies::remove(ONBOARD_COOKIE, "/", SameSite::Lax, secure), format!("/onboard?link={}", p.as_str()))
        }
        other => (
            cookies::set(ONBOARD_COOKIE, token.trim(), "/", SameSite::Lax, INVITATION_COOKIE_SECONDS, secure),
            if other.is_some() { "/onboard?link=expired".to_owned() } else { "/onboard".to_owned() },
        ),
    };
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}
