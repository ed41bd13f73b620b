//! Every cookie the portal sets or reads, built with the `cookie` crate (no
//! hand-written `Set-Cookie` strings). All are HttpOnly; `Secure` follows
//! the configuration ([`crate::ssr::config::PortalConfig::secure_cookies`]).
//!
//! The kinds: the session (`SameSite=Lax`, site-wide), the invitation token
//! (`Lax`, site-wide, 30 days) and flashes: one-time values handed to a page
//! after a no-JavaScript form post (`Strict`, scoped to that page, 2 minutes).

use cookie::Cookie;
pub use cookie::SameSite;
use cookie::time::Duration;
use http::HeaderMap;

/// How long a flash lives: long enough for the redirect after a form post.
pub const FLASH_SECONDS: i64 = 120;

/// A `Set-Cookie` value: `name=value` for `path`, for `max_age_seconds`.
pub fn set(name: &str, value: &str, path: &str, same_site: SameSite, max_age_seconds: i64, secure: bool) -> String {
    Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(same_site)
        .secure(secure)
        .max_age(Duration::seconds(max_age_seconds))
        .build()
        .to_string()
}

/// A `Set-Cookie` value that deletes `name` at `path` (empty, `Max-Age=0`).
pub fn remove(name: &str, path: &str, same_site: SameSite, secure: bool) -> String {
    set(name, "", path, same_site, 0, secure)
}

/// The value of cookie `name` among the request's `Cookie` headers.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_cookie_carries_every_flag() {
        let c = set("tp_session", "abc", "/", SameSite::Lax, 3600, true);
        for part in ["tp_session=abc", "HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=3600"] {
            assert!(c.split("; ").any(|p| p == part), "{part} missing from {c}");
        }
        let plain = set("tp_session", "abc", "/", SameSite::Lax, 3600, false);
        assert!(!plain.contains("Secure"), "{plain}");
    }

    #[test]
    fn removal_empties_and_expires() {
        let c = remove("tp_flash", "/keys", SameSite::Strict, false);
        assert!(c.starts_with("tp_flash=;") && c.contains("Max-Age=0") && c.contains("Path=/keys"), "{c}");
    }

    #[test]
    fn reads_the_named_cookie_across_headers() {
        let mut h = HeaderMap::new();
        h.append(http::header::COOKIE, "a=1; b=2".parse().unwrap());
        h.append(http::header::COOKIE, "c=3".parse().unwrap());
        assert_eq!(read(&h, "b").as_deref(), Some("2"));
        assert_eq!(read(&h, "c").as_deref(), Some("3"));
        assert_eq!(read(&h, "d"), None);
    }
}
