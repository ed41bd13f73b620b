//! The signature status report: every repository's policy bundle state,
//! adoption across active repositories, and every release pack.

use crate::domain::AppError;
use crate::domain::adoption::{
    Adoption, AdoptionRules, AlertView, BundleFacts, PackStatus, PolicyState, RepoPolicyStatus, SignatureStatus,
    classify, decide,
};
use crate::domain::policy_signers::PolicySource;
use crate::domain::status::Verdict;
use crate::ssr::AppState;
use crate::ssr::evidence::packs::PackReport;
use crate::ssr::store::{PolicyBundleRow, RepoRow, RolloutRow};

const DAY_MS: i64 = 86_400_000;
/// Packs listed per tenant.
const PACKS_PER_TENANT: i64 = 200;

/// The rollout's adoption rules.
pub fn rules(rollout: &RolloutRow) -> AdoptionRules {
    AdoptionRules {
        current_version: rollout.current_version,
        allowed_lag: rollout.allowed_lag,
        require_org_workflow: rollout.require_org_workflow != 0,
    }
}

/// The evidence one source holds, with the facts [`classify`] needs.
struct Evidence {
    facts: BundleFacts,
    version: Option<i64>,
    sha256: Option<String>,
    signer: Option<String>,
    verified_at: Option<i64>,
    release: Option<String>,
}

/// What the repository's uploads say: the verified bundle in force, and whether the latest upload failed.
async fn upload_evidence(state: &AppState, repo: &RepoRow) -> Result<Evidence, AppError> {
    let db = &state.db;
    let in_force = db.bundle_in_force(&repo.id).await?;
    let latest = db.latest_bundle(&repo.id).await?;
    Ok(Evidence {
        facts: BundleFacts {
            in_force: in_force.as_ref().map(|b| b.version),
            signer_kind: in_force.as_ref().and_then(PolicyBundleRow::signer_kind),
            latest_failed: latest.filter(|b| b.status != Verdict::Verified).and_then(|b| b.reason),
        },
        version: in_force.as_ref().map(|b| b.version),
        sha256: in_force.as_ref().map(|b| b.sha256.clone()),
        signer: in_force.as_ref().and_then(|b| b.signer.clone()),
        verified_at: in_force.as_ref().map(|b| b.created_at),
        release: None,
    })
}

/// What the repository's latest release pack says: nothing unless it carries
/// `policy.sig`; its bundle counts only when the whole pack verified.
async fn pack_evidence(state: &AppState, repo: &RepoRow) -> Result<Evidence, AppError> {
    let latest = state.db.latest_pack(&repo.org_id, &repo.name).await?;
    let policy = latest.as_ref().and_then(|p| PackReport::stored(p).ok()).and_then(|r| r.policy);
    let (Some(pack), Some(policy)) = (latest, policy) else {
        return Ok(Evidence {
            facts: BundleFacts::default(),
            version: None,
            sha256: None,
            signer: None,
            verified_at: None,
            release: None,
        });
    };
    let counts = policy.verified && pack.status == Verdict::Verified;
    let failed = (!counts).then(|| {
        format!(
            "release pack {}: {}",
            pack.tag,
            pack.reason.as_deref().or(policy.reason.as_deref()).unwrap_or("failed")
        )
    });
    Ok(Evidence {
        facts: BundleFacts {
            in_force: policy.version.filter(|_| counts),
            signer_kind: policy.signer_kind.filter(|_| counts),
            latest_failed: failed,
        },
        version: policy.version.filter(|_| counts),
        sha256: policy.sha256.filter(|_| counts),
        signer: policy.signer.filter(|_| counts),
        verified_at: counts.then_some(pack.created_at),
        release: Some(pack.tag),
    })
}

/// One repository's status against the rollout, from its uploads and its
/// latest release pack ([`decide`] says which wins).
pub async fn repo_status(
    state: &AppState,
    rollout: &RolloutRow,
    tenant: &str,
    repo: RepoRow,
) -> Result<RepoPolicyStatus, AppError> {
    let rules = rules(rollout);
    let upload = upload_evidence(state, &repo).await?;
    let pack = pack_evidence(state, &repo).await?;
    let by_upload = classify(&upload.facts, &rules);
    let by_pack = classify(&pack.facts, &rules);
    let mut source = decide(&by_upload, &by_pack);
    // Both signed: the higher version decides, then the newer.
    if by_upload.0 == PolicyState::Signed
        && by_pack.0 == PolicyState::Signed
        && (pack.version, pack.verified_at) > (upload.version, upload.verified_at)
    {
        source = PolicySource::Pack;
    }
    let ((policy_state, reason), evidence) = match source {
        PolicySource::Upload => (by_upload, upload),
        PolicySource::Pack => (by_pack, pack),
    };
    let active = match repo.active_override {
        Some(v) => v != 0,
        None => repo.last_activity_at >= state.now_ms() - rollout.active_days * DAY_MS,
    };
    let has_evidence = evidence.version.is_some() || evidence.facts.latest_failed.is_some();
    Ok(RepoPolicyStatus {
        tenant: tenant.to_owned(),
        repo: repo.name,
        active,
        state: policy_state,
        reason,
        version: evidence.version,
        sha256: evidence.sha256,
        signer: evidence.signer,
        signer_kind: evidence.facts.signer_kind,
        source: has_evidence.then_some(source),
        release: evidence.release.filter(|_| source == PolicySource::Pack),
        verified_at: evidence.verified_at,
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
            let policy = PackReport::stored(&p).ok().and_then(|r| r.policy);
            packs.push(PackStatus {
                tenant: t.slug.clone(),
                repo: p.repo,
                tag: p.tag,
                status: p.status.as_str().into(),
                reason: p.reason,
                policy,
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
        require_org_workflow: rollout.require_org_workflow != 0,
        org_signers: crate::ssr::policy::identities::org_signers(state).await?,
        overrides: crate::ssr::policy::overrides::views(state).await?,
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
