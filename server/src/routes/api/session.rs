//! `POST /api/v1/session` and `DELETE /api/v1/session`: signing in and out
//! without a browser, for scripts and the CLI's `console` commands. The
//! answer sets the same session cookie the login page sets, with the same
//! password throttle and audit entries; the cookie then authenticates the
//! console routes.

use crate::routes::error::{ApiError, ErrorEnvelope};
use app::domain::AppError;
use app::domain::text::Email;
use app::ssr::AppState;
use app::ssr::identity::{auth, sign_in};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/session", post(sign_in).delete(sign_out))
}

/// Who signs in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    /// E-mail.
    pub email: String,
    /// Password (never logged).
    pub password: String,
}

/// A started session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInResponse {
    /// The role, which decides what the console routes serve.
    pub role: String,
}

/// Signs in: `Set-Cookie` carries the session; send it back as `Cookie`.
/// Wrong credentials answer 401 `invalid_credentials`; repeated failures 429.
#[utoipa::path(post, path = "/api/v1/session", tag = "console", request_body = SignInBody,
    responses((status = 200, description = "Signed in; the session is in `Set-Cookie`", body = SignedInResponse),
        (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope), (status = 429, body = ErrorEnvelope)))]
pub async fn sign_in(
    State(state): State<AppState>,
    parts: Parts,
    Json(b): Json<SignInBody>,
) -> Result<Response, ApiError> {
    let email = Email::parse(&b.email).map_err(|e| AppError::invalid("email", e))?;
    if b.password.is_empty() {
        return Err(AppError::invalid("password", "must not be empty").into());
    }
    let signed_in = sign_in::log_in(&state, &parts, &email, b.password).await?;
    let cookie = auth::session_cookie(&state, &signed_in.token);
    let body = SignedInResponse { role: signed_in.role.as_str().to_owned() };
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Signs out: the session ends on every node at once. Without a live
/// session it only clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "console",
    responses((status = 204, description = "Signed out")))]
pub async fn sign_out(State(state): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let Ok(p) = auth::principal_from_headers(&state, &parts.headers).await {
        sign_in::log_out(&state, &p).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, auth::clear_session_cookie(&state))]).into_response())
}
