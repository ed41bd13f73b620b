//! Who may sign policy bundles, and the one signature check every path shares
//! (uploads, release packs, publishing, drills).
//!
//! The org-wide signers are the organisation's policy-signing keys (the
//! operator's signing keys, each within its validity window) and the org
//! workflow's keyless identities (each on its trusted root). A repository
//! may also have overrides in force: one more key or identity for that
//! repository only, until it expires. Org signers are tried first, so a
//! bundle both would accept is recorded as signed by the org. An empty
//! `policy.sig` is refused before any signer is consulted: nothing makes an
//! unsigned bundle acceptable.

use crate::domain::AppError;
use crate::domain::policy_signers::PolicySignerKind;
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::{SignerOverrideRow, SigningKeyRow};
use crate::ssr::verification::dsse::AttestationPolicy;
use crate::ssr::verification::engine::{self, BundlePolicy, Subject};
use crate::ssr::verification::trust::{check_window, trusted_root};
use sigstore_verify::trust_root::TrustedRoot;
use std::sync::Arc;

/// A key that may sign policy bundles.
#[derive(Debug, Clone)]
pub struct KeySigner {
    /// How the signer is recorded: `policy-2026 (sha256:…)`.
    pub label: String,
    /// PEM public key.
    pub pem: String,
    /// Org key or override.
    pub kind: PolicySignerKind,
    /// The override that allows it.
    pub override_id: Option<String>,
}

/// A keyless identity that may sign policy bundles.
#[derive(Clone)]
pub struct IdentitySigner {
    /// Certificate identity (SAN).
    pub identity: String,
    /// OIDC issuer.
    pub issuer: String,
    /// The trusted root's name.
    pub root_name: String,
    /// The trusted root, parsed.
    pub root: Arc<TrustedRoot>,
    /// Org workflow or override.
    pub kind: PolicySignerKind,
    /// The override that allows it.
    pub override_id: Option<String>,
}

impl std::fmt::Debug for IdentitySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySigner").field("identity", &self.identity).field("root", &self.root_name).finish()
    }
}

/// Everyone who may sign policy bundles (for one repository, with its overrides), now.
#[derive(Debug, Clone, Default)]
pub struct PolicyTrust {
    /// Keys: org keys first, then overrides.
    pub keys: Vec<KeySigner>,
    /// Keyless identities: org workflow first, then overrides.
    pub identities: Vec<IdentitySigner>,
    /// Published org policy versions, `(version, sha256)`: how a pack's bundle finds its version.
    pub releases: Vec<(i64, String)>,
}

/// Who signed a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBy {
    /// `policy-2026 (sha256:…)`, `keyless IDENTITY (ISSUER)`, `override pso_…: …`.
    pub signer: String,
    /// Org key, org workflow or override.
    pub kind: PolicySignerKind,
    /// The override that allowed it.
    pub override_id: Option<String>,
}

/// Why a bundle's signature was refused: a reason code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `unsigned`, `no_policy_keys`, `signature_mismatch`.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal { code, message: message.into() }
}

impl PolicyTrust {
    /// Who signed `bundle` with `signature` (`policy.sig`: a cosign base64
    /// signature, or a Sigstore bundle's JSON), or why nobody did.
    pub fn check(&self, bundle: &[u8], signature: &str) -> Result<SignedBy, Refusal> {
        let signature = signature.trim();
        if signature.is_empty() {
            return Err(refuse("unsigned", "policy.sig is empty: unsigned bundles are never accepted"));
        }
        let subject = Subject::Bytes(bundle);
        if signature.starts_with('{') {
            return self.check_sigstore_bundle(signature, subject);
        }
        if self.keys.is_empty() {
            return Err(refuse("no_policy_keys", "no policy-signing key is valid now; ask security to add one"));
        }
        self.keys.iter().find(|k| engine::verify_blob(&k.pem, signature, subject).is_ok()).map(key_signed).ok_or_else(
            || {
                refuse(
                    "signature_mismatch",
                    format!("policy.sig verifies with none of the {} valid policy-signing keys", self.keys.len()),
                )
            },
        )
    }

    /// A Sigstore bundle: keyless with one of the identities, or a managed-key
    /// bundle (logged in public-good Rekor) with one of the keys.
    fn check_sigstore_bundle(&self, json: &str, subject: Subject<'_>) -> Result<SignedBy, Refusal> {
        let none = AttestationPolicy::default();
        // Only identities the certificate names can verify: the others are skipped, not tried.
        let claim = claimed_identity(json);
        let candidates = self.identities.iter().filter(|id| {
            claim.as_ref().is_none_or(|(identity, issuer)| *identity == id.identity && *issuer == id.issuer)
        });
        for id in candidates {
            let policy = BundlePolicy::Keyless { identity: id.identity.clone(), issuer: id.issuer.clone() };
            if engine::verify_bundle(&id.root, json, subject, &policy, &none).is_ok() {
                let what = format!("keyless {} ({})", id.identity, id.issuer);
                return Ok(SignedBy {
                    signer: labelled(what, id.override_id.as_deref()),
                    kind: id.kind,
                    override_id: id.override_id.clone(),
                });
            }
        }
        if !self.keys.is_empty() {
            let root = engine::public_good_root().map_err(|e| refuse("trust_root_invalid", e.message))?;
            for k in &self.keys {
                let policy = BundlePolicy::Key { pem: k.pem.clone() };
                if engine::verify_bundle(&root, json, subject, &policy, &none).is_ok() {
                    return Ok(key_signed(k));
                }
            }
        }
        Err(refuse(
            "signature_mismatch",
            format!(
                "the Sigstore bundle verifies with none of the {} policy-signing keys and {} keyless identities",
                self.keys.len(),
                self.identities.len()
            ),
        ))
    }

    /// The published org policy version whose bundle has this SHA-256.
    pub fn release_version(&self, sha256: &str) -> Option<i64> {
        self.releases.iter().find(|(_, s)| s == sha256).map(|(v, _)| *v)
    }
}

/// The identity and issuer a keyless bundle's certificate names, read but not
/// verified: used only to skip identities that cannot match (the verifier
/// checks the claim). `None` when there is no readable certificate.
fn claimed_identity(json: &str) -> Option<(String, String)> {
    let bundle = sigstore_verify::types::Bundle::from_json(json).ok()?;
    let info = sigstore_verify::crypto::x509::parse_certificate_info(bundle.signing_certificate()?).ok()?;
    Some((info.identity?.as_str().to_owned(), info.issuer?))
}

fn key_signed(k: &KeySigner) -> SignedBy {
    SignedBy {
        signer: labelled(k.label.clone(), k.override_id.as_deref()),
        kind: k.kind,
        override_id: k.override_id.clone(),
    }
}

fn labelled(what: String, override_id: Option<&str>) -> String {
    match override_id {
        Some(id) => format!("override {id}: {what}"),
        None => what,
    }
}

/// The operator organisation's id: it owns the policy-signing keys and the drill repository.
pub async fn operator_id(state: &AppState) -> Result<String, AppError> {
    Ok(state.db.operator_org().await?.ok_or_else(AppError::internal)?.id)
}

/// The organisation's policy-signing keys: the operator's signing keys.
pub async fn policy_keys(state: &AppState) -> Result<Vec<SigningKeyRow>, AppError> {
    Ok(state.db.signing_keys(&operator_id(state).await?).await?)
}

/// The org-wide signers in force now (no overrides), with the published versions.
pub async fn org_trust(state: &AppState) -> Result<PolicyTrust, AppError> {
    let now = state.now_ms();
    let keys = policy_keys(state)
        .await?
        .into_iter()
        .filter(|k| check_window(k, now).is_ok())
        .map(|k| KeySigner {
            label: format!("{} ({})", k.name, k.key_id),
            pem: k.public_key_pem,
            kind: PolicySignerKind::OrgKey,
            override_id: None,
        })
        .collect();
    let mut identities = Vec::new();
    for s in state.db.keyless_signers().await? {
        match trusted_root(state, Some(&s.trusted_root)).await {
            Ok(root) => identities.push(IdentitySigner {
                identity: s.identity,
                issuer: s.issuer,
                root_name: s.trusted_root,
                root,
                kind: PolicySignerKind::OrgWorkflow,
                override_id: None,
            }),
            // A signer whose root is gone cannot verify anything: it is skipped, never trusted blindly.
            Err(_) => {
                tracing::warn!(identity = %s.identity, root = %s.trusted_root, "keyless signer's root is missing")
            }
        }
    }
    let releases = state.db.policy_releases().await?.into_iter().map(|r| (r.version, r.sha256)).collect();
    Ok(PolicyTrust { keys, identities, releases })
}

/// The signers for `repo` of `org_id`: the org's, then the repository's overrides in force.
pub async fn repo_trust(state: &AppState, org_id: &str, repo: &str) -> Result<PolicyTrust, AppError> {
    let mut trust = org_trust(state).await?;
    let Some(row) = state.db.repo(org_id, repo).await? else { return Ok(trust) };
    for o in state.db.active_overrides(&row.id, state.now_ms()).await? {
        add_override(state, &mut trust, o).await.map_err(log_internal)?;
    }
    Ok(trust)
}

async fn add_override(state: &AppState, trust: &mut PolicyTrust, o: SignerOverrideRow) -> Result<(), String> {
    match (o.kind.as_str(), o.public_key_pem, o.key_id) {
        ("key", Some(pem), Some(key_id)) => trust.keys.push(KeySigner {
            label: format!("key {key_id}"),
            pem,
            kind: PolicySignerKind::Override,
            override_id: Some(o.id),
        }),
        _ => {
            let (Some(identity), Some(issuer), Some(root_name)) = (o.identity, o.issuer, o.trusted_root) else {
                return Err(format!("override {} is neither a key nor a complete identity", o.id));
            };
            match trusted_root(state, Some(&root_name)).await {
                Ok(root) => trust.identities.push(IdentitySigner {
                    identity,
                    issuer,
                    root_name,
                    root,
                    kind: PolicySignerKind::Override,
                    override_id: Some(o.id),
                }),
                Err(_) => tracing::warn!(id = %o.id, root = %root_name, "override's trusted root is missing"),
            }
        }
    }
    Ok(())
}
