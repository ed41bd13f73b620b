//! Refuses state-changing requests that a browser marks as cross-site.
//!
//! Leptos server functions do no CSRF check of their own, so every request
//! with a method other than GET/HEAD/OPTIONS passes through here:
//! `Sec-Fetch-Site` must be `same-origin` or `none` when present, and an
//! `Origin` header, when present, must match the request's own host.
//! Clients that send neither (the CLI, CI jobs with API keys) carry no
//! ambient cookies a forged request could ride on, so they pass.

use crate::routes::error::{ApiCode, ApiError};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Why a request was judged cross-site, if it was.
pub fn cross_site_reason(method: &Method, headers: &HeaderMap) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Some("the browser marked this request as coming from another site");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin.split_once("://").map(|(_, rest)| rest);
        if origin == "null" || host.is_none() || origin_host != host {
            return Some("the Origin header does not match this portal");
        }
    }
    None
}

/// The middleware: 403 with the standard error envelope for cross-site writes.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    if let Some(reason) = cross_site_reason(req.method(), req.headers()) {
        tracing::warn!(method = %req.method(), path = %super::loggable_path(req.uri().path()), reason, "refused cross-site request");
        return ApiError::new(ApiCode::CrossSiteRequest, format!("Refused: {reason}.")).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn safe_methods_pass() {
        assert!(cross_site_reason(&Method::GET, &headers(&[("sec-fetch-site", "cross-site")])).is_none());
    }

    #[test]
    fn cross_site_posts_are_refused() {
        for h in [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            headers(&[("host", "portal.test"), ("origin", "https://evil.test")]),
            headers(&[("host", "portal.test"), ("origin", "null")]),
            headers(&[("host", "portal.test:3000"), ("origin", "http://portal.test:3001")]),
        ] {
            assert!(cross_site_reason(&Method::POST, &h).is_some(), "{h:?}");
        }
    }

    #[test]
    fn same_origin_and_non_browser_posts_pass() {
        for h in [
            headers(&[]),
            headers(&[
                ("sec-fetch-site", "same-origin"),
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000"),
            ]),
            headers(&[("sec-fetch-site", "none")]),
        ] {
            assert!(cross_site_reason(&Method::POST, &h).is_none(), "{h:?}");
        }
    }
}
