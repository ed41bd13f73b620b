//! The rules every archive entry obeys, in release-pack zips and policy
//! tarballs alike: a relative, printable path with forward slashes and no
//! `.`/`..` parts; and the coded error each broken rule is reported with.

/// A broken rule of an archive (pack zip, policy tarball) or a pack manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PackError {
    /// Stable code (`zip_unsafe_path`, `zip_bomb`, …).
    pub code: &'static str,
    /// What exactly was wrong.
    pub message: String,
}

/// A [`PackError`] with `code` and `message`.
pub fn err(code: &'static str, message: impl Into<String>) -> PackError {
    PackError { code, message: message.into() }
}

/// Checks an archive entry name: relative, forward slashes, no `.`/`..`
/// parts, printable. `code` names the rule in the error (`zip_unsafe_path`).
pub fn check_path(name: &str, code: &'static str) -> Result<(), PackError> {
    let unsafe_path = |why: &str| err(code, format!("entry {name:?}: {why}"));
    if name.is_empty() || name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return Err(unsafe_path("absolute paths, drive letters and backslashes are not allowed"));
    }
    if name.split('/').any(|part| part == ".." || part == ".") {
        return Err(unsafe_path("'..' and '.' path parts are not allowed"));
    }
    if name.chars().any(char::is_control) {
        return Err(unsafe_path("control characters are not allowed"));
    }
    Ok(())
}
