//! Checked strings from outside: tenant slugs, names, e-mail addresses,
//! passwords, repository names and release tags.

use super::AppError;
use serde::{Deserialize, Serialize};

/// A repository's `owner/name`, GitHub-style: each part 1-100 of letters,
/// digits, `.`, `_`, `-`, and neither `.` nor `..`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RepoName(String);

impl RepoName {
    /// Parses `owner/name`; the error names the field ("Repository") for forms and the API.
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let part_ok = |p: &str| {
            !p.is_empty()
                && p.len() <= 100
                && p != "."
                && p != ".."
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        match s.split_once('/') {
            Some((owner, name)) if part_ok(owner) && part_ok(name) => Ok(Self(s.to_owned())),
            _ => Err(AppError::invalid("Repository", "must be owner/name (letters, digits, '.', '_', '-')")),
        }
    }
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A release tag: 1-128 of letters, digits, `.`, `_`, `-`, `+`, and neither `.` nor `..`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReleaseTag(String);

impl ReleaseTag {
    /// Parses a tag; the error names the field ("Tag").
    pub fn parse(s: &str) -> Result<Self, AppError> {
        if !s.is_empty()
            && s.len() <= 128
            && s != "."
            && s != ".."
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
        {
            Ok(Self(s.to_owned()))
        } else {
            Err(AppError::invalid("Tag", "letters, digits, '.', '_', '-', '+' (at most 128)"))
        }
    }
    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tenant's URL-safe handle: 3-40 of `a-z 0-9 -`, no leading/trailing `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, explaining what is wrong.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !(3..=40).contains(&s.len()) {
            return Err("must be 3 to 40 characters".into());
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err("may contain only lowercase letters, digits and '-'".into());
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err("must not start or end with '-'".into());
        }
        Ok(Self(s.to_owned()))
    }
    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: 1-100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a name, trimming surrounding space.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.chars().count() > 100 {
            return Err("must be at most 100 characters".into());
        }
        if s.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(Self(s.to_owned()))
    }
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, lower-cased; checked for shape, not deliverability.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Parses an address.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().to_lowercase();
        if s.len() > 254 {
            return Err("is too long".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("must look like name@example.com".into());
        };
        let ok_local = !local.is_empty() && !local.contains(char::is_whitespace);
        let ok_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if ok_local && ok_domain { Ok(Self(s)) } else { Err("must look like name@example.com".into()) }
    }
    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Minimum password length.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Checks a new password against the policy (length only, as NIST 800-63B advises).
pub fn check_new_password(p: &str) -> Result<(), String> {
    let n = p.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(format!("must be at least {MIN_PASSWORD_LEN} characters"));
    }
    if n > 256 {
        return Err("must be at most 256 characters".into());
    }
    Ok(())
}

/// One CSV cell (RFC 4180): quoted when it holds a comma, quote or line
/// break; a value a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
/// first) is prefixed with `'`.
pub fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v.to_owned() };
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v }
}

/// `v` percent-encoded for a URL's query string: every byte but the
/// unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX`.
pub fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn query_values_keep_only_unreserved_bytes() {
        assert_eq!(query_value("a b&c=ü~"), "a%20b%26c%3D%C3%BC~");
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("acme-robotics").is_ok());
        for bad in ["ab", "-acme", "acme-", "Acme", "ac me", "a_b_c", ""] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Admin@Acme.Demo ").map(|e| e.0), Ok("admin@acme.demo".into()));
        for bad in ["a", "a@b", "@b.c", "a@.c", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn valid_slugs_only_use_the_alphabet(s in "\\PC{0,50}") {
            if let Ok(slug) = Slug::parse(&s) {
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }
}
