//! Trust material as data: resolving the keys, policies and trusted roots a
//! verification names, with validity windows enforced, and adding or revoking
//! them (audited). Used by the Attestation API, the portal and the CLI.

use crate::domain::ids::{PolicyId, SigningKeyId, TrustedRootId};
use crate::domain::text::Slug;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::audit::AuditEvent;
use crate::ssr::state::AppState;
use crate::ssr::store::{PolicyRow, SigningKeyRow, StoreError, TrustedRootRow};
use crate::ssr::verification::engine::{self, Reason, VerificationError, fail};
use sigstore_verify::trust_root::TrustedRoot;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Name of the Sigstore public-good root shipped with the binary.
pub const PUBLIC_GOOD: &str = "public-good";
/// The keyless rotation drill's throwaway Sigstore root, replaced every run
/// (reserved: no operator may add a root by this name).
pub const DRILL_ROOT: &str = "drill-sigstore";

/// Parsed trusted roots by name and content hash (a replaced root is re-parsed).
#[derive(Debug, Default)]
pub struct RootCache {
    parsed: Mutex<HashMap<String, (String, Arc<TrustedRoot>)>>,
}

static PUBLIC_GOOD_ROOT: LazyLock<Result<Arc<TrustedRoot>, VerificationError>> =
    LazyLock::new(|| engine::public_good_root().map(Arc::new));

/// Where a validity window puts a key at `now`: `Ok` inside it.
pub fn check_window(key: &SigningKeyRow, now_ms: i64) -> Result<(), VerificationError> {
    if key.revoked_at.is_some_and(|t| t <= now_ms) {
        return Err(fail(
            Reason::KeyRevoked,
            format!("key '{}' was revoked at {}", key.name, crate::ssr::clock::rfc3339(key.revoked_at.unwrap_or(0))),
        ));
    }
    if now_ms < key.not_before {
        return Err(fail(
            Reason::KeyOutsideValidity,
            format!("key '{}' is not valid before {}", key.name, crate::ssr::clock::rfc3339(key.not_before)),
        ));
    }
    if let Some(end) = key.not_after
        && end <= now_ms
    {
        return Err(fail(
            Reason::KeyOutsideValidity,
            format!("key '{}' expired at {}", key.name, crate::ssr::clock::rfc3339(end)),
        ));
    }
    Ok(())
}

fn unknown(what: &str, name: &str) -> VerificationError {
    fail(Reason::UnknownTrustMaterial, format!("this tenant has no {what} named '{name}'"))
}

/// A tenant's stored key by name or id, checked against its window.
pub async fn stored_key(state: &AppState, org_id: &str, name: &str) -> Result<SigningKeyRow, Rejection> {
    let key = state.db.signing_key(org_id, name).await.map_err(internal)?.ok_or_else(|| unknown("key", name))?;
    check_window(&key, state.now_ms())?;
    Ok(key)
}

/// Refuses an inline PEM key that the tenant stored and then revoked or let
/// expire: pasting the key does not bypass its window, in any encoding (key
/// ids are canonical, see [`canonicalize_stored_keys`]).
pub async fn check_inline_key(state: &AppState, org_id: &str, pem: &str) -> Result<(), Rejection> {
    let Ok(der) = engine::parse_key(pem) else {
        return Ok(()); // the verifier reports the malformed key
    };
    let stored = state.db.signing_keys_by_key_id(org_id, &engine::key_id(&der)).await.map_err(internal)?;
    let now = state.now_ms();
    let windows: Vec<_> = stored.iter().map(|k| check_window(k, now)).collect();
    if windows.iter().any(Result::is_ok) {
        return Ok(());
    }
    match windows.into_iter().find_map(Result::err) {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// Re-encodes stored signing keys written before key ids were canonical, so
/// the indexed lookup by key id finds a key in any spelling. Runs at start;
/// rows already canonical are left alone. Returns how many changed.
pub async fn canonicalize_stored_keys(db: &crate::ssr::store::Db) -> Result<usize, StoreError> {
    let mut changed = 0;
    for k in db.all_signing_keys().await? {
        let Ok(der) = engine::parse_key(&k.public_key_pem) else { continue };
        let (pem, id) = (der.to_pem(), engine::key_id(&der));
        if id != k.key_id || pem != k.public_key_pem {
            db.set_signing_key_encoding(&k.id, &pem, &id).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// A tenant's named policy.
pub async fn stored_policy(state: &AppState, org_id: &str, name: &str) -> Result<PolicyRow, Rejection> {
    Ok(state.db.policy(org_id, name).await.map_err(internal)?.ok_or_else(|| unknown("policy", name))?)
}

/// A trusted root by name (`public-good` or one an admin added).
pub async fn trusted_root(state: &AppState, name: Option<&str>) -> Result<Arc<TrustedRoot>, Rejection> {
    let name = name.unwrap_or(PUBLIC_GOOD);
    if name == PUBLIC_GOOD {
        return Ok(PUBLIC_GOOD_ROOT.as_ref().map_err(Clone::clone)?.clone());
    }
    let row = state.db.trusted_root(name).await.map_err(internal)?.ok_or_else(|| unknown("trusted root", name))?;
    let cache = &state.roots;
    if let Some((sha, root)) = cache.parsed.lock().map_err(|_| internal_msg())?.get(name)
        && *sha == row.sha256
    {
        return Ok(root.clone());
    }
    let root = Arc::new(engine::trusted_root_from_json(&row.root_json)?);
    cache.parsed.lock().map_err(|_| internal_msg())?.insert(name.to_owned(), (row.sha256, root.clone()));
    Ok(root)
}

/// Why trust material could not be resolved: a verification failure (422) or
/// a server fault.
#[derive(Debug)]
pub enum Rejection {
    /// The request names material that does not verify (unknown, revoked…).
    Failed(VerificationError),
    /// The database failed.
    Internal(AppError),
}

impl From<VerificationError> for Rejection {
    fn from(e: VerificationError) -> Self {
        Self::Failed(e)
    }
}

fn internal(e: StoreError) -> Rejection {
    Rejection::Internal(e.into())
}

fn internal_msg() -> Rejection {
    Rejection::Internal(AppError::internal())
}

/// A new signing key for a tenant, as given from outside.
#[derive(Debug, Clone)]
pub struct NewSigningKey<'a> {
    /// Name (a slug: lower-case letters, digits, dashes).
    pub name: &'a str,
    /// PEM public key.
    pub pem: &'a str,
    /// Valid from (ms); default now.
    pub not_before: Option<i64>,
    /// Valid until (ms); default unbounded.
    pub not_after: Option<i64>,
}

/// Stores a tenant's signing key (audited).
pub async fn add_signing_key(
    state: &AppState,
    actor: &str,
    org_id: &str,
    k: NewSigningKey<'_>,
) -> Result<SigningKeyRow, AppError> {
    let name = Slug::parse(k.name).map_err(|e| AppError::invalid("Name", e))?;
    let der = engine::parse_key(k.pem).map_err(|e| AppError::invalid("Public key", e.message))?;
    sigstore_verify::crypto::VerificationKey::from_spki(&der)
        .map_err(|e| AppError::invalid("Public key", format!("unsupported key: {e}")))?;
    let now = state.now_ms();
    let not_before = k.not_before.unwrap_or(now);
    if k.not_after.is_some_and(|end| end <= not_before) {
        return Err(AppError::invalid("Not after", "must be later than not-before"));
    }
    let row = SigningKeyRow {
        id: state.new_id(SigningKeyId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        name: name.as_str().to_owned(),
        public_key_pem: der.to_pem(),
        key_id: engine::key_id(&der),
        not_before,
        not_after: k.not_after,
        revoked_at: None,
        created_at: now,
    };
    match state.db.insert_signing_key(&row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("Name: a key named '{}' exists.", row.name)));
        }
        other => other?,
    }
    let detail = format!("name={} key_id={}", row.name, row.key_id);
    AuditEvent::new(actor, "signing_key.added").about(org_id, &row.id).detail(&detail).log(state).await?;
    Ok(row)
}

/// Revokes a tenant's signing key (audited); verifications made before keep their results.
pub async fn revoke_signing_key(state: &AppState, actor: &str, org_id: &str, id: &str) -> Result<(), AppError> {
    if !state.db.revoke_signing_key(org_id, id, state.now_ms()).await? {
        return Err(AppError::not_found("Signing key"));
    }
    AuditEvent::new(actor, "signing_key.revoked").about(org_id, id).log(state).await?;
    Ok(())
}

/// Stores a tenant's named policy (audited). A policy has at least one rule;
/// a keyless policy needs both identity and issuer; a named root must exist.
pub async fn add_policy(state: &AppState, actor: &str, mut p: PolicyRow) -> Result<PolicyRow, AppError> {
    let name = Slug::parse(&p.name).map_err(|e| AppError::invalid("Name", e))?;
    p.name = name.as_str().to_owned();
    p.rules = p.rules.without_blanks();
    if p.rules.identity.is_some() != p.rules.issuer.is_some() {
        return Err(AppError::invalid(
            "Identity",
            "a keyless policy needs both a certificate identity and an OIDC issuer",
        ));
    }
    if !p.rules.constrains() {
        return Err(AppError::invalid(
            "Policy",
            "a policy needs at least one rule: a keyless signer (identity + issuer), a predicate type, \
             a builder id, a source repository or a source ref (a trusted root alone constrains nothing)",
        ));
    }
    if let Some(root) = p.rules.trusted_root.as_deref()
        && root != PUBLIC_GOOD
        && state.db.trusted_root(root).await?.is_none()
    {
        return Err(AppError::invalid("Trusted root", format!("no trusted root named '{root}'")));
    }
    p.id = state.new_id(PolicyId::from_parts).to_string();
    p.created_at = state.now_ms();
    match state.db.insert_policy(&p).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("Name: a policy named '{}' exists.", p.name)));
        }
        other => other?,
    }
    AuditEvent::new(actor, "policy.added")
        .about(&p.org_id, &p.id)
        .detail(&format!("name={}", p.name))
        .log(state)
        .await?;
    Ok(p)
}

/// Adds a trusted root (operator admins; audited). The JSON must parse.
pub async fn add_trusted_root(
    state: &AppState,
    actor: &str,
    name: &str,
    json: &str,
) -> Result<TrustedRootRow, AppError> {
    use sha2::{Digest, Sha256};
    let name = Slug::parse(name).map_err(|e| AppError::invalid("Name", e))?;
    if name.as_str() == PUBLIC_GOOD {
        return Err(AppError::invalid("Name", "public-good is the built-in root"));
    }
    if name.as_str() == DRILL_ROOT {
        return Err(AppError::invalid("Name", format!("{DRILL_ROOT} is the keyless rotation drill's own root")));
    }
    engine::trusted_root_from_json(json).map_err(|e| AppError::invalid("Trusted root", e.message))?;
    let row = TrustedRootRow {
        id: state.new_id(TrustedRootId::from_parts).to_string(),
        name: name.as_str().to_owned(),
        root_json: json.to_owned(),
        sha256: hex::encode(Sha256::digest(json.as_bytes())),
        created_at: state.now_ms(),
    };
    match state.db.insert_trusted_root(&row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("Name: a root named '{}' exists.", row.name)));
        }
        other => other?,
    }
    let operator = state.db.operator_org().await?.map(|o| o.id);
    let detail = format!("name={} sha256={}", row.name, row.sha256);
    let mut event = AuditEvent::new(actor, "trusted_root.added").detail(&detail);
    if let Some(op) = operator.as_deref() {
        event = event.about(op, &row.id);
    }
    event.log(state).await?;
    Ok(row)
}
