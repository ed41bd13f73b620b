//! `GET /audit-invite/{token}`, an auditor's invitation link: the token goes
//! into an HttpOnly cookie (out of the address bar and history) and the
//! browser to the join page, `/audit/join`. A used, unknown or expired link
//! clears the cookie and says so (`/audit/join?link=used|unknown|expired`).

use app::api::audits::JOIN_COOKIE;
use app::ssr::AppState;
use app::ssr::audit_kit::invitations;
use app::ssr::cookies;
use app::ssr::cookies::SameSite;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// How long the invitation cookie lasts (joining takes minutes).
const COOKIE_SECONDS: i64 = 86_400;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/audit-invite/{token}", get(follow_link))
}

async fn follow_link(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let secure = state.config.secure_cookies();
    let (cookie, location) = match invitations::check_link(&state, &token).await {
        Ok(_) => (
            cookies::set(JOIN_COOKIE, token.trim(), "/", SameSite::Lax, COOKIE_SECONDS, secure),
            "/audit/join".to_owned(),
        ),
        Err(problem) => {
            tracing::info!(problem = problem.as_str(), "auditor invitation link refused");
            (cookies::remove(JOIN_COOKIE, "/", SameSite::Lax, secure), format!("/audit/join?link={}", problem.as_str()))
        }
    };
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}
