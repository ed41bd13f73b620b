//! The external audit dry-run kit (see [`crate::domain::audit_kit`] for the model).
//!
//! - [`lookup`]: which engagement a caller may see or manage.
//! - [`access`]: an auditor's scope at each request, and the access log.
//! - [`engagements`]: open, scope (locked at fieldwork; changed after only
//!   with a scope-delta decision), start, the NDA.
//! - [`invitations`]: auditor invitations, joining (account + NDA), revocation.
//! - [`decisions`]: decisions (versions, never edits) and the risk register.
//! - [`fieldwork`]: evidence requests, samples, findings, comment threads.
//! - [`library`]: documents, vendor attestations, recovery targets.
//! - [`restore`]: the restore drill (back up, restore into scratch, check).
//! - [`sbom`]: SBOM diffs between each in-scope repository's two latest releases.
//! - [`manifest`]: a file set with a signed manifest, and its offline check.
//! - [`compliance`]: the compliance pack's contents.
//! - [`checklist`]: the checklist, evaluated from live evidence.
//! - [`signoff`]: the deterministic, signed `signoff.zip`, its offline check and its answer.
//! - [`alerts`]: overdue remediations as alerts.
//! - [`views`]: what pages and the REST API show, with auditors' reads logged.
//! - [`markdown`]: safe rendering of scope documents and NDAs.
//!
//! Every change is written to the hash-chained audit log in the same unit of
//! work as the change itself, with the engagement as its target.

pub mod access;
pub mod alerts;
pub mod checklist;
pub mod compliance;
pub mod decisions;
pub mod engagements;
pub mod fieldwork;
pub mod invitations;
pub mod library;
pub mod lookup;
pub mod manifest;
pub mod markdown;
pub mod restore;
pub mod sbom;
pub mod signoff;
pub mod views;

use crate::domain::AppError;

/// A text field from outside: trimmed, not empty, at most `max` characters,
/// and no control characters (line breaks allowed only when `multiline`).
pub fn text_field(field: &str, value: &str, max: usize, multiline: bool) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(field, format!("at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(AppError::invalid(field, "control characters are not allowed"));
    }
    Ok(v.to_owned())
}

/// Like [`text_field`], but empty means "not given".
pub fn optional_field(field: &str, value: &str, max: usize) -> Result<Option<String>, AppError> {
    if value.trim().is_empty() { Ok(None) } else { text_field(field, value, max, true).map(Some) }
}

/// A `YYYY-MM-DD` date field.
pub fn day_field(field: &str, value: &str) -> Result<crate::domain::period::Day, AppError> {
    crate::domain::period::Day::parse(value).map_err(|e| AppError::invalid(field, e))
}

/// Longest scope document, NDA or comment accepted (characters).
pub const MAX_DOCUMENT_CHARS: usize = 64 * 1024;
/// Longest title or name (characters).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest free text of a finding, request or decision (characters).
pub const MAX_TEXT_CHARS: usize = 8 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked() {
        assert_eq!(text_field("Name", "  Dry run  ", 20, false).unwrap_or_default(), "Dry run");
        assert!(text_field("Name", "   ", 20, false).is_err());
        assert!(text_field("Name", "a\nb", 20, false).is_err());
        assert!(text_field("Detail", "a\nb", 20, true).is_ok());
        assert!(text_field("Name", &"x".repeat(21), 20, false).unwrap_err().message.contains("at most 20"));
        assert_eq!(optional_field("Owner", " ", 10).unwrap_or_default(), None);
    }
}
