//! Reading the audit log: the entries a principal may see (operator admins
//! and security: all; an auditor: those about the engagement and its
//! tenants), filtered, newest first; and their CSV export.

use crate::domain::AppError;
use crate::domain::audit_log::{AuditEntry, AuditFilter};
use crate::domain::text::csv_cell;
use crate::ssr::AppState;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{AuditRow, AuditScope};

/// Entries a page shows.
pub const PAGE_LIMIT: i64 = 200;
/// Entries an export holds at most (the newest; narrow the filter for older ones).
pub const EXPORT_LIMIT: i64 = 10_000;

/// The newest `limit` entries `filter` matches that `p` may see.
pub async fn search(
    state: &AppState,
    p: &Principal,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditEntry>, AppError> {
    let rows = match &p.audit {
        None => state.db.audit_search(AuditScope::All, filter, limit).await?,
        Some(scope) => {
            let orgs: Vec<String> = scope.tenants.iter().cloned().collect();
            let about = AuditScope::About { orgs: &orgs, target: &scope.engagement_id };
            state.db.audit_search(about, filter, limit).await?
        }
    };
    Ok(rows.into_iter().map(entry).collect())
}

fn entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        action: r.action,
        target: r.target,
        detail: r.detail,
        hash_prefix: r.hash.chars().take(12).collect(),
    }
}

/// CSV of entries (RFC 4180 quoting), times in RFC 3339 UTC.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("seq,time_utc,actor,action,target,detail,hash_prefix\n");
    for e in entries {
        let fields = [
            e.seq.to_string(),
            crate::ssr::clock::rfc3339(e.at),
            e.actor.clone(),
            e.action.clone(),
            e.target.clone().unwrap_or_default(),
            e.detail.clone(),
            e.hash_prefix.clone(),
        ];
        out.push_str(&fields.iter().map(|f| csv_cell(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let e = AuditEntry {
            seq: 7,
            at: 1_797_336_000_000,
            actor: "admin@acme.demo".into(),
            action: "api_key.revoked".into(),
            target: None,
            detail: "name \"ci, main\"\nsecond line".into(),
            hash_prefix: "=cmd".into(),
        };
        assert_eq!(
            to_csv(&[e]),
            "seq,time_utc,actor,action,target,detail,hash_prefix\n\
             7,2026-12-15T12:00:00Z,admin@acme.demo,api_key.revoked,,\"name \"\"ci, main\"\"\nsecond line\",'=cmd\n"
        );
    }
}
