//! Users: operator admins manage everyone; tenant admins manage their own tenant's users.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::{AppError, OrgKind, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A user as listed (never the password hash).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// Organisation name.
    pub org_name: String,
    /// Organisation kind (which roles fit).
    pub org_kind: OrgKind,
    /// End of access (auditors).
    pub expires_at: Option<i64>,
}

/// Users the caller may see: all for operator admins, the own tenant's for tenant admins.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::ssr::error::log_internal;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageUsers).await?;
    let scope = (p.role == Role::TenantAdmin).then_some(p.org_id.as_str());
    let rows = state.db.users(scope).await?;
    rows.into_iter()
        .map(|l| {
            Ok(UserSummary {
                role: Role::parse(&l.user.role).map_err(log_internal)?,
                org_kind: OrgKind::parse(&l.org_kind).map_err(log_internal)?,
                org_name: l.org_name,
                id: l.user.id,
                email: l.user.email,
                name: l.user.name,
                org_id: l.user.org_id,
                expires_at: l.user.expires_at,
            })
        })
        .collect()
}

/// Creates a user. Operator admins may create operator-side users and tenant
/// users for any tenant (`tenant_slug`); tenant admins only tenant users in
/// their own tenant. Auditors join through an engagement's invitation instead.
#[server(endpoint = "create_user")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    password: String,
    #[server(default)] tenant_slug: String,
) -> Result<UserSummary, AppError> {
    use crate::ssr::identity::accounts::{NewUser, create_user as create};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageUsers).await?;
    let role = Role::parse(&role).map_err(|e| AppError::invalid("Role", e))?;
    // Tenant admins create users only in their own tenant; operator admins anywhere.
    let own_slug;
    let org_slug = match (p.role, role.org_kind()) {
        (Role::TenantAdmin, OrgKind::Operator) => return Err(AppError::forbidden()),
        (Role::TenantAdmin, OrgKind::Tenant) | (_, OrgKind::Operator) => {
            own_slug = state.db.org(&p.org_id).await?.ok_or_else(AppError::internal)?.slug;
            own_slug.as_str()
        }
        (_, OrgKind::Tenant) if tenant_slug.trim().is_empty() => {
            return Err(AppError::invalid("Tenant", "choose the tenant this user belongs to"));
        }
        (_, OrgKind::Tenant) => tenant_slug.as_str(),
    };
    let row = create(&state, &p.email, NewUser { email: &email, name: &name, role, password, org_slug }).await?;
    let expires_at = row.expires_at;
    let org = state.db.org(&row.org_id).await?.ok_or_else(AppError::internal)?;
    Ok(UserSummary {
        id: row.id,
        email: row.email,
        name: row.name,
        role,
        org_id: row.org_id,
        org_name: org.name,
        org_kind: role.org_kind(),
        expires_at,
    })
}

/// Changes a user's role (operator admins: anyone; tenant admins: their own
/// tenant's users). The user's sessions end so the new role applies at once.
#[server(endpoint = "set_user_role")]
pub async fn set_user_role(user_id: String, role: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageUsers).await?;
    let role = Role::parse(&role).map_err(|e| AppError::invalid("Role", e))?;
    crate::ssr::identity::accounts::change_role(&state, &p, &user_id, role).await?;
    Ok(())
}
