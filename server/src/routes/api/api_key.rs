//! The API key of a machine request, checked for the scope its route needs
//! (see [`app::domain::api_scope`]): 401 without a valid key, 403
//! `insufficient_scope` naming the missing scope.

use crate::routes::error::{ApiCode, ApiError};
use app::domain::api_scope::{ApiScope, Scopes};
use app::ssr::AppState;
use app::ssr::identity::auth::authenticate_api_key;
use app::ssr::store::ApiKeyRow;
use axum::http::HeaderMap;

/// The caller's key, if it may do what `scope` covers.
pub async fn with_scope(state: &AppState, headers: &HeaderMap, scope: ApiScope) -> Result<ApiKeyRow, ApiError> {
    let key = authenticate_api_key(state, headers).await?;
    if Scopes::parse(&key.scopes).is_ok_and(|s| s.allows(scope)) {
        return Ok(key);
    }
    Err(ApiError::new(
        ApiCode::InsufficientScope,
        format!(
            "This API key lacks the '{scope}' scope ({}). Create a key that has it on the API keys page.",
            scope.label().to_lowercase()
        ),
    ))
}
