//! Who may sign policy bundles, from the signature status page: the org
//! workflow's keyless identities (security and operator admins) and
//! per-repository signer overrides (security only).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]
#![allow(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::domain::AppError;
use leptos::prelude::*;

/// Adds an org workflow identity (an empty trusted root is `public-good`).
#[server(endpoint = "add_org_identity")]
pub async fn add_org_identity(
    identity: String,
    issuer: String,
    #[server(default)] trusted_root: String,
) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManagePolicyRollout).await?;
    crate::ssr::policy::identities::add(&state, &p.email, &identity, &issuer, &trusted_root).await.map(|_| ())
}

/// Removes an org workflow identity by id: bundles it signs are refused from now on.
#[server(endpoint = "remove_org_identity")]
pub async fn remove_org_identity(id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManagePolicyRollout).await?;
    crate::domain::ids::KeylessSignerId::parse(id.trim()).map_err(|e| AppError::invalid("Identity", e))?;
    crate::ssr::policy::identities::remove(&state, &p.email, &id).await.map(|_| ())
}

/// Allows one more signer for one repository (security only): `kind` is
/// `key` (with `public_key`, PEM) or `keyless` (with `identity`, `issuer` and
/// an optional `trusted_root`), with a reason, for 1 to 90 days.
#[server(endpoint = "allow_signer_override")]
pub async fn allow_signer_override(
    repo: String,
    kind: String,
    #[server(default)] public_key: String,
    #[server(default)] identity: String,
    #[server(default)] issuer: String,
    #[server(default)] trusted_root: String,
    reason: String,
    expires_in_days: String,
) -> Result<String, AppError> {
    use crate::ssr::policy::overrides::{NewOverride, OverrideSigner};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageSignerOverrides).await?;
    let days = expires_in_days
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("Expires in", format!("'{expires_in_days}' is not a whole number of days")))?;
    let signer = match kind.trim() {
        "key" => OverrideSigner::Key { pem: public_key },
        "keyless" => OverrideSigner::Keyless { identity, issuer, trusted_root },
        other => return Err(AppError::invalid("Signer", format!("'{other}': choose key or keyless"))),
    };
    let row =
        crate::ssr::policy::overrides::allow(&state, &p.email, NewOverride { repo, signer, reason, days }).await?;
    Ok(row.id)
}

/// Revokes a signer override before its expiry (security only).
#[server(endpoint = "revoke_signer_override")]
pub async fn revoke_signer_override(id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageSignerOverrides).await?;
    crate::ssr::policy::overrides::revoke(&state, &p.email, &id).await.map(|_| ())
}
