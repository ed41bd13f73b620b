//! Per-repository signer overrides, the escape hatch for repositories with
//! custom policies: security allows one more signer (a key or a keyless
//! identity) for one repository, with a reason and an expiry of at most
//! [`MAX_OVERRIDE_DAYS`] days. The signer is accepted for that repository
//! only, until the expiry or a revocation; bundles it signed before keep their
//! results. An override names a real signer, so it can never make an unsigned
//! bundle acceptable. Allowing and revoking are audited.

use crate::domain::ids::SignerOverrideId;
use crate::domain::policy_signers::{MAX_OVERRIDE_DAYS, MAX_REASON_CHARS, OverrideState, OverrideView};
use crate::domain::text::RepoName;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::store::SignerOverrideRow;
use crate::ssr::verification::engine;
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;
/// Overrides listed on signature status.
const LISTED: i64 = 200;

/// The signer an override allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideSigner {
    /// A public key (PEM).
    Key {
        /// PEM `PUBLIC KEY`.
        pem: String,
    },
    /// A keyless identity.
    Keyless {
        /// Certificate identity.
        identity: String,
        /// OIDC issuer.
        issuer: String,
        /// Trusted root name (empty: public-good).
        trusted_root: String,
    },
}

/// An override to allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOverride {
    /// The repository, `owner/name` (a tenant must own it).
    pub repo: String,
    /// Who may sign its bundles besides the org.
    pub signer: OverrideSigner,
    /// Why (required, at most [`MAX_REASON_CHARS`] characters).
    pub reason: String,
    /// For how many days (1 to [`MAX_OVERRIDE_DAYS`]).
    pub days: i64,
}

/// Allows `o` (audited); returns the stored override.
pub async fn allow(state: &AppState, actor: &str, o: NewOverride) -> Result<SignerOverrideRow, AppError> {
    let repo_name = RepoName::parse(o.repo.trim())?;
    let reason = o.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::invalid(
            "Reason",
            format!("say why this repository needs another signer (1 to {MAX_REASON_CHARS} characters)"),
        ));
    }
    if !(1..=MAX_OVERRIDE_DAYS).contains(&o.days) {
        return Err(AppError::invalid("Expires in", format!("an override lasts 1 to {MAX_OVERRIDE_DAYS} days")));
    }
    let repo = state.db.repo_owner(repo_name.as_str()).await?.ok_or_else(|| {
        AppError::invalid(
            "Repository",
            format!(
                "no tenant owns {}: an override is for a repository proven by a verified pack or assigned by the operator",
                repo_name.as_str()
            ),
        )
    })?;
    let now = state.now_ms();
    let mut row = SignerOverrideRow {
        id: state.new_id(SignerOverrideId::from_parts).to_string(),
        org_id: repo.org_id.clone(),
        repo_id: repo.id.clone(),
        kind: String::new(),
        public_key_pem: None,
        key_id: None,
        identity: None,
        issuer: None,
        trusted_root: None,
        reason: reason.to_owned(),
        expires_at: now + o.days * DAY_MS,
        created_by: actor.to_owned(),
        created_at: now,
        revoked_by: None,
        revoked_at: None,
    };
    match o.signer {
        OverrideSigner::Key { pem } => {
            let der = engine::parse_key(&pem).map_err(|e| AppError::invalid("Public key", e.message))?;
            sigstore_verify::crypto::VerificationKey::from_spki(&der)
                .map_err(|e| AppError::invalid("Public key", format!("unsupported key: {e}")))?;
            row.kind = "key".into();
            row.public_key_pem = Some(der.to_pem());
            row.key_id = Some(engine::key_id(&der));
        }
        OverrideSigner::Keyless { identity, issuer, trusted_root } => {
            let id = crate::ssr::policy::identities::check_identity(state, &identity, &issuer, &trusted_root).await?;
            row.kind = "keyless".into();
            row.identity = Some(id.identity);
            row.issuer = Some(id.issuer);
            row.trusted_root = Some(id.trusted_root);
        }
    }
    state.db.insert_signer_override(&row).await?;
    let detail = format!(
        "{} signer={} expires={} reason={}",
        repo.name,
        row.signer(),
        crate::ssr::clock::rfc3339(row.expires_at),
        row.reason
    );
    AuditEvent::new(actor, "policy.override_added").about(&row.org_id, &row.id).detail(&detail).log(state).await?;
    Ok(row)
}

/// Revokes an override in force (audited): its signer is refused for the repository from now on.
pub async fn revoke(state: &AppState, actor: &str, id: &str) -> Result<SignerOverrideRow, AppError> {
    let id = SignerOverrideId::parse(id.trim()).map_err(|e| AppError::invalid("Override", e))?;
    let row = state.db.signer_override(id.as_str()).await?.ok_or_else(|| AppError::not_found("Override"))?;
    if !state.db.revoke_signer_override(&row.id, actor, state.now_ms()).await? {
        return Err(AppError::new(
            ErrorCode::Conflict,
            format!("override {} is already {}", row.id, state_of(&row, state.now_ms()).as_str()),
        ));
    }
    AuditEvent::new(actor, "policy.override_revoked")
        .about(&row.org_id, &row.id)
        .detail(&format!("signer={}", row.signer()))
        .log(state)
        .await?;
    Ok(row)
}

fn state_of(row: &SignerOverrideRow, now: i64) -> OverrideState {
    OverrideState::at(now, row.expires_at, row.revoked_at)
}

/// The overrides, newest first, as signature status shows them.
pub async fn views(state: &AppState) -> Result<Vec<OverrideView>, AppError> {
    let rows = state.db.signer_overrides(LISTED).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let tenants: HashMap<String, String> = state.db.tenants().await?.into_iter().map(|t| (t.id, t.slug)).collect();
    let repos: HashMap<String, String> = state.db.repos(None).await?.into_iter().map(|r| (r.id, r.name)).collect();
    let now = state.now_ms();
    Ok(rows
        .into_iter()
        .map(|r| OverrideView {
            tenant: tenants.get(&r.org_id).cloned().unwrap_or_default(),
            repo: repos.get(&r.repo_id).cloned().unwrap_or_default(),
            signer: r.signer(),
            state: state_of(&r, now),
            id: r.id,
            reason: r.reason,
            expires_at: r.expires_at,
            created_by: r.created_by,
            created_at: r.created_at,
            revoked_by: r.revoked_by,
        })
        .collect())
}
