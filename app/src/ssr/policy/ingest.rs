//! Policy bundle ingestion: a repository's CI uploads `policy.tar.gz`,
//! `policy.sig` and a version. The bundle is read safely
//! ([`crate::ssr::policy::bundle`]), its signature verified against the
//! organisation's policy-signing keys (the operator's signing keys, each
//! within its validity window) or, for a Sigstore bundle, the keyless
//! identity in the rollout settings. Unsigned is never accepted: with several
//! keys, one of them must verify it. Versions only go up per repository
//! (rollback protection); a failed upload is recorded (and alerts) but never
//! replaces the bundle in force.

use crate::domain::ids::{PolicyBundleId, RepoId};
use crate::domain::status::Verdict;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::policy::bundle;
use crate::ssr::store::{PolicyBundleRow, RepoRow, RolloutRow, SigningKeyRow, StoreError};
use crate::ssr::verification::engine::{self, BundlePolicy, Subject};
use crate::ssr::verification::trust::check_window;
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

/// The operator organisation's id: it owns the policy-signing keys and the drill repository.
pub async fn operator_id(state: &AppState) -> Result<String, AppError> {
    Ok(state.db.operator_org().await?.ok_or_else(AppError::internal)?.id)
}

/// The organisation's policy-signing keys: the operator's signing keys.
pub async fn policy_keys(state: &AppState) -> Result<Vec<SigningKeyRow>, AppError> {
    state.db.signing_keys(&operator_id(state).await?).await.map_err(log_internal)
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

/// Who signed `bundle`, or the reason code and message why nobody did.
fn check_signature(
    bundle: &[u8],
    signature: &str,
    keys: &[SigningKeyRow],
    rollout: &RolloutRow,
    root: Option<&sigstore_verify::trust_root::TrustedRoot>,
    now: i64,
) -> Result<String, (&'static str, String)> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(("unsigned", "policy.sig is empty: unsigned bundles are never accepted".to_owned()));
    }
    let usable: Vec<&SigningKeyRow> = keys.iter().filter(|k| check_window(k, now).is_ok()).collect();
    let subject = Subject::Bytes(bundle);
    if signature.starts_with('{') {
        let root = root.ok_or(("trust_root_invalid", "the public-good trusted root is unavailable".to_owned()))?;
        let none = crate::ssr::verification::dsse::AttestationPolicy::default();
        if let (Some(identity), Some(issuer)) = (&rollout.keyless_identity, &rollout.keyless_issuer) {
            let policy = BundlePolicy::Keyless { identity: identity.clone(), issuer: issuer.clone() };
            if engine::verify_bundle(root, signature, subject, &policy, &none).is_ok() {
                return Ok(format!("keyless {identity} ({issuer})"));
            }
        }
        for k in &usable {
            let policy = BundlePolicy::Key { pem: k.public_key_pem.clone() };
            if engine::verify_bundle(root, signature, subject, &policy, &none).is_ok() {
                return Ok(format!("{} ({})", k.name, k.key_id));
            }
        }
        return Err((
            "signature_mismatch",
            "the Sigstore bundle verifies with no policy key or keyless identity".into(),
        ));
    }
    if usable.is_empty() {
        return Err(("no_policy_keys", "no policy-signing key is valid now; ask security to add one".to_owned()));
    }
    for k in &usable {
        if engine::verify_blob(&k.public_key_pem, signature, subject).is_ok() {
            return Ok(format!("{} ({})", k.name, k.key_id));
        }
    }
    Err((
        "signature_mismatch",
        format!("policy.sig verifies with none of the {} valid policy-signing keys", usable.len()),
    ))
}

/// Who signed `bundle` with `signature` under the current keys and rollout
/// settings, or the reason code and message why nobody did.
pub async fn verify_signature(
    state: &AppState,
    bundle: &[u8],
    signature: &str,
) -> Result<Result<String, (&'static str, String)>, AppError> {
    let keys = policy_keys(state).await?;
    let rollout = state.db.rollout().await?;
    let root = crate::ssr::verification::trust::trusted_root(state, None).await.ok();
    Ok(check_signature(bundle, signature, &keys, &rollout, root.as_deref(), state.now_ms()))
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
    let keys = policy_keys(state).await?;
    let rollout = state.db.rollout().await?;
    let root = crate::ssr::verification::trust::trusted_root(state, None).await.ok();
    let size_bytes = i64::try_from(bundle.len()).unwrap_or(i64::MAX);
    let (files, signed) = tokio::task::spawn_blocking(move || {
        let files = bundle::read_bundle(&bundle);
        let signed = check_signature(&bundle, &signature, &keys, &rollout, root.as_deref(), now);
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
        files: "[]".into(),
        created_at: now,
    };
    match (files, signed) {
        (Err(e), _) => {
            row.status = Verdict::Failed;
            row.reason = Some(e.code.to_owned());
            row.detail = Some(e.message);
        }
        (Ok(_), Err((code, why))) => {
            row.status = Verdict::Failed;
            row.reason = Some(code.to_owned());
            row.detail = Some(why);
        }
        (Ok(files), Ok(signer)) => {
            row.files = serde_json::to_string(&files).map_err(log_internal)?;
            row.signer = Some(signer);
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
        "{repo} v{version} status={} sha256={}{}",
        row.status,
        row.sha256,
        row.reason.as_deref().map(|r| format!(" reason={r}")).unwrap_or_default()
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
    state.db.touch_repo(&id, org_id, repo, state.now_ms()).await.map_err(log_internal)
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
    /// Keyless signing identity and issuer (set together; empty strings clear them).
    pub keyless: Option<(String, String)>,
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
    if let Some((identity, issuer)) = change.keyless {
        let (identity, issuer) = (identity.trim().to_owned(), issuer.trim().to_owned());
        if identity.is_empty() != issuer.is_empty() {
            return Err(AppError::invalid("keyless", "give both the certificate identity and the OIDC issuer"));
        }
        r.keyless_identity = (!identity.is_empty()).then_some(identity);
        r.keyless_issuer = (!issuer.is_empty()).then_some(issuer);
    }
    r.updated_by = Some(actor.to_owned());
    r.updated_at = state.now_ms();
    state.db.set_rollout(&r).await?;
    let detail = format!(
        "current_version={} allowed_lag={} active_days={} keyless={}",
        r.current_version,
        r.allowed_lag,
        r.active_days,
        r.keyless_identity.as_deref().unwrap_or("-")
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
    if let Err((code, why)) = verify_signature(state, &bundle, &signature).await? {
        return Err(AppError::invalid("policy.sig", format!("{why} ({code})")));
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
