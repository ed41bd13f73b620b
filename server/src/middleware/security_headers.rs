//! Security headers on every response.
//!
//! `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a
//! `Referrer-Policy` (unless a route chose a stricter one) and, unless the
//! page set its own, a baseline `Content-Security-Policy` that forbids
//! framing, plugins, foreign `<base>` and foreign form targets. Portal pages
//! replace it with the full policy that names the request's script nonce
//! ([`app::content_security_policy`]).

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of responses that are not portal pages (JSON, SVG badges, files).
pub const BASELINE_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; style-src 'unsafe-inline'";

/// The middleware.
pub async fn add(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(BASELINE_CSP));
    }
    res
}
