//! Demo data: an operator with one user per operator role, and two tenants on
//! different plans with their admins and a member. Idempotent.

use app::domain::{AppError, OrgKind, Role};
use app::ssr::AppState;
use app::ssr::accounts::{NewUser, create_org, create_user};
use serde::Serialize;

/// The password of every demo account (printed by `make run`).
pub const DEMO_PASSWORD: &str = "demo-password-123";

/// One demo login.
#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    /// E-mail.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Organisation slug.
    pub org: &'static str,
}

/// Every demo login.
pub const LOGINS: &[DemoLogin] = &[
    DemoLogin { email: "admin@operator.demo", name: "Olivia Operator", role: Role::OperatorAdmin, org: "topicality" },
    DemoLogin { email: "security@operator.demo", name: "Sam Security", role: Role::Security, org: "topicality" },
    DemoLogin { email: "finance@operator.demo", name: "Fiona Finance", role: Role::Finance, org: "topicality" },
    DemoLogin { email: "auditor@audit.demo", name: "Aditya Auditor", role: Role::Auditor, org: "topicality" },
    DemoLogin { email: "admin@acme.demo", name: "Alex Acme", role: Role::TenantAdmin, org: "acme-robotics" },
    DemoLogin { email: "member@acme.demo", name: "Mia Member", role: Role::TenantMember, org: "acme-robotics" },
    DemoLogin { email: "admin@globex.demo", name: "Gabriel Globex", role: Role::TenantAdmin, org: "globex" },
];

/// Seeds the demo data unless the operator organisation exists. Returns whether it seeded.
pub async fn seed(state: &AppState) -> Result<bool, AppError> {
    if state.db.operator_org().await.map_err(app::ssr::auth::log_internal)?.is_some() {
        return Ok(false);
    }
    let actor = "demo-seed";
    create_org(state, actor, OrgKind::Operator, "Topicality", "topicality", None).await?;
    create_org(state, actor, OrgKind::Tenant, "Acme Robotics", "acme-robotics", Some("pro")).await?;
    create_org(state, actor, OrgKind::Tenant, "Globex", "globex", Some("starter")).await?;
    for login in LOGINS {
        create_user(
            state,
            actor,
            NewUser {
                email: login.email,
                name: login.name,
                role: login.role,
                password: DEMO_PASSWORD.to_owned(),
                org_slug: login.org,
                expires_in_days: (login.role == Role::Auditor).then_some(30),
            },
        )
        .await?;
    }
    Ok(true)
}
