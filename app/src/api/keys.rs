//! A tenant's machine API keys: list (tenant users), create and revoke (tenant admins).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An API key as listed (never the key itself).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    /// `key_…` id.
    pub id: String,
    /// Label.
    pub name: String,
    /// Visible start of the key.
    pub prefix: String,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last use (ms).
    pub last_used_at: Option<i64>,
    /// Revocation time (ms).
    pub revoked_at: Option<i64>,
    /// What the key may do.
    pub scopes: Vec<crate::domain::api_scope::ApiScope>,
}

/// A key just created: the only time its secret is shown.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    /// `key_…` id.
    pub id: String,
    /// The full key. Shown once; only its hash is stored.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub secret: crate::domain::revealed::Revealed,
}

/// Cookie carrying a new key back to a browser without JavaScript, read once by the keys page.
pub const FLASH_COOKIE: &str = "tp_new_key";

/// The caller's tenant's keys.
#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeySummary>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let rows = state.db.api_keys(&p.org_id).await?;
    Ok(rows
        .into_iter()
        .map(|k| ApiKeySummary {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
            scopes: crate::domain::api_scope::Scopes::parse(&k.scopes).map(|s| s.list().to_vec()).unwrap_or_default(),
        })
        .collect())
}

/// Creates a key for the caller's tenant and returns it once. Each scope is
/// a checkbox (present = granted). The form also sends `scopes_chosen`, and
/// then at least one scope is required; a caller that names no scope at all
/// gets the least-privileged key, `verify` + `read`.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    #[server(default)] scope_verify: Option<String>,
    #[server(default)] scope_evidence: Option<String>,
    #[server(default)] scope_admin: Option<String>,
    #[server(default)] scope_read: Option<String>,
    #[server(default)] scopes_chosen: Option<String>,
) -> Result<NewApiKey, AppError> {
    use crate::domain::api_scope::{ApiScope, Scopes};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    let chosen: Vec<ApiScope> = [
        (scope_verify, ApiScope::Verify),
        (scope_evidence, ApiScope::Evidence),
        (scope_admin, ApiScope::Admin),
        (scope_read, ApiScope::Read),
    ]
    .into_iter()
    .filter_map(|(given, scope)| given.map(|_| scope))
    .collect();
    let scopes = match (chosen.is_empty(), scopes_chosen.is_some()) {
        (true, true) => return Err(AppError::invalid("Scopes", "choose at least one thing the key may do")),
        (true, false) => Scopes::of(&[ApiScope::Verify, ApiScope::Read]),
        (false, _) => Scopes::of(&chosen),
    };
    let (row, secret) =
        crate::ssr::identity::accounts::issue_api_key(&state, &p.email, &p.user_id, &p.org_id, &name, &scopes).await?;
    if super::flash::is_plain_form_post() {
        // No JavaScript: the browser is redirected back to the page, which
        // shows the key once from this short-lived, path-scoped cookie.
        super::flash::set_flash(&state, FLASH_COOKIE, &secret, "/keys");
    }
    Ok(NewApiKey { id: row.id, secret: crate::domain::revealed::Revealed(secret) })
}

/// Revokes one of the caller's tenant's keys (404 for another tenant's key).
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(key_id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    crate::ssr::identity::accounts::revoke_api_key(&state, &p.email, &p.org_id, &key_id).await
}

/// The key created by the last no-JavaScript form post, once; clears it.
#[server(endpoint = "take_new_api_key")]
pub async fn take_new_api_key() -> Result<Option<String>, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    Ok(super::flash::take_flash(&state, FLASH_COOKIE, "/keys", crate::ssr::identity::auth::API_KEY_PREFIX))
}
