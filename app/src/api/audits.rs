//! Audit engagements: open, scope, start, the NDA, auditors (invite, revoke),
//! joining through an invitation, and the sign-off pack's answer. Fieldwork
//! is in [`super::audit_fieldwork`], the evidence library in [`super::audit_library`].
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]
#![allow(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::domain::AppError;
use crate::domain::audit_kit::view::{AuditorsView, EngagementCard, EngagementView, JoinView, SignoffsView};
use leptos::prelude::*;

/// Cookie carrying an auditor invitation's token from its link to the join page.
pub const JOIN_COOKIE: &str = "tp_audit_invite";
/// Cookie carrying a new invitation link back to a browser without JavaScript (shown once).
pub const INVITE_FLASH_COOKIE: &str = "tp_audit_link";

/// The engagements the caller may see, with their status.
#[server(endpoint = "list_engagements")]
pub async fn list_engagements() -> Result<Vec<EngagementCard>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::cards(&state, &p).await
}

/// Opens an engagement (operator staff; tenant admins for their own tenant
/// with the `auditor_access` feature). `tenants`: slugs separated by commas or
/// spaces; `repos`: `owner/name`, one per line (empty: every repository).
#[server(endpoint = "open_engagement")]
pub async fn open_engagement(
    name: String,
    firm: String,
    period_start: String,
    period_end: String,
    access_ends: String,
    #[server(default)] tenants: String,
    #[server(default)] repos: String,
    document: String,
) -> Result<String, AppError> {
    use crate::ssr::audit_kit::engagements::{self, NewEngagement, ScopeInput};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let scope = ScopeInput { tenants: list(&tenants), repos: list(&repos), document };
    let e = engagements::open(&state, &p, NewEngagement { name, firm, period_start, period_end, access_ends, scope })
        .await?;
    if super::flash::is_plain_form_post() {
        leptos_axum::redirect(&format!("/audits/{}", e.id));
    }
    Ok(e.id)
}

/// Words of a list field: separated by commas, spaces or line breaks.
#[cfg(feature = "ssr")]
fn list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// One engagement: status, scope and NDA (an auditor's view is logged).
#[server(endpoint = "engagement")]
pub async fn engagement(engagement_id: String) -> Result<EngagementView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::engagement(&state, &p, &engagement_id).await
}

/// Changes the scope: a new version. After fieldwork started, the decision
/// fields (a scope-delta decision) are required and recorded with it.
#[server(endpoint = "change_scope")]
pub async fn change_scope(
    engagement_id: String,
    #[server(default)] tenants: String,
    #[server(default)] repos: String,
    document: String,
    #[server(default)] decision_title: String,
    #[server(default)] decision_rationale: String,
    #[server(default)] decision_owner: String,
    #[server(default)] decided_on: String,
) -> Result<i64, AppError> {
    use crate::ssr::audit_kit::decisions::DecisionInput;
    use crate::ssr::audit_kit::engagements::{self, ScopeInput};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let delta =
        [&decision_title, &decision_rationale, &decision_owner, &decided_on].iter().any(|f| !f.trim().is_empty());
    let delta = if delta {
        Some(DecisionInput::parse(
            "scope_delta",
            &decision_title,
            &decision_rationale,
            &decision_owner,
            &decided_on,
            "",
        )?)
    } else {
        None
    };
    let scope = ScopeInput { tenants: list(&tenants), repos: list(&repos), document };
    Ok(engagements::change_scope(&state, &p, &engagement_id, scope, delta).await?.version)
}

/// Starts fieldwork: the scope is locked.
#[server(endpoint = "start_fieldwork")]
pub async fn start_fieldwork(engagement_id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::engagements::start(&state, &p, &engagement_id).await.map(|_| ())
}

/// Publishes a new NDA version; auditors accept it before their next view.
#[server(endpoint = "publish_nda")]
pub async fn publish_nda(engagement_id: String, body: String) -> Result<i64, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    Ok(crate::ssr::audit_kit::engagements::publish_nda(&state, &p, &engagement_id, &body).await?.version)
}

/// Auditors, invitations and the access log (those who manage the engagement).
#[server(endpoint = "engagement_auditors")]
pub async fn engagement_auditors(engagement_id: String) -> Result<AuditorsView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::views::auditors(&state, &p, &engagement_id).await
}

/// Invites an auditor: returns the invitation link, shown once.
#[server(endpoint = "invite_auditor")]
pub async fn invite_auditor(engagement_id: String, email: String, name: String) -> Result<String, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let invited = crate::ssr::audit_kit::invitations::invite(&state, &p, &engagement_id, &email, &name).await?;
    let link = format!("{}/audit-invite/{}", base_url(&state), invited.token);
    if super::flash::is_plain_form_post() {
        super::flash::set_flash(&state, INVITE_FLASH_COOKIE, &link, "/audits");
    }
    Ok(link)
}

/// The portal's public address (`PORTAL_PUBLIC_URL`), else this request's origin.
#[cfg(feature = "ssr")]
fn base_url(state: &crate::ssr::AppState) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned))
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    format!("http://{host}")
}

/// The invitation link made by the last no-JavaScript invite, once.
#[server(endpoint = "take_audit_invite_link")]
pub async fn take_audit_invite_link() -> Result<Option<String>, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    Ok(super::flash::take_flash(&state, INVITE_FLASH_COOKIE, "/audits", "http"))
}

/// Ends an auditor's access now.
#[server(endpoint = "revoke_auditor")]
pub async fn revoke_auditor(engagement_id: String, user_id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::invitations::revoke_auditor(&state, &p, &engagement_id, &user_id).await
}

/// Withdraws an unused invitation.
#[server(endpoint = "withdraw_audit_invitation")]
pub async fn withdraw_audit_invitation(engagement_id: String, invitation_id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::invitations::withdraw(&state, &p, &engagement_id, &invitation_id).await
}

/// The invitation the browser holds (from its link), for the join page.
#[server(endpoint = "audit_invitation")]
pub async fn audit_invitation() -> Result<JoinView, AppError> {
    let state = crate::ssr::state::use_app_state()?;
    let token = super::flash::request_cookie(JOIN_COOKIE).ok_or_else(|| {
        AppError::not_found("Invitation: open the link from your invitation e-mail; this browser holds none")
    })?;
    crate::ssr::audit_kit::views::join(&state, &token).await
}

/// Joins the engagement the browser's invitation names: accepts the NDA
/// (`nda_sha256` names the version read), sets the password, signs in.
#[server(endpoint = "join_engagement")]
pub async fn join_engagement(password: String, #[server(default)] nda_sha256: String) -> Result<(), AppError> {
    use crate::ssr::identity::{auth, sign_in};
    let state = crate::ssr::state::use_app_state()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let token = super::flash::request_cookie(JOIN_COOKIE).ok_or_else(|| AppError::not_found("Invitation"))?;
    let client = auth::client_key(&state, &parts);
    let email =
        crate::ssr::audit_kit::invitations::join(&state, &token, password.clone(), &nda_sha256, &client).await?;
    let email = crate::domain::text::Email::parse(&email).map_err(|_| AppError::internal())?;
    let signed_in = sign_in::log_in(&state, &parts, &email, password).await?;
    super::flash::set_cookie(&auth::session_cookie(&state, &signed_in.token));
    super::flash::set_cookie(&crate::ssr::cookies::remove(
        JOIN_COOKIE,
        "/",
        crate::ssr::cookies::SameSite::Lax,
        state.config.secure_cookies(),
    ));
    leptos_axum::redirect("/audits");
    Ok(())
}

/// The NDA an auditor must accept: (engagement, version, SHA-256, text as safe HTML).
#[server(endpoint = "current_nda")]
pub async fn current_nda() -> Result<(String, i64, String, String), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AcceptNda).await?;
    crate::ssr::audit_kit::views::current_nda(&state, &p).await
}

/// An auditor accepts the current NDA (the version named by its SHA-256).
#[server(endpoint = "accept_nda")]
pub async fn accept_nda(nda_sha256: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AcceptNda).await?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let client = crate::ssr::identity::auth::client_key(&state, &parts);
    crate::ssr::audit_kit::invitations::accept_nda(&state, &p, &nda_sha256, &client).await?;
    leptos_axum::redirect("/audits");
    Ok(())
}

/// The sign-off packs built and the answers given.
#[server(endpoint = "engagement_signoffs")]
pub async fn engagement_signoffs(engagement_id: String) -> Result<SignoffsView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::signoffs(&state, &p, &engagement_id).await
}

/// The auditor's answer to a pack they reviewed: `accepted` (the engagement
/// is then accepted) or `rejected`, with a statement or reason.
#[server(endpoint = "answer_signoff")]
pub async fn answer_signoff(
    engagement_id: String,
    pack_sha256: String,
    decision: String,
    statement: String,
) -> Result<(), AppError> {
    use crate::domain::audit_kit::AcceptanceDecision;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AuditFieldwork).await?;
    let decision = AcceptanceDecision::parse(&decision).map_err(|e| AppError::invalid("Decision", e))?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let client = crate::ssr::identity::auth::client_key(&state, &parts);
    crate::ssr::audit_kit::signoff::answer(&state, &p, &engagement_id, &pack_sha256, decision, &statement, &client)
        .await
        .map(|_| ())
}
