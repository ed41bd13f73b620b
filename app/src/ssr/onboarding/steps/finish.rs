//! Step 5: switch on entitlements and issue the API key.

use super::{Refusal, org_of};
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
    if !state.db.complete_onboarding(&s.row.id, state.now_ms()).await? {
        return Err(Refusal::Error(AppError::new(
            ErrorCode::Conflict,
            "Onboarding was completed a moment ago (another window or the CLI).",
        )));
    }
    let issued = async {
        let ent = crate::ssr::billing::entitlements::for_org(state, &org_id, actor).await?;
        use crate::domain::api_scope::{ApiScope, Scopes};
        let ci = Scopes::of(&[ApiScope::Verify, ApiScope::Evidence, ApiScope::Read]);
        let (_, key) = accounts::issue_api_key(state, actor, &admin.id, &org_id, "onboarding", &ci).await?;
        Ok::<_, AppError>((ent, key))
    }
    .await;
    let (ent, key) = match issued {
        Ok(done) => done,
        Err(e) => {
            state.db.uncomplete_onboarding(&s.row.id).await?;
            return Err(Refusal::Error(e));
        }
    };
    state.db.use_invitation(&s.invitation.id, state.now_ms()).await?;
    s.data.features = ent.features.iter().map(|f| f.as_str().to_owned()).collect();
    s.data.api_key_prefix = Some(key.chars().take(crate::ssr::identity::auth::API_KEY_PREFIX.len() + 8).collect());
    let seconds = (state.now_ms() - s.invitation.created_at) / 1000;
    AuditEvent::new(actor, "onboarding.completed")
        .about(&org_id, &s.row.id)
        .detail(&format!("seconds_from_invitation={seconds}"))
        .log(state)
        .await
        .map_err(Refusal::Error)?;
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
