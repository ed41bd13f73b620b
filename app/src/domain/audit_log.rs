//! The audit log as readers see it: entries and the filter (who acted, what
//! they did, between which days; parsed once, so the page, its export and the
//! database read the same filter).

use super::AppError;
use super::period::Day;
use serde::{Deserialize, Serialize};

/// An audit-log entry as shown and exported.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain.
    pub seq: i64,
    /// Time (ms).
    pub at: i64,
    /// Who acted.
    pub actor: String,
    /// What happened.
    pub action: String,
    /// Object concerned.
    pub target: Option<String>,
    /// Detail.
    pub detail: String,
    /// First 12 hex digits of the entry's chain hash.
    pub hash_prefix: String,
}

/// Longest actor or action accepted (longer ones match nothing anyway).
const MAX_LEN: usize = 200;

/// A checked filter; every part is optional.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Exactly this actor (an e-mail, a key id or `system`).
    pub actor: Option<String>,
    /// This action (`api_key.revoked`) or every action under it (`api_key`).
    pub action: Option<String>,
    /// From the start of this day (UTC).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub from: Option<Day>,
    /// To the end of this day (UTC).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>, format = Date))]
    pub to: Option<Day>,
}

impl AuditFilter {
    /// Parses the form's fields; blank ones are left out.
    pub fn parse(actor: &str, action: &str, from: &str, to: &str) -> Result<Self, AppError> {
        let text = |field: &str, v: &str| -> Result<Option<String>, AppError> {
            let v = v.trim();
            if v.len() > MAX_LEN {
                return Err(AppError::invalid(field, format!("at most {MAX_LEN} characters")));
            }
            Ok((!v.is_empty()).then(|| v.to_owned()))
        };
        let day = |field: &str, v: &str| -> Result<Option<Day>, AppError> {
            let v = v.trim();
            if v.is_empty() { Ok(None) } else { Day::parse(v).map(Some).map_err(|e| AppError::invalid(field, e)) }
        };
        // `tenant.` means what `tenant` means: the actions under it.
        let action = text("Action", action.trim().trim_end_matches('.'))?;
        if let Some(a) = &action
            && !a.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
        {
            return Err(AppError::invalid("Action", "write an action such as api_key.revoked, or its start (api_key)"));
        }
        let filter = Self { actor: text("Actor", actor)?, action, from: day("From", from)?, to: day("To", to)? };
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && from > to
        {
            return Err(AppError::invalid("To", format!("{to} is before {from}")));
        }
        Ok(filter)
    }

    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The filter as a query string (`actor=…&action=…`), for links that keep it.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: String| parts.push(format!("{k}={}", super::text::query_value(&v)));
        if let Some(a) = &self.actor {
            add("actor", a.clone());
        }
        if let Some(a) = &self.action {
            add("action", a.clone());
        }
        if let Some(d) = self.from {
            add("from", d.to_string());
        }
        if let Some(d) = self.to {
            add("to", d.to_string());
        }
        parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_fields_filter_nothing() {
        let f = AuditFilter::parse(" ", "", "", "").unwrap();
        assert!(f.is_empty());
        assert_eq!(f.query(), "");
    }

    #[test]
    fn fields_are_checked_and_named() {
        let f = AuditFilter::parse("admin@acme.demo", "api_key", "2026-11-01", "2026-11-30").unwrap();
        assert_eq!(f.query(), "actor=admin%40acme.demo&action=api_key&from=2026-11-01&to=2026-11-30");
        let err = AuditFilter::parse("", "", "2026-11-31", "").unwrap_err();
        assert!(err.message.starts_with("From: "), "{}", err.message);
        let err = AuditFilter::parse("", "", "2026-11-02", "2026-11-01").unwrap_err();
        assert_eq!(err.message, "To: 2026-11-01 is before 2026-11-02");
        let err = AuditFilter::parse("", "DROP TABLE%", "", "").unwrap_err();
        assert!(err.message.starts_with("Action: "), "{}", err.message);
        assert!(AuditFilter::parse(&"x".repeat(201), "", "", "").is_err());
    }
}
