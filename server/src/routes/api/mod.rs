//! The machine API under `/api/v1` (API keys with scopes, an invitation
//! bearer token for onboarding, or the session cookie for audit engagements,
//! operations and the [`console`]: the pages' own views), described by the OpenAPI document in [`v1`].
//! [`api_key`] authenticates and checks scope; [`body`] reads bodies only after that.

pub mod api_key;
pub mod audit;
pub mod billing;
pub mod body;
pub mod console;
pub mod console_admin;
pub mod onboarding;
pub mod operations;
pub mod packs;
pub mod policy;
pub mod session;
pub mod trust;
pub mod v1;
pub mod verify;
pub mod webhooks;

use app::ssr::AppState;
use axum::Router;

/// Every `/api/v1` route (and the published receipt keys).
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(v1::router())
        .merge(verify::router())
        .merge(trust::router())
        .merge(packs::router())
        .merge(policy::router())
        .merge(onboarding::router())
        .merge(billing::router())
        .merge(audit::router())
        .merge(operations::router())
        .merge(console::router())
        .merge(console_admin::router())
        .merge(session::router())
        .merge(webhooks::router())
}
