//! Users: operator admins manage everyone; tenant admins manage their own tenant's users.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::{AppError, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A user as listed (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// `usr_…` id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    pub org_id: String,
    /// End of access (auditors).
    pub expires_at: Option<i64>,
}

/// Users the caller may see: all for operator admins, the own tenant's for tenant admins.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::ssr::auth::log_internal;
    let (state, p) = crate::ssr::auth::require_role(&[Role::OperatorAdmin, Role::TenantAdmin]).await?;
    let scope = (p.role == Role::TenantAdmin).then_some(p.org_id.as_str());
    let rows = state.db.users(scope).await.map_err(log_internal)?;
    rows.into_iter()
        .map(|u| {
            Ok(UserSummary {
                role: Role::parse(&u.role).map_err(log_internal)?,
                id: u.id,
                email: u.email,
                name: u.name,
                org_id: u.org_id,
                expires_at: u.expires_at,
            })
        })
        .collect()
}

/// Creates a user. Operator admins may create operator-side users (including
/// auditors, who need `expires_in_days`) and tenant users for any tenant
/// (`tenant_slug`); tenant admins only tenant users in their own tenant.
#[server(endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    password: String,
    #[server(default)] tenant_slug: String,
    #[server(default)] expires_in_days: String,
) -> Result<UserSummary, AppError> {
    use crate::domain::OrgKind;
    use crate::ssr::accounts::{NewUser, create_user as create};
    let (state, p) = crate::ssr::auth::require_role(&[Role::OperatorAdmin, Role::TenantAdmin]).await?;
    let role = Role::parse(&role).map_err(|e| AppError::invalid("Role", e))?;
    // Tenant admins create users only in their own tenant; operator admins anywhere.
    let own_slug;
    let org_slug = match (p.role, role.org_kind()) {
        (Role::TenantAdmin, OrgKind::Operator) => return Err(AppError::forbidden()),
        (Role::TenantAdmin, OrgKind::Tenant) | (_, OrgKind::Operator) => {
            own_slug = state
                .db
                .org(&p.org_id)
                .await
                .map_err(crate::ssr::auth::log_internal)?
                .ok_or_else(AppError::internal)?
                .slug;
            own_slug.as_str()
        }
        (_, OrgKind::Tenant) if tenant_slug.trim().is_empty() => {
            return Err(AppError::invalid("Tenant", "choose the tenant this user belongs to"));
        }
        (_, OrgKind::Tenant) => tenant_slug.as_str(),
    };
    let expires_in_days = if expires_in_days.trim().is_empty() {
        None
    } else {
        Some(
            expires_in_days
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("Access expires in (days)", "must be a whole number"))?,
        )
    };
    let row =
        create(&state, &p.email, NewUser { email: &email, name: &name, role, password, org_slug, expires_in_days })
            .await?;
    let expires_at = row.expires_at;
    Ok(UserSummary { id: row.id, email: row.email, name: row.name, role, org_id: row.org_id, expires_at })
}
