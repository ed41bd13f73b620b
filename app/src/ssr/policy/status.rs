//! The signature status report: every repository's policy bundle state,
//! adoption across active repositories, and every release pack.

use crate::domain::AppError;
use crate::domain::adoption::{
    Adoption, AlertView, BundleFacts, PackStatus, PolicyState, RepoPolicyStatus, SignatureStatus, classify,
};
use crate::domain::status::Verdict;
use crate::ssr::AppState;
use crate::ssr::store::{RepoRow, RolloutRow};

const DAY_MS: i64 = 86_400_000;
/// Packs listed per tenant.
const PACKS_PER_TENANT: i64 = 200;

/// One repository's status against the rollout.
pub async fn repo_status(
    state: &AppState,
    rollout: &RolloutRow,
    tenant: &str,
    repo: RepoRow,
) -> Result<RepoPolicyStatus, AppError> {
    let db = &state.db;
    let in_force = db.bundle_in_force(&repo.id).await?;
    let latest = db.latest_bundle(&repo.id).await?;
    let facts = BundleFacts {
        in_force: in_force.as_ref().map(|b| b.version),
        latest_failed: latest.filter(|b| b.status != Verdict::Verified).and_then(|b| b.reason),
    };
    let (policy_state, reason) = classify(&facts, rollout.current_version, rollout.allowed_lag);
    let active = match repo.active_override {
        Some(v) => v != 0,
        None => repo.last_activity_at >= state.now_ms() - rollout.active_days * DAY_MS,
    };
    Ok(RepoPolicyStatus {
        tenant: tenant.to_owned(),
        repo: repo.name,
        active,
        state: policy_state,
        reason,
        version: in_force.as_ref().map(|b| b.version),
        sha256: in_force.as_ref().map(|b| b.sha256.clone()),
        signer: in_force.as_ref().and_then(|b| b.signer.clone()),
        verified_at: in_force.as_ref().map(|b| b.created_at),
    })
}

/// The report over every tenant (`scope` = `None`) or one. Repositories count
/// once their tenant owns them (proved with a verified pack or assigned by
/// the operator).
pub async fn report(state: &AppState, scope: Option<&str>) -> Result<SignatureStatus, AppError> {
    let db = &state.db;
    let rollout = db.rollout().await?;
    let mut tenants = db.tenants().await?;
    tenants.retain(|t| scope.is_none_or(|id| t.id == id));
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    let owners = db.repo_owner_ids().await?;
    let mut repos = Vec::new();
    let mut packs = Vec::new();
    for t in &tenants {
        for repo in db.repos(Some(&t.id)).await? {
            // Only the tenant that owns a name counts it (see `policy::check_ownership`).
            if !owners.contains(&repo.id) {
                continue;
            }
            repos.push(repo_status(state, &rollout, &t.slug, repo).await?);
        }
        for p in db.packs(&t.id, PACKS_PER_TENANT).await? {
            packs.push(PackStatus {
                tenant: t.slug.clone(),
                repo: p.repo,
                tag: p.tag,
                status: p.status.as_str().into(),
                reason: p.reason,
                signer_key_id: p.signer_key_id,
                verified_at: p.created_at,
            });
        }
    }
    packs.sort_by_key(|p| std::cmp::Reverse(p.verified_at));
    let active: Vec<&RepoPolicyStatus> = repos.iter().filter(|r| r.active).collect();
    let adoption = Adoption {
        adopted: i64::try_from(active.iter().filter(|r| r.state == PolicyState::Signed).count()).unwrap_or(0),
        active: i64::try_from(active.len()).unwrap_or(0),
    };
    let alerts = db
        .open_alerts()
        .await?
        .into_iter()
        .filter(|a| scope.is_none() || a.org_id.as_deref() == scope)
        .map(|a| AlertView {
            kind: a.kind,
            subject: a.subject,
            message: a.message,
            opened_at: a.opened_at,
            delivered: a.delivered,
        })
        .collect();
    Ok(SignatureStatus {
        alerts,
        adoption,
        current_version: rollout.current_version,
        allowed_lag: rollout.allowed_lag,
        active_days: rollout.active_days,
        keyless_identity: rollout.keyless_identity,
        keyless_issuer: rollout.keyless_issuer,
        repos,
        packs,
    })
}

/// The report restricted to what `keep(org_id, repo)` allows (an auditor's or
/// an engagement's scope), adoption counted over what is kept.
pub async fn report_within(state: &AppState, keep: impl Fn(&str, &str) -> bool) -> Result<SignatureStatus, AppError> {
    let ids: std::collections::BTreeMap<String, String> =
        state.db.tenants().await?.into_iter().map(|t| (t.slug, t.id)).collect();
    Ok(report(state, None).await?.restricted(|slug, repo| ids.get(slug).is_some_and(|id| keep(id, repo))))
}
