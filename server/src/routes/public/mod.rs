//! Routes anyone may call, without a login: health and metrics (the latter
//! guarded, see [`health`]), badges, the invitation links (partners and
//! auditors), the onboarding wizard's pack upload (the invitation is its
//! credential) and the workflow files.

pub mod audit_invite;
pub mod badges;
pub mod health;
pub mod invite;
pub mod onboard_upload;
pub mod workflow;

use app::ssr::AppState;
use axum::Router;

/// The public routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(badges::router())
        .merge(invite::router())
        .merge(onboard_upload::router())
        .merge(audit_invite::router())
        .merge(workflow::router())
}
