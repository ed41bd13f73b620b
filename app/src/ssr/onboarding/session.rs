//! The one server-side state machine the browser wizard and
//! `trust-portal onboard` both drive: open or resume a session, show it, go
//! back, submit a step.

use super::funnel::event;
use super::invitations::{LinkProblem, check_link, invitation, usable};
use super::steps::{Refusal, details, finish, policy, repository, webhook};
use crate::domain::ids::OnboardingId;
use crate::domain::onboarding::{
    EventKind, OnboardingData, OnboardingView, PlanOffer, PolicyVersionOption, Step, check_order,
};
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::{InvitationRow, OnboardingRow, StoreError};

use super::model::{Session, StepInput, Submitted, Via, save};

/// Opens (starting if need be) the session of the invitation `token` names.
pub(crate) async fn open(state: &AppState, token: &str, via: Via) -> Result<Session, AppError> {
    let invitation = check_link(state, token).await.map_err(LinkProblem::error)?;
    open_invitation(state, invitation, via).await
}

/// The session of a usable invitation, started if need be.
pub(crate) async fn open_invitation(
    state: &AppState,
    invitation: InvitationRow,
    via: Via,
) -> Result<Session, AppError> {
    if let Some(row) = state.db.onboarding_for_invitation(&invitation.id).await? {
        let data = serde_json::from_str(&row.data).map_err(log_internal)?;
        return Ok(Session { invitation, row, data });
    }
    let now = state.now_ms();
    let row = OnboardingRow {
        id: state.new_id(OnboardingId::from_parts).to_string(),
        invitation_id: invitation.id.clone(),
        current_step: 1,
        completed_through: 0,
        org_id: None,
        data: serde_json::to_string(&OnboardingData::default()).map_err(log_internal)?,
        last_failure: None,
        started_at: now,
        updated_at: now,
        completed_at: None,
        abandoned_at: None,
    };
    match state.db.insert_onboarding(&row).await {
        Ok(()) => {
            tracing::info!(session = %row.id, via = via.as_str(), "onboarding started");
            Ok(Session { invitation, row, data: OnboardingData::default() })
        }
        // Another tab or the CLI started it a moment ago: use theirs.
        Err(StoreError::Conflict) => Box::pin(open_invitation(state, invitation, via)).await,
        Err(e) => Err(e.into()),
    }
}

/// The session as the wizard and CLI show it.
pub(crate) async fn view_of(state: &AppState, s: &Session) -> Result<OnboardingView, AppError> {
    let rollout = state.db.rollout().await?;
    let oldest = rollout.current_version - rollout.allowed_lag;
    let policy_versions = state
        .db
        .policy_releases()
        .await?
        .into_iter()
        .filter(|r| r.version >= oldest)
        .map(|r| PolicyVersionOption {
            current: r.version == rollout.current_version,
            version: r.version,
            sha256: r.sha256,
        })
        .collect();
    let (webhook_secret, has_signing_key) = match &s.row.org_id {
        Some(org) => (
            state.db.webhook_endpoint(org).await?.map(|e| crate::domain::revealed::Revealed(e.secret)),
            !state.db.signing_keys(org).await?.is_empty(),
        ),
        None => (None, false),
    };
    Ok(OnboardingView {
        id: s.row.id.clone(),
        label: s.invitation.label.clone(),
        current_step: u8::try_from(s.row.current_step).unwrap_or(1),
        completed_through: u8::try_from(s.row.completed_through).unwrap_or(0),
        completed: s.row.completed_at.is_some(),
        expires_at: s.invitation.expires_at,
        data: s.data.clone(),
        failure: s.row.last_failure.as_deref().and_then(|f| serde_json::from_str(f).ok()),
        webhook_secret,
        policy_versions,
        has_signing_key,
        plans: plan_offers(state).await?,
    })
}

/// Every plan with the price of a verification this month.
async fn plan_offers(state: &AppState) -> Result<Vec<PlanOffer>, AppError> {
    let book = crate::ssr::billing::pricing::PriceBook::load(&state.db).await?;
    let month = crate::domain::period::Period::containing(state.now_ms());
    Ok(crate::domain::Plan::ALL
        .iter()
        .map(|&plan| PlanOffer {
            plan,
            verify_price: book.line(plan, "attestation.verify", month, 1).ok().map(|l| l.unit_price),
        })
        .collect())
}

/// Marks activity: a session abandoned for inactivity is resumed.
pub(crate) async fn touch(state: &AppState, s: &mut Session, via: Via) -> Result<(), AppError> {
    if s.row.abandoned_at.take().is_some() {
        event(state, &s.row, s.row.current_step, EventKind::Resumed, None, via).await?;
    }
    s.row.updated_at = state.now_ms();
    Ok(())
}

/// Shows the session (recording a view of its current step, once per step in a
/// row). The browser that holds a completed session's cookie sees it completed;
/// the link itself (and the CLI) then say it was used.
pub async fn show(state: &AppState, token: &str, via: Via) -> Result<OnboardingView, AppError> {
    let invitation = invitation(state, token).await.map_err(LinkProblem::error)?;
    match usable(state, &invitation) {
        Err(LinkProblem::Used) if via == Via::Browser => {
            let row =
                state.db.onboarding_for_invitation(&invitation.id).await?.ok_or_else(|| LinkProblem::Used.error())?;
            let data = serde_json::from_str(&row.data).map_err(log_internal)?;
            let mut view = view_of(state, &Session { invitation, row, data }).await?;
            view.webhook_secret = None; // done: tenant admins see it on the Webhooks page
            return Ok(view);
        }
        Err(problem) => return Err(problem.error()),
        Ok(()) => {}
    }
    let mut s = open_invitation(state, invitation, via).await?;
    if s.row.completed_at.is_none() {
        if s.row.abandoned_at.is_some() {
            touch(state, &mut s, via).await?;
            save(state, &mut s).await?;
        }
        let last = state.db.last_onboarding_event(&s.row.id).await?;
        if last.as_ref().is_none_or(|(step, kind)| *step != s.row.current_step || kind != EventKind::Viewed.as_str()) {
            event(state, &s.row, s.row.current_step, EventKind::Viewed, None, via).await?;
        }
    }
    view_of(state, &s).await
}

/// Goes back to an earlier step (or any step up to the next one to do).
pub async fn go_to(state: &AppState, token: &str, step: Step, via: Via) -> Result<OnboardingView, AppError> {
    let mut s = open(state, token, via).await?;
    if s.row.completed_at.is_some() {
        return Err(AppError::new(ErrorCode::Conflict, "Onboarding is complete; nothing to change here."));
    }
    check_order(step, u8::try_from(s.row.completed_through).unwrap_or(0)).map_err(|e| AppError::invalid("Step", e))?;
    touch(state, &mut s, via).await?;
    let to = i64::from(step.number());
    if to < s.row.current_step {
        event(state, &s.row, to, EventKind::Back, None, via).await?;
    }
    s.row.current_step = to;
    s.row.last_failure = None;
    save(state, &mut s).await?;
    event(state, &s.row, to, EventKind::Viewed, None, via).await?;
    view_of(state, &s).await
}

/// Runs a step's checks and records the outcome (see the module docs).
pub async fn submit(state: &AppState, token: &str, input: StepInput, via: Via) -> Result<Submitted, AppError> {
    let mut s = open(state, token, via).await?;
    let step = input.step();
    if s.row.completed_at.is_some() {
        return Err(AppError::new(ErrorCode::Conflict, "Onboarding is already complete."));
    }
    check_order(step, u8::try_from(s.row.completed_through).unwrap_or(0)).map_err(|e| AppError::invalid("Step", e))?;
    touch(state, &mut s, via).await?;
    s.row.current_step = i64::from(step.number());
    let actor = format!("onboarding:{}", s.invitation.id);
    let outcome = match input {
        StepInput::Details { name, slug, plan, admin_name, admin_email, admin_password } => {
            details(state, &actor, &mut s, &name, &slug, &plan, &admin_name, &admin_email, admin_password).await
        }
        StepInput::Webhook { url } => webhook(state, &actor, &mut s, &url).await,
        StepInput::Policy { version } => policy(state, &mut s, version).await,
        StepInput::Repository { repo, source, public_key, pack } => {
            repository(state, &actor, &mut s, &repo, source, public_key.as_deref(), pack).await
        }
        StepInput::Finish => finish(state, &actor, &mut s).await,
    };
    let api_key = match outcome {
        Ok(api_key) => {
            s.row.last_failure = None;
            s.row.completed_through = s.row.completed_through.max(i64::from(step.number()));
            s.row.current_step = (s.row.completed_through + 1).min(5);
            save(state, &mut s).await?;
            event(state, &s.row, i64::from(step.number()), EventKind::Completed, None, via).await?;
            if step == Step::Finish {
                s.row.completed_at = Some(state.now_ms());
            } else {
                event(state, &s.row, s.row.current_step, EventKind::Viewed, None, via).await?;
            }
            api_key
        }
        Err(Refusal::Failed(f)) => {
            tracing::info!(session = %s.row.id, step = f.step, reason = %f.reason, "onboarding check failed");
            s.row.last_failure = Some(serde_json::to_string(&f).map_err(log_internal)?);
            save(state, &mut s).await?;
            event(state, &s.row, i64::from(step.number()), EventKind::Failed, Some(&f.reason), via).await?;
            None
        }
        Err(Refusal::Error(e)) => return Err(e),
    };
    Ok(Submitted { view: view_of(state, &s).await?, api_key })
}
