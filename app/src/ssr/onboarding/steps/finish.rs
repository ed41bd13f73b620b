//! Step 5: switch on entitlements and issue the API key.

use super::{Refusal, org_of};
use crate::domain::api_scope::{ApiScope, Scopes};
use crate::domain::entitlements::Feature;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::identity::accounts;
use crate::ssr::onboarding::model::Session;

/// Switches on the plan's entitlements, issues the API key and uses the invitation up.
pub(crate) async fn finish(state: &AppState, actor: &str, s: &mut Session) -> Result<Option<String>, Refusal> {
    let org_id = org_of(s)?;
    let admin = match &s.data.admin_email {
        Some(email) => state.db.user_by_email(email).await?,
        None => None,
    }
    .ok_or_else(|| {
        Refusal::Error(AppError::new(ErrorCode::Conflict, "Step 1 has not created the tenant admin yet."))
    })?;
    // Entitlements are a decision re-made from evidence at any time, so they
    // are decided first; the rest commits together or not at all.
    let ent = crate::ssr::billing::entitlements::for_org(state, &org_id, actor).await.map_err(Refusal::Error)?;
    let mut tx = state.db.transaction().await?;
    if !tx.complete_onboarding(&s.row.id, state.now_ms()).await? {
        return Err(Refusal::Error(AppError::new(
            ErrorCode::Conflict,
            "Onboarding was completed a moment ago (another window or the CLI).",
        )));
    }
    let ci = Scopes::of(&[ApiScope::Verify, ApiScope::Evidence, ApiScope::Read]);
    let (_, key) = accounts::issue_api_key_in(&mut tx, state, actor, &admin.id, &org_id, "onboarding", &ci)
        .await
        .map_err(Refusal::Error)?;
    tx.use_invitation(&s.invitation.id, state.now_ms()).await?;
    let seconds = (state.now_ms() - s.invitation.created_at) / 1000;
    AuditEvent::new(actor, "onboarding.completed")
        .about(&org_id, &s.row.id)
        .detail(&format!("seconds_from_invitation={seconds}"))
        .log_in(&mut tx, state)
        .await
        .map_err(Refusal::Error)?;
    tx.commit().await?;
    s.data.features = ent.features.iter().map(|f| f.as_str().to_owned()).collect();
    s.data.api_key_prefix = Some(key.chars().take(crate::ssr::identity::auth::API_KEY_PREFIX.len() + 8).collect());
    let data = serde_json::json!({
        "tenant": s.data.tenant_slug, "plan": s.data.plan, "features": s.data.features,
        "repo": s.data.repo, "release": s.data.release_tag, "policy_version": s.data.policy_version,
    });
    if ent.features.contains(&Feature::Webhooks) {
        crate::ssr::webhooks::delivery::enqueue(state, &org_id, "onboarding.completed", &data)
            .await
            .map_err(Refusal::Error)?;
    }
    Ok(Some(key))
}
