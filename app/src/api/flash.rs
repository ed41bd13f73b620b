//! Cookies on server-function requests and responses (server only), and
//! flashes: a one-time value handed to the page a browser without
//! JavaScript is redirected to after a form post (a new API key, an
//! invitation link, a check's outcome). The cookies themselves are built in
//! [`crate::ssr::cookies`].

use crate::ssr::AppState;
use crate::ssr::cookies::SameSite;
use crate::ssr::cookies::{self, FLASH_SECONDS};
use leptos::prelude::use_context;

/// Adds a `Set-Cookie` header to the server function's response.
pub(crate) fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value)) {
        res.append_header(http::header::SET_COOKIE, v);
    }
}

/// The value of cookie `name` on the current request, if set.
pub(crate) fn request_cookie(name: &str) -> Option<String> {
    cookies::read(&use_context::<http::request::Parts>()?.headers, name)
}

/// True when the request is a browser form submission without JavaScript.
pub(crate) fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Hands a one-time value to a browser without JavaScript: a short-lived,
/// path-scoped, HttpOnly cookie the page at `path` reads once ([`take_flash`]).
pub(crate) fn set_flash(state: &AppState, name: &str, value: &str, path: &str) {
    set_cookie(&cookies::set(name, value, path, SameSite::Strict, FLASH_SECONDS, state.config.secure_cookies()));
}

/// Reads a flash set by [`set_flash`] once (it is cleared), if it starts with `prefix`.
pub(crate) fn take_flash(state: &AppState, name: &str, path: &str, prefix: &str) -> Option<String> {
    let found = request_cookie(name).filter(|v| v.starts_with(prefix));
    if found.is_some() {
        set_cookie(&cookies::remove(name, path, SameSite::Strict, state.config.secure_cookies()));
    }
    found
}
