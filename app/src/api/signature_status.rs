//! The signature status report for auditors, security and operator admins (read-only).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::adoption::SignatureStatus;
use leptos::prelude::*;

/// Every repository's policy bundle and every release pack the caller may see
/// (an auditor: their engagement's scope, logged), filtered by `show`
/// (`all`, `failing`, `stale`).
#[server(endpoint = "signature_status")]
pub async fn load_signature_status(show: String) -> Result<SignatureStatus, AppError> {
    use crate::domain::adoption::Show;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadSignatureStatus).await?;
    let show = Show::parse(&show).map_err(|e| AppError::invalid("show", e))?;
    let sees = p.sees();
    let report = crate::ssr::policy::status::report_within(&state, |org, repo| sees.repo(org, repo)).await?;
    crate::ssr::audit_kit::access::viewed(&state, p.viewer(), "signature status", report.filtered(show)).await
}

/// A drill run, as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DrillSummary {
    /// `drill_…` id (the report is at `/drills/{id}/report.md`).
    pub id: String,
    /// `rotate-policy-key` or `rotate-keyless-identity`.
    pub kind: String,
    /// Who ran it.
    pub actor: String,
    /// Start (ms).
    pub started_at: i64,
    /// Every step passed.
    pub passed: bool,
    /// Steps run.
    pub steps: usize,
}

#[cfg(feature = "ssr")]
fn summary(r: &crate::domain::drill::DrillReport) -> DrillSummary {
    DrillSummary {
        id: r.id.clone(),
        kind: r.kind.clone(),
        actor: r.actor.clone(),
        started_at: r.started_at,
        passed: r.passed,
        steps: r.steps.len(),
    }
}

/// The drill kinds this page lists: key and keyless-identity rotation.
pub const ROTATION_DRILLS: [&str; 2] = ["rotate-policy-key", "rotate-keyless-identity"];

/// Recent rotation drills, key and keyless (newest first): the operator's
/// evidence, so not shown to an auditor of a tenant's own engagement.
#[server(endpoint = "list_drills")]
pub async fn list_drills() -> Result<Vec<DrillSummary>, AppError> {
    use crate::ssr::error::log_internal;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadSignatureStatus).await?;
    if !p.sees().operator_evidence() {
        return Ok(Vec::new());
    }
    let mut list = Vec::new();
    for kind in ROTATION_DRILLS {
        for b in state.db.drill_reports_of(kind, 20).await? {
            let report: crate::domain::drill::DrillReport = serde_json::from_str(&b).map_err(log_internal)?;
            list.push(summary(&report));
        }
    }
    list.sort_by(|a, b| b.started_at.cmp(&a.started_at).then_with(|| b.id.cmp(&a.id)));
    list.truncate(20);
    Ok(list)
}

/// Runs the policy-key rotation drill now (security and operator admins).
#[server(endpoint = "run_policy_key_drill")]
pub async fn run_policy_key_drill() -> Result<DrillSummary, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManagePolicyRollout).await?;
    Ok(summary(&crate::ssr::policy::drill::rotate_policy_key(&state, &p.email).await?))
}

/// Runs the keyless-identity rotation drill now (security and operator admins).
#[server(endpoint = "run_keyless_drill")]
pub async fn run_keyless_drill() -> Result<DrillSummary, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManagePolicyRollout).await?;
    Ok(summary(&crate::ssr::policy::keyless_drill::rotate_keyless_identity(&state, &p.email).await?))
}

/// Changes the policy rollout (security and operator admins): the org policy
/// version, the allowed lag, the active window in days, and whether only
/// bundles signed by the org workflow count (a checkbox: present = on).
#[server(endpoint = "set_policy_rollout")]
pub async fn set_policy_rollout(
    current_version: String,
    allowed_lag: String,
    active_days: String,
    #[server(default)] require_org_workflow: Option<String>,
) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManagePolicyRollout).await?;
    let number = |field: &str, text: &str| -> Result<i64, AppError> {
        text.trim().parse().map_err(|_| AppError::invalid(field, format!("'{text}' is not a whole number")))
    };
    let change = crate::ssr::policy::ingest::RolloutChange {
        current_version: Some(number("Current version", &current_version)?),
        allowed_lag: Some(number("Allowed lag", &allowed_lag)?),
        active_days: Some(number("Active days", &active_days)?),
        require_org_workflow: Some(match require_org_workflow.as_deref().map(str::trim) {
            None | Some("" | "off" | "false") => false,
            Some("on" | "true") => true,
            Some(other) => {
                return Err(AppError::invalid("Require the org workflow", format!("'{other}': use on or off")));
            }
        }),
    };
    crate::ssr::policy::ingest::set_rollout(&state, &p.email, change).await.map(|_| ())
}
