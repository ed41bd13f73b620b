//! HTTP routes outside the Leptos pages, by audience: [`api`] (machines,
//! `/api/v1`), [`public`] (no login: health, badges, invitation links,
//! workflow files) and [`session`] (downloads for signed-in users). [`error`]
//! is the one REST error shape; [`download`] the one attachment shape;
//! [`form_redirect`] the answer to a plain form upload.

pub mod api;
pub mod download;
pub mod error;
pub mod form_redirect;
pub mod public;
pub mod session;

use app::ssr::AppState;
use axum::Router;

/// Every non-page route.
pub fn router() -> Router<AppState> {
    Router::new().merge(public::router()).merge(api::router()).merge(session::router())
}
