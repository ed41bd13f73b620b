//! Tenants: list (operator staff and auditors), create, change plan, suspend (operator admins).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::{AppError, Plan};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A tenant as listed.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSummary {
    /// `org_…` id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Unique handle.
    pub slug: String,
    /// Price plan.
    pub plan: Plan,
    /// Creation time (ms).
    pub created_at: i64,
    /// Suspension time, if suspended.
    pub suspended_at: Option<i64>,
    /// Active plan features and why paid ones are off.
    pub entitlements: crate::domain::entitlements::Entitlements,
}

#[cfg(feature = "ssr")]
async fn summary(
    state: &crate::ssr::AppState,
    actor: &str,
    row: crate::ssr::store::OrgRow,
) -> Result<TenantSummary, AppError> {
    let plan = Plan::parse(row.plan.as_deref().unwrap_or("starter")).map_err(crate::ssr::error::log_internal)?;
    let entitlements = crate::ssr::billing::entitlements::current(state, &row, actor).await?;
    Ok(TenantSummary {
        entitlements,
        id: row.id,
        name: row.name,
        slug: row.slug,
        plan,
        created_at: row.created_at,
        suspended_at: row.suspended_at,
    })
}

/// All tenants (operator admins, security, finance); an auditor's engagement's tenants (logged).
#[server(endpoint = "list_tenants")]
pub async fn list_tenants() -> Result<Vec<TenantSummary>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ListTenants).await?;
    let rows = state.db.tenants().await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in rows.into_iter().filter(|r| p.sees().tenant(&r.id)) {
        list.push(summary(&state, "system", row).await?);
    }
    crate::ssr::audit_kit::access::viewed(&state, p.viewer(), "tenants", list).await
}

/// Creates a tenant (operator admins).
#[server(endpoint = "create_tenant")]
pub async fn create_tenant(name: String, slug: String, plan: String) -> Result<TenantSummary, AppError> {
    use crate::domain::OrgKind;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenants).await?;
    let row = crate::ssr::identity::accounts::create_org(&state, &p.email, OrgKind::Tenant, &name, &slug, Some(&plan))
        .await?;
    summary(&state, &p.email, row).await
}

/// Changes a tenant's plan (operator admins).
#[server(endpoint = "set_tenant_plan")]
pub async fn set_tenant_plan(tenant_id: String, plan: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenants).await?;
    let plan = Plan::parse(&plan).map_err(|e| AppError::invalid("Plan", e))?;
    crate::ssr::identity::accounts::set_plan(&state, &p.email, &tenant_id, plan).await
}

/// Suspends (`suspend = "true"`) or reactivates a tenant (operator admins).
/// A suspended tenant's users cannot log in and its API keys stop working.
#[server(endpoint = "set_tenant_suspended")]
pub async fn set_tenant_suspended(tenant_id: String, suspend: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenants).await?;
    let suspend = match suspend.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::invalid("suspend", "must be true or false")),
    };
    crate::ssr::identity::accounts::set_suspended(&state, &p.email, &tenant_id, suspend).await
}
