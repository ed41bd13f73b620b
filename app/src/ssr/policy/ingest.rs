//! Policy bundle ingestion: a repository's CI uploads `policy.tar.gz`,
//! `policy.sig` and a version. The bundle is read safely
//! ([`crate::ssr::policy::bundle`]), its signature verified against the
//! signers [`crate::ssr::policy::signers`] names for the repository (org
//! policy keys, org workflow identities, the repository's overrides).
//! Unsigned is never accepted: one of the signers must verify it. Versions only go up per repository
//! (rollback protection); a failed upload is recorded (and alerts) but never
//! replaces the bundle in force.

use crate::domain::ids::{PolicyBundleId, RepoId};
use crate::domain::status::Verdict;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::policy::bundle;
use crate::ssr::policy::signers::{self, Refusal, SignedBy, operator_id, policy_keys};
use crate::ssr::store::{PolicyBundleRow, RepoRow, RolloutRow, SigningKeyRow, StoreError};
use sha2::{Digest, Sha256};

/// What an upload did.
#[derive(Debug, Clone)]
pub enum Uploaded {
    /// Verified and now in force.
    Verified(PolicyBundleRow),
    /// The same bundle was already in force under this version.
    Unchanged(PolicyBundleRow),
    /// Stored as failed (the reason is on the row); the bundle in force did not change.
    Failed(PolicyBundleRow),
}

/// Adds a policy-signing key (audited).
pub async fn add_policy_key(
    state: &AppState,
    actor: &str,
    name: &str,
    pem: &str,
    not_after: Option<i64>,
) -> Result<SigningKeyRow, AppError> {
    let k = crate::ssr::verification::trust::NewSigningKey { name, pem, not_before: None, not_after };
    crate::ssr::verification::trust::add_signing_key(state, actor, &operator_id(state).await?, k).await
}

/// Revokes a policy-signing key by name (audited): bundles it signs are refused from now on.
pub async fn revoke_policy_key(state: &AppState, actor: &str, name: &str) -> Result<SigningKeyRow, AppError> {
    let key = policy_keys(state)
        .await?
        .into_iter()
        .find(|k| k.name == name)
        .ok_or_else(|| AppError::invalid("name", format!("no policy-signing key named {name:?}")))?;
    crate::ssr::verification::trust::revoke_signing_key(state, actor, &operator_id(state).await?, &key.id).await?;
    Ok(key)
}

/// Who signed `bundle` with `signature` under the org-wide signers in force
/// now (keys and org workflow identities, no overrides), or why nobody did.
pub async fn verify_signature(
    state: &AppState,
    bundle: &[u8],
    signature: &str,
) -> Result<Result<SignedBy, Refusal>, AppError> {
    let trust = signers::org_trust(state).await?;
    Ok(trust.check(bundle, signature))
}

/// Takes an upload for `repo` of `org_id` (see the module docs).
pub async fn upload(
    state: &AppState,
    actor: &str,
    org_id: &str,
    repo: &str,
    version: i64,
    bundle: Vec<u8>,
    signature: String,
) -> Result<Uploaded, AppError> {
    crate::domain::text::RepoName::parse(repo)?;
    if version < 1 {
        return Err(AppError::invalid("version", "must be a whole number of at least 1"));
    }
    check_ownership(state, org_id, repo).await?;
    let now = state.now_ms();
    // The repository is registered (or its activity recorded) with the bundle, in one transaction.
    let known = state.db.repo(org_id, repo).await?;
    let sha256 = hex::encode(Sha256::digest(&bundle));
    let in_force = match &known {
        Some(r) => state.db.bundle_in_force(&r.id).await?,
        None => None,
    };
    if let Some(current) = in_force {
        touch(state, org_id, repo).await?; // a retry or a refused rollback is activity too
        if version == current.version && sha256 == current.sha256 {
            return Ok(Uploaded::Unchanged(current));
        }
        if version <= current.version {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "version {version} is not newer than version {} in force for {repo}: rollback refused (versions only go up)",
                    current.version
                ),
            ));
        }
    }
    let trust = signers::repo_trust(state, org_id, repo).await?;
    let size_bytes = i64::try_from(bundle.len()).unwrap_or(i64::MAX);
    let (files, signed) = tokio::task::spawn_blocking(move || {
        let files = bundle::read_bundle(&bundle);
        let signed = trust.check(&bundle, &signature);
        (files, signed)
    })
    .await
    .map_err(log_internal)?;
    let mut row = PolicyBundleRow {
        id: state.new_id(PolicyBundleId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        repo_id: String::new(), // set when stored
        version,
        sha256,
        size_bytes,
        status: Verdict::Verified,
        reason: None,
        detail: None,
        signer: None,
        signer_kind: None,
        override_id: None,
        files: "[]".into(),
        created_at: now,
    };
    match (files, signed) {
        (Err(e), _) => {
            row.status = Verdict::Failed;
            row.reason = Some(e.code.to_owned());
            row.detail = Some(e.message);
        }
        (Ok(_), Err(refusal)) => {
            row.status = Verdict::Failed;
            row.reason = Some(refusal.code.to_owned());
            row.detail = Some(refusal.message);
        }
        (Ok(files), Ok(signed)) => {
            row.files = serde_json::to_string(&files).map_err(log_internal)?;
            row.signer = Some(signed.signer);
            row.signer_kind = Some(signed.kind.as_str().to_owned());
            row.override_id = signed.override_id;
        }
    }
    let new_repo_id = state.new_id(RepoId::from_parts).to_string();
    let row = match state.db.insert_policy_bundle(&new_repo_id, repo, &row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("{repo} already has version {version} in force")));
        }
        other => other?,
    };
    let detail = format!(
        "{repo} v{version} status={} sha256={}{}{}",
        row.status,
        row.sha256,
        row.reason.as_deref().map(|r| format!(" reason={r}")).unwrap_or_default(),
        row.signer_kind.as_deref().map(|k| format!(" signer_kind={k}")).unwrap_or_default()
    );
    AuditEvent::new(actor, "policy.uploaded").about(org_id, &row.id).detail(&detail).log(state).await?;
    sync_alerts(state).await;
    Ok(if row.status == Verdict::Verified { Uploaded::Verified(row) } else { Uploaded::Failed(row) })
}

/// Refuses `org_id`'s upload for `repo` when another tenant owns the name
/// (it proved it first with verified evidence, or the operator assigned it):
/// nothing is stored or registered for the newcomer.
pub async fn check_ownership(state: &AppState, org_id: &str, repo: &str) -> Result<(), AppError> {
    match state.db.repo_owner(repo).await? {
        Some(owner) if owner.org_id != org_id => Err(AppError::new(
            ErrorCode::Conflict,
            format!(
                "{repo} belongs to another tenant, which proved it with verified evidence; uploads for it from \
                 this tenant are refused. If the repository is yours, ask the portal operator to assign it to you."
            ),
        )),
        _ => Ok(()),
    }
}

/// Records that `org_id` proved `repo` is its own (a verified release pack
/// signed with its keys), unless another tenant already owns the name.
pub async fn prove(state: &AppState, actor: &str, org_id: &str, repo: &str, proof: &str) -> Result<(), AppError> {
    if state.db.repo_owner(repo).await?.is_some_and(|o| o.org_id != org_id) {
        return Ok(());
    }
    if state.db.prove_repo(org_id, repo, proof, state.now_ms()).await? {
        AuditEvent::new(actor, "repo.proven").about(org_id, repo).detail(&format!("{repo} {proof}")).log(state).await?;
        sync_alerts(state).await;
    }
    Ok(())
}

/// An operator gives `repo` to the tenant `tenant_slug` (audited): that tenant
/// owns the name from now on, every other tenant's claim is cleared.
pub async fn assign_repo(state: &AppState, actor: &str, repo: &str, tenant_slug: &str) -> Result<RepoRow, AppError> {
    crate::domain::text::RepoName::parse(repo)?;
    let org = state
        .db
        .org_by_slug(tenant_slug)
        .await?
        .filter(|o| o.kind == crate::domain::OrgKind::Tenant.as_str())
        .ok_or_else(|| AppError::not_found("Tenant"))?;
    let row = match state.db.repo(&org.id, repo).await? {
        Some(r) => r,
        None => touch(state, &org.id, repo).await?,
    };
    let proof = format!("assigned by {actor}");
    state.db.assign_repo(&org.id, repo, &proof, state.now_ms()).await?;
    AuditEvent::new(actor, "repo.assigned")
        .about(&org.id, &row.id)
        .detail(&format!("{repo} to {tenant_slug}"))
        .log(state)
        .await?;
    sync_alerts(state).await;
    state.db.repo(&org.id, repo).await?.ok_or_else(AppError::internal)
}

/// Registers a repository, or records activity on it (a pack or bundle upload).
pub async fn touch(state: &AppState, org_id: &str, repo: &str) -> Result<RepoRow, AppError> {
    let id = state.new_id(RepoId::from_parts).to_string();
    Ok(state.db.touch_repo(&id, org_id, repo, state.now_ms()).await?)
}

/// Changes to the rollout settings (`None` keeps a value).
#[derive(Debug, Clone, Default)]
pub struct RolloutChange {
    /// The org policy version every repository should run (at least 1).
    pub current_version: Option<i64>,
    /// Versions a repository may lag (0 or more).
    pub allowed_lag: Option<i64>,
    /// Days of inactivity after which a repository stops counting (at least 1).
    pub active_days: Option<i64>,
    /// Whether only bundles signed by the org workflow count towards adoption.
    pub require_org_workflow: Option<bool>,
}

/// Applies `change` to the rollout settings (validated, audited); returns the result.
pub async fn set_rollout(state: &AppState, actor: &str, change: RolloutChange) -> Result<RolloutRow, AppError> {
    let mut r = state.db.rollout().await?;
    if let Some(v) = change.current_version {
        if v < 1 {
            return Err(AppError::invalid("current_version", "must be at least 1"));
        }
        r.current_version = v;
    }
    if let Some(v) = change.allowed_lag {
        if v < 0 {
            return Err(AppError::invalid("allowed_lag", "must be 0 or more"));
        }
        r.allowed_lag = v;
    }
    if let Some(v) = change.active_days {
        if v < 1 {
            return Err(AppError::invalid("active_days", "must be at least 1"));
        }
        r.active_days = v;
    }
    if let Some(required) = change.require_org_workflow {
        r.require_org_workflow = i64::from(required);
    }
    r.updated_by = Some(actor.to_owned());
    r.updated_at = state.now_ms();
    state.db.set_rollout(&r).await?;
    let detail = format!(
        "current_version={} allowed_lag={} active_days={} require_org_workflow={}",
        r.current_version,
        r.allowed_lag,
        r.active_days,
        r.require_org_workflow != 0
    );
    AuditEvent::new(actor, "policy.rollout_changed").detail(&detail).log(state).await?;
    sync_alerts(state).await;
    Ok(r)
}

/// Brings alerts up to date (deliveries run in the background); a failure is
/// logged and left to the hourly sync, never failing the change that caused it.
async fn sync_alerts(state: &AppState) {
    if let Err(e) = crate::ssr::policy::alerts::sync_policy_alerts(state).await {
        tracing::warn!(error = %e.message, "alert sync failed; the hourly sync retries");
    }
}

/// Sets a repository's active flag by hand (`Some`) or back to "by activity" (`None`); audited.
pub async fn set_repo_active(
    state: &AppState,
    actor: &str,
    org_id: &str,
    repo: &str,
    active: Option<bool>,
) -> Result<(), AppError> {
    crate::domain::text::RepoName::parse(repo)?;
    if !state.db.set_repo_active(org_id, repo, active).await? {
        return Err(AppError::not_found("Repository"));
    }
    let detail = format!(
        "{repo} active={}",
        match active {
            Some(true) => "always",
            Some(false) => "never",
            None => "by activity",
        }
    );
    AuditEvent::new(actor, "repo.active_set").about(org_id, repo).detail(&detail).log(state).await?;
    sync_alerts(state).await;
    Ok(())
}

/// Publishes policy `version` for partners to pick in onboarding: the bundle
/// must be safe to read and its signature must verify with a policy-signing
/// key (or the keyless CI identity) now. A version is published once.
pub async fn publish_release(
    state: &AppState,
    actor: &str,
    version: i64,
    bundle: Vec<u8>,
    signature: String,
) -> Result<crate::ssr::store::PolicyReleaseRow, AppError> {
    if version < 1 {
        return Err(AppError::invalid("version", "must be a whole number of at least 1"));
    }
    bundle::read_bundle(&bundle).map_err(|e| AppError::invalid("policy.tar.gz", e.message))?;
    if let Err(refusal) = verify_signature(state, &bundle, &signature).await? {
        return Err(AppError::invalid("policy.sig", format!("{} ({})", refusal.message, refusal.code)));
    }
    let row = crate::ssr::store::PolicyReleaseRow {
        version,
        sha256: hex::encode(Sha256::digest(&bundle)),
        published_by: actor.to_owned(),
        published_at: state.now_ms(),
    };
    match state.db.insert_policy_release(&row, &bundle, &signature).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("policy version {version} is already published")));
        }
        other => other?,
    }
    let detail = format!("version={version} sha256={}", row.sha256);
    AuditEvent::new(actor, "policy.published")
        .about(&operator_id(state).await?, &format!("policy-v{version}"))
        .detail(&detail)
        .log(state)
        .await?;
    Ok(row)
}
