//! The signed-in user of a download request, as an axum extractor: 401
//! without a live session (the same checks as every server function); the
//! handler then asks [`Principal::require`] for the action it serves.

use crate::routes::error::ApiError;
use app::ssr::AppState;
use app::ssr::identity::auth::{Principal, principal_from_headers};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The caller's session.
#[derive(Debug)]
pub struct SignedIn(pub Principal);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(principal_from_headers(state, &parts.headers).await?))
    }
}
