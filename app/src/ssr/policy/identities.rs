//! The org workflow's keyless identities: the certificate identity (and OIDC
//! issuer, on a trusted root) that `org.policy.sign.yml` signs with. Several
//! can be in force at once, which is how a change of workflow is rolled out:
//! add the new identity, let repositories move over, remove the old one.
//! Adding and removing are audited; a removed identity's earlier results stay.

use crate::domain::ids::KeylessSignerId;
use crate::domain::policy_signers::{OrgSignerView, PolicySignerKind};
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::store::{KeylessSignerRow, StoreError};
use crate::ssr::verification::trust::{PUBLIC_GOOD, check_window};

/// Longest identity or issuer accepted.
const MAX_LEN: usize = 512;

/// A keyless signer, checked: identity, issuer and the trusted root's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Certificate identity (SAN): a URI or an e-mail address.
    pub identity: String,
    /// OIDC issuer (an `https://` URL).
    pub issuer: String,
    /// `public-good` or a stored trusted root.
    pub trusted_root: String,
}

/// Checks a keyless signer's parts: a URI or e-mail identity, an `https://`
/// issuer, a trusted root that exists (empty: `public-good`).
pub async fn check_identity(
    state: &AppState,
    identity: &str,
    issuer: &str,
    trusted_root: &str,
) -> Result<Identity, AppError> {
    let (identity, issuer) = (identity.trim(), issuer.trim());
    let bad_text =
        |s: &str| s.is_empty() || s.len() > MAX_LEN || s.chars().any(|c| c.is_whitespace() || c.is_control());
    if bad_text(identity) || !(identity.contains("://") || identity.contains('@')) {
        return Err(AppError::invalid(
            "Identity",
            format!(
                "give the signing certificate's identity: a workflow URI or an e-mail address, at most {MAX_LEN} characters"
            ),
        ));
    }
    if bad_text(issuer) || !url::Url::parse(issuer).is_ok_and(|u| u.scheme() == "https" && u.host().is_some()) {
        return Err(AppError::invalid(
            "Issuer",
            "give the OIDC issuer's https:// URL (GitHub Actions: https://token.actions.githubusercontent.com)",
        ));
    }
    let root = match trusted_root.trim() {
        "" => PUBLIC_GOOD,
        other => other,
    };
    if root != PUBLIC_GOOD && state.db.trusted_root(root).await?.is_none() {
        return Err(AppError::invalid("Trusted root", format!("no trusted root named '{root}'")));
    }
    Ok(Identity { identity: identity.to_owned(), issuer: issuer.to_owned(), trusted_root: root.to_owned() })
}

/// Adds an org workflow identity (audited): bundles it signs verify for every repository from now on.
pub async fn add(
    state: &AppState,
    actor: &str,
    identity: &str,
    issuer: &str,
    trusted_root: &str,
) -> Result<KeylessSignerRow, AppError> {
    let id = check_identity(state, identity, issuer, trusted_root).await?;
    let row = KeylessSignerRow {
        id: state.new_id(KeylessSignerId::from_parts).to_string(),
        identity: id.identity,
        issuer: id.issuer,
        trusted_root: id.trusted_root,
        added_by: actor.to_owned(),
        added_at: state.now_ms(),
        removed_by: None,
        removed_at: None,
    };
    match state.db.insert_keyless_signer(&row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, "Identity: this identity is already an org signer."));
        }
        other => other?,
    }
    let detail = format!("{} issuer={} root={}", row.identity, row.issuer, row.trusted_root);
    AuditEvent::new(actor, "policy.identity_added").about_target(&row.id).detail(&detail).log(state).await?;
    Ok(row)
}

/// Removes an org workflow identity by id, or by identity when only one
/// matches (audited): bundles it signs are refused from now on.
pub async fn remove(state: &AppState, actor: &str, id_or_identity: &str) -> Result<KeylessSignerRow, AppError> {
    let wanted = id_or_identity.trim();
    let matches: Vec<KeylessSignerRow> =
        state.db.keyless_signers().await?.into_iter().filter(|s| s.id == wanted || s.identity == wanted).collect();
    let row = match matches.as_slice() {
        [one] => one.clone(),
        [] => return Err(AppError::not_found("Org workflow identity")),
        _ => {
            return Err(AppError::invalid(
                "Identity",
                "several org signers have this identity (other issuers or roots): give the id (pks_…)",
            ));
        }
    };
    if !state.db.remove_keyless_signer(&row.id, actor, state.now_ms()).await? {
        return Err(AppError::not_found("Org workflow identity"));
    }
    let detail = format!("{} issuer={} root={}", row.identity, row.issuer, row.trusted_root);
    AuditEvent::new(actor, "policy.identity_removed").about_target(&row.id).detail(&detail).log(state).await?;
    Ok(row)
}

/// Every org-wide signer in force now: policy keys (within their windows), then workflow identities.
pub async fn org_signers(state: &AppState) -> Result<Vec<OrgSignerView>, AppError> {
    let now = state.now_ms();
    let keys = crate::ssr::policy::signers::policy_keys(state).await?;
    let mut out: Vec<OrgSignerView> = keys
        .into_iter()
        .filter(|k| check_window(k, now).is_ok())
        .map(|k| OrgSignerView {
            kind: PolicySignerKind::OrgKey,
            id: k.id,
            name: k.name,
            detail: k.key_id,
            since: k.not_before,
            until: k.not_after,
        })
        .collect();
    out.extend(state.db.keyless_signers().await?.into_iter().map(|s| OrgSignerView {
        kind: PolicySignerKind::OrgWorkflow,
        id: s.id,
        name: s.identity,
        detail: format!("{} · trusted root {}", s.issuer, s.trusted_root),
        since: s.added_at,
        until: None,
    }));
    Ok(out)
}
