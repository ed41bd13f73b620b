//! Creating organisations and users: the one place their rules live, used by
//! server functions, the CLI and the demo seed.

use super::audit::{self, AuditEvent};
use super::auth::{hash_password, log_internal};
use super::state::AppState;
use super::store::{OrgRow, StoreError, UserRow};
use crate::domain::ids::{OrgId, UserId};
use crate::domain::text::{DisplayName, Email, Slug, check_new_password};
use crate::domain::{AppError, ErrorCode, OrgKind, Plan, Role};

/// Creates an organisation of `kind` (tenants need a plan) and records it in the audit log.
pub async fn create_org(
    state: &AppState,
    actor: &str,
    kind: OrgKind,
    name: &str,
    slug: &str,
    plan: Option<&str>,
) -> Result<OrgRow, AppError> {
    let name = DisplayName::parse(name).map_err(|e| AppError::invalid("Name", e))?;
    let slug = Slug::parse(slug).map_err(|e| AppError::invalid("Slug", e))?;
    let plan = match (kind, plan) {
        (OrgKind::Tenant, Some(p)) => Some(Plan::parse(p).map_err(|e| AppError::invalid("Plan", e))?),
        (OrgKind::Tenant, None) => return Err(AppError::invalid("Plan", "a tenant needs a plan")),
        (OrgKind::Operator, _) => None,
    };
    let row = OrgRow {
        id: state.new_id(OrgId::from_parts).to_string(),
        kind: kind.as_str().into(),
        name: name.as_str().into(),
        slug: slug.as_str().into(),
        plan: plan.map(|p| p.as_str().into()),
        created_at: state.now_ms(),
        suspended_at: None,
    };
    match state.db.insert_org(&row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("Slug: '{}' is already taken.", slug.as_str())));
        }
        other => other.map_err(log_internal)?,
    }
    let detail = format!("kind={} slug={} plan={}", row.kind, row.slug, row.plan.as_deref().unwrap_or("-"));
    audit::record(
        state,
        AuditEvent { actor, action: "org.created", org_id: Some(&row.id), target: Some(&row.id), detail: &detail },
    )
    .await
    .map_err(log_internal)?;
    Ok(row)
}

/// A user to create, as given from outside. (No `Debug`: it holds a password.)
#[derive(Clone)]
pub struct NewUser<'a> {
    /// Login e-mail.
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Role.
    pub role: Role,
    /// Initial password (checked against the policy).
    pub password: String,
    /// The organisation's slug.
    pub org_slug: &'a str,
    /// Days until access ends (required for auditors, 1-365).
    pub expires_in_days: Option<i64>,
}

/// Creates a user in the organisation named by slug; the role must fit the
/// organisation's kind. Records it in the audit log.
pub async fn create_user(state: &AppState, actor: &str, new: NewUser<'_>) -> Result<UserRow, AppError> {
    let email = Email::parse(new.email).map_err(|e| AppError::invalid("E-mail", e))?;
    let name = DisplayName::parse(new.name).map_err(|e| AppError::invalid("Name", e))?;
    check_new_password(&new.password).map_err(|e| AppError::invalid("Password", e))?;
    let org = state
        .db
        .org_by_slug(new.org_slug.trim())
        .await
        .map_err(log_internal)?
        .ok_or_else(|| AppError::not_found("Organisation"))?;
    if org.kind != new.role.org_kind().as_str() {
        return Err(AppError::invalid(
            "Role",
            format!(
                "{} belongs to a{} organisation",
                new.role.label(),
                if new.role.org_kind() == OrgKind::Tenant { " tenant" } else { "n operator" }
            ),
        ));
    }
    let expires_at = match (new.role, new.expires_in_days) {
        (Role::Auditor, Some(d)) if (1..=365).contains(&d) => Some(state.now_ms() + d * 86_400_000),
        (Role::Auditor, _) => {
            return Err(AppError::invalid("Access expires in (days)", "auditors need an expiry of 1 to 365 days"));
        }
        _ => None,
    };
    let row = UserRow {
        id: state.new_id(UserId::from_parts).to_string(),
        org_id: org.id,
        email: email.as_str().into(),
        name: name.as_str().into(),
        password_hash: hash_password(new.password).await?,
        role: new.role.as_str().into(),
        created_at: state.now_ms(),
        expires_at,
        disabled_at: None,
    };
    match state.db.insert_user(&row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, "E-mail: a user with this address exists."));
        }
        other => other.map_err(log_internal)?,
    }
    let detail = format!("email={} role={}", row.email, row.role);
    audit::record(
        state,
        AuditEvent { actor, action: "user.created", org_id: Some(&row.org_id), target: Some(&row.id), detail: &detail },
    )
    .await
    .map_err(log_internal)?;
    Ok(row)
}
