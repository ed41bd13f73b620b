//! Tells a browser without JavaScript that its form post succeeded.
//!
//! A plain form post to a server function is answered with a redirect back to
//! the page it came from. Leptos puts an error in that URL (`__path`,
//! `__err`) so the page can show it, but a success leaves no trace, so the
//! page could not say "Saved.". This adds `__done=<server function path>` to
//! the redirect after a success (and drops a stale one from an earlier post),
//! which [`app::components::action_feedback`] reads.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use app::components::feedback::DONE_PARAM as DONE;

/// The middleware, for `/api/*` server-function routes.
pub async fn mark_success(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let plain_form = req.method() == Method::POST
        && path.starts_with("/api/")
        && !path.starts_with("/api/v1/")
        && req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let mut response = next.run(req).await;
    if !plain_form || response.status() != StatusCode::FOUND {
        return response;
    }
    let marked = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|location| with_outcome(location, &path))
        .and_then(|location| HeaderValue::from_str(&location).ok());
    if let Some(location) = marked {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `location` without any earlier `__done`, and with `__done=path` unless it
/// carries an error. `None` when it is not an absolute URL (left alone).
fn with_outcome(location: &str, path: &str) -> Option<String> {
    let mut url = url::Url::parse(location).ok()?;
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != DONE).map(|(k, v)| (k.into(), v.into())).collect();
    let failed = kept.iter().any(|(k, _)| k == "__err");
    url.set_query(None);
    if !kept.is_empty() || !failed {
        let mut q = url.query_pairs_mut();
        q.extend_pairs(&kept);
        if !failed {
            q.append_pair(DONE, path);
        }
    }
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::with_outcome;

    #[test]
    fn a_success_is_named_once_and_an_error_clears_it() {
        let done = with_outcome("http://portal/keys", "/api/revoke_api_key").unwrap();
        assert_eq!(done, "http://portal/keys?__done=%2Fapi%2Frevoke_api_key");
        let again = with_outcome(&done, "/api/create_api_key").unwrap();
        assert_eq!(again, "http://portal/keys?__done=%2Fapi%2Fcreate_api_key");
        let failed = with_outcome("http://portal/usage?period=2026-04&__done=x&__path=%2Fapi%2Fy&__err=abc", "/api/y");
        assert_eq!(failed.unwrap(), "http://portal/usage?period=2026-04&__path=%2Fapi%2Fy&__err=abc");
        assert_eq!(with_outcome("/relative", "/api/x"), None);
    }
}
