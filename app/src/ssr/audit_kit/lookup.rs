//! Finding the engagement a caller may see or change. Operator staff see and
//! manage every engagement; a tenant admin those their tenant owns; an
//! auditor only their own, read-only except for their fieldwork. Anything
//! else is "not found", never "forbidden", so ids reveal nothing.

use crate::domain::AppError;
use crate::domain::Role;
use crate::domain::audit_kit::EngagementState;
use crate::ssr::AppState;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{EngagementRow, Tx};

fn not_found() -> AppError {
    AppError::not_found("Engagement")
}

/// Whether `p` may see engagement `e`.
pub fn may_see(p: &Principal, e: &EngagementRow) -> bool {
    match (&p.audit, p.role) {
        (Some(scope), _) => scope.engagement_id == e.id,
        (None, Role::OperatorAdmin | Role::Security) => true,
        (None, Role::TenantAdmin) => e.owner_org_id == p.org_id,
        _ => false,
    }
}

/// Whether `p` may manage engagement `e` (never an auditor).
pub fn may_manage(p: &Principal, e: &EngagementRow) -> bool {
    p.audit.is_none() && p.role.may(crate::domain::Action::ManageAudits) && may_see(p, e)
}

/// The engagement `id` if `p` may see it.
pub async fn visible(state: &AppState, p: &Principal, id: &str) -> Result<EngagementRow, AppError> {
    let e = state.db.engagement(id.trim()).await?.ok_or_else(not_found)?;
    if may_see(p, &e) { Ok(e) } else { Err(not_found()) }
}

/// The engagement `id` if `p` may manage it (an auditor of it gets "forbidden":
/// they know it exists).
pub async fn managed(state: &AppState, p: &Principal, id: &str) -> Result<EngagementRow, AppError> {
    let e = visible(state, p, id).await?;
    if may_manage(p, &e) { Ok(e) } else { Err(AppError::forbidden()) }
}

/// The caller's own engagement for fieldwork (auditors only), open for it:
/// fieldwork needs the scope locked, and an accepted engagement is finished.
pub async fn for_fieldwork(state: &AppState, p: &Principal, id: &str) -> Result<EngagementRow, AppError> {
    p.require(crate::domain::Action::AuditFieldwork)?;
    let e = visible(state, p, id).await?;
    match e.state {
        EngagementState::Fieldwork => Ok(e),
        EngagementState::Scoping => Err(AppError::new(
            crate::domain::ErrorCode::Conflict,
            "Fieldwork has not started: the engagement is still being scoped.",
        )),
        EngagementState::Accepted => Err(AppError::new(
            crate::domain::ErrorCode::Conflict,
            "The engagement is accepted and closed for fieldwork.",
        )),
    }
}

/// Writes `action` about engagement `e` to the hash-chained audit log inside
/// `tx`: in the log exactly when the change it describes is committed.
pub async fn log(
    tx: &mut Tx<'_>,
    state: &AppState,
    actor: &str,
    e: &EngagementRow,
    action: &str,
    detail: &str,
) -> Result<(), AppError> {
    crate::ssr::audit::AuditEvent::new(actor, action)
        .about(&e.owner_org_id, &e.id)
        .detail(detail)
        .log_in(tx, state)
        .await
}

/// Marks the engagement changed inside `tx` (the sign-off pack's "as of" moves on).
pub async fn touch(tx: &mut Tx<'_>, state: &AppState, engagement_id: &str) -> Result<(), AppError> {
    Ok(tx.touch_engagement(engagement_id, state.now_ms()).await?)
}
