//! Downloads for signed-in portal users (the session cookie; roles checked
//! per route): usage exports, staff reports, audit files (with uploads) and
//! the audit log export, a receipt; the Verify page's form post ([`verify_post`]). [`signed_in`] is the
//! session extractor they share.

pub mod audit;
pub mod audit_log_export;
pub mod receipt_download;
pub mod reports;
pub mod signed_in;
pub mod usage_export;
pub mod verify_post;

use app::ssr::AppState;
use axum::Router;

/// The session download routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(usage_export::router())
        .merge(reports::router())
        .merge(audit::router())
        .merge(audit_log_export::router())
        .merge(verify_post::router())
        .merge(receipt_download::router())
}
