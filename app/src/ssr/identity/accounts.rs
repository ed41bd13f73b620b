//! Creating organisations and users: the one place their rules live, used by
//! server functions, the CLI and the demo seed.

use crate::domain::api_scope::Scopes;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::text::{DisplayName, Email, Slug, check_new_password};
use crate::domain::{AppError, ErrorCode, OrgKind, Plan, Role};
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::identity::auth::hash_password;
use crate::ssr::state::AppState;
use crate::ssr::store::{ApiKeyRow, OrgRow, StoreError, Tx, UserRow};

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
    let mut tx = state.db.transaction().await?;
    match tx.insert_org(&row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("Slug: '{}' is already taken.", slug.as_str())));
        }
        other => other?,
    }
    let detail = format!("kind={} slug={} plan={}", row.kind, row.slug, row.plan.as_deref().unwrap_or("-"));
    AuditEvent::new(actor, "org.created").about(&row.id, &row.id).detail(&detail).log_in(&mut tx, state).await?;
    tx.commit().await?;
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
}

/// Creates a user in the organisation named by slug; the role must fit the
/// organisation's kind. Records it in the audit log. Auditors are not
/// created here: they join an engagement through its invitation
/// ([`crate::ssr::audit_kit::invitations`]), which scopes what they see.
pub async fn create_user(state: &AppState, actor: &str, new: NewUser<'_>) -> Result<UserRow, AppError> {
    if new.role == Role::Auditor {
        return Err(AppError::invalid(
            "Role",
            "auditors join an engagement through its invitation link (Audits page, or `trust-portal audit invite`), which sets what they see and until when",
        ));
    }
    let row = checked_user(state, &new, None).await?;
    let mut tx = state.db.transaction().await?;
    insert_user_in(&mut tx, state, actor, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Checks a new user (e-mail, name, password policy, role against the
/// organisation's kind) and hashes the password: the row to insert.
/// `expires_at` is the end of access (auditors only).
pub async fn checked_user(state: &AppState, new: &NewUser<'_>, expires_at: Option<i64>) -> Result<UserRow, AppError> {
    let email = Email::parse(new.email).map_err(|e| AppError::invalid("E-mail", e))?;
    let name = DisplayName::parse(new.name).map_err(|e| AppError::invalid("Name", e))?;
    check_new_password(&new.password).map_err(|e| AppError::invalid("Password", e))?;
    let org = state.db.org_by_slug(new.org_slug.trim()).await?.ok_or_else(|| AppError::not_found("Organisation"))?;
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
    Ok(UserRow {
        id: state.new_id(UserId::from_parts).to_string(),
        org_id: org.id,
        email: email.as_str().into(),
        name: name.as_str().into(),
        password_hash: hash_password(new.password.clone()).await?,
        role: new.role.as_str().into(),
        created_at: state.now_ms(),
        expires_at,
        disabled_at: None,
    })
}

/// Inserts a checked user as part of `tx` and records it in the audit log;
/// a taken e-mail is a conflict.
pub async fn insert_user_in(tx: &mut Tx<'_>, state: &AppState, actor: &str, row: &UserRow) -> Result<(), AppError> {
    match tx.insert_user(row).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, "E-mail: a user with this address exists."));
        }
        other => other?,
    }
    let detail = format!("email={} role={}", row.email, row.role);
    AuditEvent::new(actor, "user.created").about(&row.org_id, &row.id).detail(&detail).log_in(tx, state).await?;
    Ok(())
}

/// Changes a user's role. The new role must fit the user's organisation; tenant
/// admins act only inside their own tenant (another tenant's user is "not
/// found"); nobody changes their own role; auditor accounts are created with an
/// expiry, never converted. The user's sessions end so the change applies at
/// once, and it is recorded in the audit log.
pub async fn change_role(
    state: &AppState,
    actor: &crate::ssr::identity::auth::Principal,
    user_id: &str,
    role: Role,
) -> Result<UserRow, AppError> {
    let mut user = state.db.user(user_id).await?.ok_or_else(|| AppError::not_found("User"))?;
    if actor.role != Role::OperatorAdmin && user.org_id != actor.org_id {
        return Err(AppError::not_found("User"));
    }
    if user.id == actor.user_id {
        return Err(AppError::invalid("Role", "you cannot change your own role; ask another admin"));
    }
    let old = Role::parse(&user.role).map_err(log_internal)?;
    if old == Role::Auditor || role == Role::Auditor {
        return Err(AppError::invalid(
            "Role",
            "auditors join an engagement through its invitation; their role is never changed",
        ));
    }
    if old.org_kind() != role.org_kind() {
        return Err(AppError::invalid("Role", format!("{} is not a role in this user's organisation", role.label())));
    }
    if old == role {
        return Ok(user);
    }
    let mut tx = state.db.transaction().await?;
    if !tx.set_user_role(&user.id, role.as_str()).await? {
        return Err(AppError::not_found("User"));
    }
    tx.revoke_user_sessions(&user.id, state.now_ms()).await?;
    let detail = format!("email={} from={} to={}", user.email, old.as_str(), role.as_str());
    AuditEvent::new(&actor.email, "user.role_changed")
        .about(&user.org_id, &user.id)
        .detail(&detail)
        .log_in(&mut tx, state)
        .await?;
    tx.commit().await?;
    user.role = role.as_str().into();
    Ok(user)
}

/// Issues an API key with `scopes` for a tenant and records it in the audit
/// log; returns the row and the key itself (shown once: only its hash is stored).
pub async fn issue_api_key(
    state: &AppState,
    actor_email: &str,
    created_by: &str,
    org_id: &str,
    name: &str,
    scopes: &Scopes,
) -> Result<(ApiKeyRow, String), AppError> {
    let mut tx = state.db.transaction().await?;
    let issued = issue_api_key_in(&mut tx, state, actor_email, created_by, org_id, name, scopes).await?;
    tx.commit().await?;
    Ok(issued)
}

/// [`issue_api_key`] as part of a larger unit of work.
pub async fn issue_api_key_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    actor_email: &str,
    created_by: &str,
    org_id: &str,
    name: &str,
    scopes: &Scopes,
) -> Result<(ApiKeyRow, String), AppError> {
    if scopes.list().is_empty() {
        return Err(AppError::invalid("Scopes", "a key needs at least one scope"));
    }
    let name = DisplayName::parse(name).map_err(|e| AppError::invalid("Key name", e))?;
    let (secret, prefix, hash) = crate::ssr::identity::auth::new_api_key();
    let row = ApiKeyRow {
        id: state.new_id(crate::domain::ids::ApiKeyId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        name: name.as_str().into(),
        prefix,
        created_by: created_by.to_owned(),
        created_at: state.now_ms(),
        last_used_at: None,
        revoked_at: None,
        scopes: scopes.to_stored(),
    };
    tx.insert_api_key(&row, &hash).await?;
    AuditEvent::new(actor_email, "api_key.created")
        .about(org_id, &row.id)
        .detail(&format!("name={} prefix={} scopes={}", row.name, row.prefix, row.scopes))
        .log_in(tx, state)
        .await?;
    Ok((row, secret))
}

/// Revokes one of a tenant's keys (not found for another tenant's key or
/// one already revoked) and records it; the key stops working once committed.
pub async fn revoke_api_key(state: &AppState, actor_email: &str, org_id: &str, key_id: &str) -> Result<(), AppError> {
    let mut tx = state.db.transaction().await?;
    if !tx.revoke_api_key(key_id, org_id, state.now_ms()).await? {
        return Err(AppError::not_found("API key"));
    }
    AuditEvent::new(actor_email, "api_key.revoked").about(org_id, key_id).log_in(&mut tx, state).await?;
    Ok(tx.commit().await?)
}

/// Moves a tenant to `plan` and records it, then re-decides its
/// entitlements. Setting the plan it already has changes and records nothing.
pub async fn set_plan(state: &AppState, actor_email: &str, tenant_id: &str, plan: Plan) -> Result<(), AppError> {
    let org = state.db.org(tenant_id).await?.filter(|o| o.kind == OrgKind::Tenant.as_str());
    let org = org.ok_or_else(|| AppError::not_found("Tenant"))?;
    if org.plan.as_deref() == Some(plan.as_str()) {
        return Ok(());
    }
    let mut tx = state.db.transaction().await?;
    if !tx.set_tenant_plan(tenant_id, plan.as_str()).await? {
        return Err(AppError::not_found("Tenant"));
    }
    AuditEvent::new(actor_email, "tenant.plan_changed")
        .about(tenant_id, tenant_id)
        .detail(&format!("plan={}", plan.as_str()))
        .log_in(&mut tx, state)
        .await?;
    tx.commit().await?;
    crate::ssr::billing::entitlements::for_org(state, tenant_id, actor_email).await?;
    Ok(())
}

/// Suspends or reactivates a tenant and records it. A suspended tenant's
/// users cannot log in and its API keys stop working once this commits.
pub async fn set_suspended(
    state: &AppState,
    actor_email: &str,
    tenant_id: &str,
    suspend: bool,
) -> Result<(), AppError> {
    let mut tx = state.db.transaction().await?;
    if !tx.set_tenant_suspended(tenant_id, suspend.then(|| state.now_ms())).await? {
        return Err(AppError::not_found("Tenant"));
    }
    AuditEvent::new(actor_email, if suspend { "tenant.suspended" } else { "tenant.reactivated" })
        .about(tenant_id, tenant_id)
        .log_in(&mut tx, state)
        .await?;
    Ok(tx.commit().await?)
}
