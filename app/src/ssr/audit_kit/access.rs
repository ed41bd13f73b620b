//! The access overlay: an auditor's scope, resolved at every request from
//! their one engagement (so revocation and the end of access apply at once),
//! and the access log of every view and download an auditor makes.

use crate::domain::audit_kit::AuditorScope;
use crate::domain::ids::AccessLogId;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::{AccessLogRow, AuditorAccessRow};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

fn ended(why: &str) -> AppError {
    AppError::new(ErrorCode::AccessExpired, format!("Your access as an auditor has ended: {why}."))
}

/// Parses a JSON array of ids or names (a scope's tenants or repositories).
pub fn id_set(json: Option<&str>) -> Result<BTreeSet<String>, AppError> {
    match json {
        None => Ok(BTreeSet::new()),
        Some(j) => serde_json::from_str(j).map_err(log_internal),
    }
}

/// Builds the scope from its row, refusing access that has ended.
pub fn scope_from(row: AuditorAccessRow, now: i64) -> Result<AuditorScope, AppError> {
    if row.revoked_at.is_some() {
        return Err(ended("the engagement's owner revoked it"));
    }
    if now >= row.access_ends_at {
        return Err(ended(&format!(
            "the engagement's access window closed at {}",
            crate::domain::period::display_time(row.access_ends_at)
        )));
    }
    Ok(AuditorScope {
        tenants: id_set(row.tenants.as_deref())?,
        repos: id_set(row.repos.as_deref())?,
        operator_owned: row.owner_kind == "operator",
        engagement_id: row.engagement_id,
        owner_org_id: row.owner_org_id,
        nda_accepted: row.nda_accepted != 0,
        ends_at: row.access_ends_at,
    })
}

/// The scope of the auditor `user_id` now; an auditor outside every
/// engagement, revoked, or past the access window has no access.
pub async fn scope_of(state: &AppState, user_id: &str, now: i64) -> Result<AuditorScope, AppError> {
    let row = state.db.auditor_access(user_id).await?.ok_or_else(|| ended("you are not part of an engagement"))?;
    scope_from(row, now)
}

/// What an auditor looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Shown on a page.
    View,
    /// Downloaded as a file.
    Download,
}

/// The auditor behind an access, when the caller is one.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    /// Their scope.
    pub scope: &'a AuditorScope,
    /// Their account.
    pub user_id: &'a str,
    /// Their e-mail.
    pub email: &'a str,
}

/// Records an auditor's view or download of `object` with the SHA-256 of
/// exactly what was served. Recording failures are logged and answered as
/// errors: an auditor access that cannot be logged is not served.
pub async fn record(
    state: &AppState,
    viewer: Viewer<'_>,
    kind: Access,
    object: &str,
    served: &[u8],
) -> Result<(), AppError> {
    let row = AccessLogRow {
        id: state.new_id(AccessLogId::from_parts).to_string(),
        engagement_id: viewer.scope.engagement_id.clone(),
        user_id: viewer.user_id.to_owned(),
        email: viewer.email.to_owned(),
        at: state.now_ms(),
        kind: match kind {
            Access::View => "view",
            Access::Download => "download",
        }
        .into(),
        object: object.chars().take(300).collect(),
        sha256: hex::encode(Sha256::digest(served)),
    };
    Ok(state.db.insert_access(&row).await?)
}

/// Records a view of `value` (its JSON) when `viewer` is an auditor; returns `value`.
pub async fn viewed<T: serde::Serialize>(
    state: &AppState,
    viewer: Option<Viewer<'_>>,
    object: &str,
    value: T,
) -> Result<T, AppError> {
    if let Some(v) = viewer {
        let json = serde_json::to_vec(&value).map_err(log_internal)?;
        record(state, v, Access::View, object, &json).await?;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AuditorAccessRow {
        AuditorAccessRow {
            engagement_id: "eng_1".into(),
            owner_org_id: "org_op".into(),
            owner_kind: "operator".into(),
            access_ends_at: 1_000,
            revoked_at: None,
            tenants: Some(r#"["org_a"]"#.into()),
            repos: Some("[]".into()),
            nda_version: Some(1),
            nda_accepted: 1,
        }
    }

    #[test]
    fn access_ends_at_the_window_and_on_revocation() {
        let scope = scope_from(row(), 999).unwrap_or_else(|e| panic!("{e}"));
        assert!(scope.sees_tenant("org_a") && scope.nda_accepted && scope.operator_owned);
        assert_eq!(scope_from(row(), 1_000).unwrap_err().code, ErrorCode::AccessExpired);
        let revoked = AuditorAccessRow { revoked_at: Some(5), ..row() };
        assert!(scope_from(revoked, 10).unwrap_err().message.contains("revoked"));
    }
}
