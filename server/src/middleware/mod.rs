//! Request middleware: cross-site request refusal, security headers, request ids, metrics,
//! and the API's error envelope for extractor refusals.

pub mod api_envelope;
pub mod csrf;
pub mod form_outcome;
pub mod metrics;
pub mod request_id;
pub mod security_headers;
pub mod server_fn_status;

/// A request path as it may be logged: the invitation token in `/invite/{token}`
/// is a credential and is replaced by `…`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/invite/", "/audit-invite/"] {
        if path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty()) {
            return std::borrow::Cow::Owned(format!("{prefix}…"));
        }
    }
    std::borrow::Cow::Borrowed(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn invitation_tokens_never_reach_the_log() {
        assert_eq!(super::loggable_path("/invite/tpi_0123abcd"), "/invite/…");
        assert_eq!(super::loggable_path("/api/v1/me"), "/api/v1/me");
        assert_eq!(super::loggable_path("/invite/"), "/invite/");
        assert_eq!(super::loggable_path("/audit-invite/tpa_0123abcd"), "/audit-invite/…");
    }
}
