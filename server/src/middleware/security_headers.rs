//! Security headers on every response.
//!
//! `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a
//! `Referrer-Policy` (unless a route chose a stricter one) and, on responses
//! a browser could open directly that are not pages (JSON, CSV, SVG badges),
//! a baseline `Content-Security-Policy` that allows no script at all. Portal
//! pages carry the full policy with the request's script nonce
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
    let redirect = res.status().is_redirection();
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    }
    // Redirects are never rendered, and portal pages set their own policy with
    // the request's nonce: the baseline is for what a browser could open
    // directly (JSON, CSV, SVG badges).
    let html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if !redirect && !html && !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(BASELINE_CSP));
    }
    res
}
