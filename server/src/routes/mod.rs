//! HTTP routes outside the Leptos pages: the machine API, health and metrics.

pub mod api_key;
pub mod billing;
pub mod body;
pub mod error;
pub mod health;
pub mod onboarding;
pub mod packs;
pub mod policy;
pub mod trust;
pub mod usage_export;
pub mod v1;
pub mod verify;

use app::ssr::AppState;
use axum::Router;

/// Routes for machines: `/api/v1/...`, `/healthz`, `/readyz`, `/metrics`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(v1::router())
        .merge(verify::router())
        .merge(trust::router())
        .merge(packs::router())
        .merge(policy::router())
        .merge(onboarding::router())
        .merge(billing::router())
        .merge(usage_export::router())
}
