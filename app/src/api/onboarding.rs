//! Onboarding over server functions: the wizard's steps (authorised by the
//! invitation cookie set when the link is followed, not by a login) and the
//! operator's invitations and funnel (operator admins).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
#[cfg(feature = "ssr")]
use crate::domain::ErrorCode;
use crate::domain::onboarding::{Funnel, OnboardingView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Cookie carrying the invitation token after the link was followed (HttpOnly, SameSite=Lax).
pub const ONBOARD_COOKIE: &str = "tp_onboard";
/// Cookie carrying the first API key back to a browser without JavaScript, read once.
pub const KEY_FLASH_COOKIE: &str = "tp_onboard_key";
/// Cookie carrying a new invitation link back to a browser without JavaScript, read once.
pub const LINK_FLASH_COOKIE: &str = "tp_new_invite";

#[cfg(feature = "ssr")]
fn token() -> Result<String, AppError> {
    super::flash::request_cookie(ONBOARD_COOKIE).ok_or_else(|| {
        AppError::new(
            ErrorCode::Unauthenticated,
            "Open the invitation link you were sent to start or resume onboarding.",
        )
    })
}

#[cfg(feature = "ssr")]
fn state() -> Result<crate::ssr::AppState, AppError> {
    use_context::<crate::ssr::AppState>().ok_or_else(AppError::internal)
}

#[cfg(feature = "ssr")]
use crate::ssr::onboarding::{StepInput, Via};

#[cfg(feature = "ssr")]
async fn submit(input: StepInput) -> Result<OnboardingView, AppError> {
    let state = state()?;
    Ok(crate::ssr::onboarding::submit(&state, &token()?, input, Via::Browser).await?.view)
}

/// The session of the invitation in this browser (starting it on first use).
#[server(endpoint = "onboarding_session")]
pub async fn onboarding_session() -> Result<OnboardingView, AppError> {
    let state = state()?;
    crate::ssr::onboarding::show(&state, &token()?, Via::Browser).await
}

/// Step 1: creates the tenant and its admin login (later: changes the plan).
#[server(endpoint = "onboard_details")]
pub async fn onboard_details(
    name: String,
    slug: String,
    plan: String,
    admin_name: String,
    admin_email: String,
    admin_password: String,
) -> Result<OnboardingView, AppError> {
    submit(StepInput::Details { name, slug, plan, admin_name, admin_email, admin_password }).await
}

/// Step 2: saves the webhook URL and sends a signed test delivery.
#[server(endpoint = "onboard_webhook")]
pub async fn onboard_webhook(url: String) -> Result<OnboardingView, AppError> {
    submit(StepInput::Webhook { url }).await
}

/// Step 3: picks a policy version and verifies its signature.
#[server(endpoint = "onboard_policy")]
pub async fn onboard_policy(version: String) -> Result<OnboardingView, AppError> {
    let version = version
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("Policy version", "pick one of the versions listed"))?;
    submit(StepInput::Policy { version }).await
}

/// Step 4: finds the repository's latest release and verifies its pack.
#[server(endpoint = "onboard_repository")]
pub async fn onboard_repository(
    repo: String,
    source: String,
    public_key: Option<String>,
) -> Result<OnboardingView, AppError> {
    let source = crate::domain::onboarding::RepoSource::parse(&source).map_err(|e| AppError::invalid("Source", e))?;
    submit(StepInput::Repository { repo, source, public_key, pack: None }).await
}

/// Step 5: turns the entitlements on and issues the first API key (returned once).
#[server(endpoint = "onboard_finish")]
pub async fn onboard_finish() -> Result<Option<String>, AppError> {
    let state = state()?;
    let done = crate::ssr::onboarding::submit(&state, &token()?, StepInput::Finish, Via::Browser).await?;
    if let Some(key) = &done.api_key
        && super::flash::is_plain_form_post()
    {
        super::flash::set_flash(&state, KEY_FLASH_COOKIE, key, "/onboard");
    }
    Ok(done.api_key)
}

/// Goes to an earlier step (or the next one to do).
#[server(endpoint = "onboard_go_to")]
pub async fn onboard_go_to(step: String) -> Result<OnboardingView, AppError> {
    let state = state()?;
    let step = crate::domain::onboarding::Step::parse(&step).map_err(|e| AppError::invalid("Step", e))?;
    crate::ssr::onboarding::go_to(&state, &token()?, step, Via::Browser).await
}

/// The API key issued by the last no-JavaScript finish, once.
#[server(endpoint = "take_onboarding_key")]
pub async fn take_onboarding_key() -> Result<Option<String>, AppError> {
    let state = state()?;
    Ok(super::flash::take_flash(&state, KEY_FLASH_COOKIE, "/onboard", crate::ssr::identity::auth::API_KEY_PREFIX))
}

/// The holder of an expired or used link asks the operator for a new one.
#[server(endpoint = "request_new_invitation")]
pub async fn request_new_invitation(note: String) -> Result<(), AppError> {
    let state = state()?;
    crate::ssr::onboarding::request_new_link(&state, &token()?, &note).await
}

/// An invitation as listed for the operator.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSummary {
    /// `invite_…` id.
    pub id: String,
    /// Who it is for.
    pub label: String,
    /// Created (ms).
    pub created_at: i64,
    /// Expires (ms).
    pub expires_at: i64,
    /// `open`, `used` or `expired`.
    pub state: String,
    /// The invitee asked for a new link: when and what they wrote.
    pub renewal: Option<(i64, String)>,
}

/// A session as listed for the operator.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Invitation label.
    pub label: String,
    /// The tenant's slug, once created.
    pub tenant: Option<String>,
    /// Current step (1-5).
    pub step: i64,
    /// `in progress`, `completed` or `abandoned`.
    pub state: String,
    /// Seconds from invitation to completion.
    pub seconds: Option<i64>,
    /// Last activity (ms).
    pub updated_at: i64,
}

/// The operator's onboarding page.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardingReport {
    /// The funnel.
    pub funnel: Funnel,
    /// Sessions, newest first.
    pub sessions: Vec<SessionSummary>,
    /// Invitations, newest first.
    pub invitations: Vec<InvitationSummary>,
}

/// The funnel, sessions and invitations (operator admins).
#[server(endpoint = "onboarding_overview")]
pub async fn onboarding_overview() -> Result<OnboardingReport, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::ManageOnboarding).await?;
    let sessions = crate::ssr::onboarding::funnel_sessions(&state).await?;
    let reasons = state.db.onboarding_failure_reasons().await?;
    let funnel = crate::domain::onboarding::funnel(&sessions, &reasons);
    let now = state.now_ms();
    let listings = state.db.onboarding_listings().await?;
    let sessions = listings
        .into_iter()
        .map(|l| SessionSummary {
            label: l.label,
            tenant: l.tenant,
            step: l.current_step,
            state: if l.completed_at.is_some() {
                "completed"
            } else if l.abandoned_at.is_some() {
                "abandoned"
            } else {
                "in progress"
            }
            .into(),
            seconds: l.completed_at.map(|c| (c - l.invited_at) / 1000),
            updated_at: l.updated_at,
        })
        .collect();
    let invitations = state
        .db
        .invitations(100)
        .await?
        .into_iter()
        .map(|i| InvitationSummary {
            state: if i.used_at.is_some() {
                "used"
            } else if now >= i.expires_at {
                "expired"
            } else {
                "open"
            }
            .into(),
            renewal: i.renewal_requested_at.map(|at| (at, i.renewal_note.clone().unwrap_or_default())),
            id: i.id,
            label: i.label,
            created_at: i.created_at,
            expires_at: i.expires_at,
        })
        .collect();
    Ok(OnboardingReport { funnel, sessions, invitations })
}

/// Creates an invitation and returns its link, shown once (operator admins).
#[server(endpoint = "create_invitation")]
pub async fn create_invitation(label: String, days: String) -> Result<String, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageOnboarding).await?;
    let days =
        days.trim().parse::<i64>().map_err(|_| AppError::invalid("Valid for (days)", "a whole number, 1 to 30"))?;
    let (_, token) = crate::ssr::onboarding::create_invitation(&state, &p.email, &label, days).await?;
    Ok(hand_out_link(&state, &token))
}

/// Sends an unused invitation out again with a new link (the old one stops working; progress is kept).
#[server(endpoint = "renew_invitation")]
pub async fn renew_invitation(id: String) -> Result<String, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageOnboarding).await?;
    let token = crate::ssr::onboarding::renew_invitation(&state, &p.email, &id, 7).await?;
    Ok(hand_out_link(&state, &token))
}

/// The full link of a token; for a browser without JavaScript also a one-time flash cookie.
#[cfg(feature = "ssr")]
fn hand_out_link(state: &crate::ssr::AppState, token: &str) -> String {
    let base = state.config.public_url.clone().unwrap_or_else(|| {
        let host = use_context::<http::request::Parts>()
            .and_then(|p| p.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned))
            .unwrap_or_else(|| "localhost:3000".into());
        format!("http://{host}")
    });
    let link = format!("{}/invite/{token}", base.trim_end_matches('/'));
    if super::flash::is_plain_form_post() {
        super::flash::set_flash(state, LINK_FLASH_COOKIE, &link, "/onboarding");
    }
    link
}

/// The invitation link created by the last no-JavaScript form post, once.
#[server(endpoint = "take_new_invitation")]
pub async fn take_new_invitation() -> Result<Option<String>, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::ManageOnboarding).await?;
    Ok(super::flash::take_flash(&state, LINK_FLASH_COOKIE, "/onboarding", "http"))
}
