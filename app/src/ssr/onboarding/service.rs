//! Self-serve onboarding: invitations and the one server-side state machine
//! that the browser wizard and `trust-portal onboard` both drive.
//!
//! An operator creates an invitation (a random `tpi_…` token; only its
//! SHA-256 is stored) valid for some days. Following it starts the session
//! of that invitation or resumes it, from either client. Steps complete in
//! order and only when their checks pass (see [`crate::domain::onboarding`]);
//! going back is allowed; a failed check is stored with its reason and how to
//! fix it. Every view, completion, failure, step back, abandonment and
//! resumption is a telemetry event, which the funnel is computed from.
//! Completing step 5 uses the invitation up: its link then says so.

use crate::domain::entitlements::Feature;
use crate::domain::ids::{InvitationId, OnboardingEventId, OnboardingId};
use crate::domain::onboarding::{
    EventKind, Failure, FunnelSession, OnboardingData, OnboardingView, PolicyVersionOption, RepoSource, Step,
    check_order,
};
use crate::domain::{AppError, ErrorCode, OrgKind, Plan, Role};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::identity::accounts::{self, NewUser};
use crate::ssr::identity::auth::sha256_hex;
use crate::ssr::store::{InvitationRow, OnboardingEventRow, OnboardingRow, StoreError};

/// Invitation tokens start with this.
pub const INVITE_PREFIX: &str = "tpi_";
/// Longest validity of an invitation (days).
pub const MAX_INVITE_DAYS: i64 = 30;

/// Which client drove a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The browser wizard.
    Browser,
    /// `trust-portal onboard`.
    Cli,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Browser => "browser",
            Via::Cli => "cli",
        }
    }
}

/// What a step was given. (No `Debug`: details carry the admin's password.)
#[derive(Clone)]
pub enum StepInput {
    /// Step 1.
    Details {
        /// Company name.
        name: String,
        /// URL handle.
        slug: String,
        /// Plan.
        plan: String,
        /// Tenant admin's name.
        admin_name: String,
        /// Tenant admin's e-mail (their login).
        admin_email: String,
        /// Tenant admin's password (checked against the policy; stored as argon2id).
        admin_password: String,
    },
    /// Step 2.
    Webhook {
        /// Where deliveries go.
        url: String,
    },
    /// Step 3.
    Policy {
        /// The version picked.
        version: i64,
    },
    /// Step 4.
    Repository {
        /// `owner/name`.
        repo: String,
        /// Releases API or packs already uploaded.
        source: RepoSource,
        /// The pack-signing public key (PEM), when the tenant has none yet.
        public_key: Option<String>,
    },
    /// Step 5.
    Finish,
}

impl StepInput {
    /// The step this input is for.
    pub fn step(&self) -> Step {
        match self {
            StepInput::Details { .. } => Step::Details,
            StepInput::Webhook { .. } => Step::Webhook,
            StepInput::Policy { .. } => Step::Policy,
            StepInput::Repository { .. } => Step::Repository,
            StepInput::Finish => Step::Finish,
        }
    }
}

/// The result of submitting a step.
pub struct Submitted {
    /// The session now (with the failure, if the checks failed).
    pub view: OnboardingView,
    /// Step 5 only: the tenant's first API key, shown this once.
    pub api_key: Option<String>,
}

/// A live session with its invitation.
struct Session {
    invitation: InvitationRow,
    row: OnboardingRow,
    data: OnboardingData,
}

/// Creates an invitation valid for `days` (1-30); returns it and its token (shown once).
pub async fn create_invitation(
    state: &AppState,
    actor: &str,
    label: &str,
    days: i64,
) -> Result<(InvitationRow, String), AppError> {
    let label = crate::domain::text::DisplayName::parse(label).map_err(|e| AppError::invalid("Invited company", e))?;
    if !(1..=MAX_INVITE_DAYS).contains(&days) {
        return Err(AppError::invalid("Valid for (days)", format!("1 to {MAX_INVITE_DAYS}")));
    }
    let token = format!("{INVITE_PREFIX}{}", crate::ssr::identity::auth::random_token());
    let now = state.now_ms();
    let row = InvitationRow {
        id: state.new_id(InvitationId::from_parts).to_string(),
        token_hash: sha256_hex(&token),
        label: label.as_str().to_owned(),
        created_by: actor.to_owned(),
        created_at: now,
        expires_at: now + days * 86_400_000,
        used_at: None,
        renewal_requested_at: None,
        renewal_note: None,
    };
    state.db.insert_invitation(&row).await?;
    AuditEvent::new(actor, "invitation.created")
        .about(&crate::ssr::policy::ingest::operator_id(state).await?, &row.id)
        .detail(&format!("label={} days={days}", row.label))
        .log(state)
        .await?;
    Ok((row, token))
}

/// Sends an unused invitation out again: a new token (the old link stops
/// working) valid for `days`, for the same session, so the partner's progress
/// is kept. Returns the new token (shown once).
pub async fn renew_invitation(state: &AppState, actor: &str, id: &str, days: i64) -> Result<String, AppError> {
    if !(1..=MAX_INVITE_DAYS).contains(&days) {
        return Err(AppError::invalid("Valid for (days)", format!("1 to {MAX_INVITE_DAYS}")));
    }
    let token = format!("{INVITE_PREFIX}{}", crate::ssr::identity::auth::random_token());
    let expires_at = state.now_ms() + days * 86_400_000;
    if !state.db.renew_invitation(id, &sha256_hex(&token), expires_at).await? {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "That invitation was used (or does not exist): create a new one.",
        ));
    }
    AuditEvent::new(actor, "invitation.renewed")
        .about(&crate::ssr::policy::ingest::operator_id(state).await?, id)
        .detail(&format!("days={days}"))
        .log(state)
        .await?;
    Ok(token)
}

/// Why an invitation link cannot be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such invitation.
    Unknown,
    /// Past its expiry.
    Expired,
    /// Its onboarding completed.
    Used,
}

impl LinkProblem {
    /// The error shown to the person following the link.
    pub fn error(self) -> AppError {
        use crate::domain::onboarding::{LINK_EXPIRED, LINK_UNKNOWN, LINK_USED};
        match self {
            LinkProblem::Unknown => AppError::new(ErrorCode::NotFound, LINK_UNKNOWN),
            LinkProblem::Expired => AppError::new(ErrorCode::AccessExpired, LINK_EXPIRED),
            LinkProblem::Used => AppError::new(ErrorCode::AccessExpired, LINK_USED),
        }
    }

    /// Short code (`unknown`, `expired`, `used`).
    pub fn as_str(self) -> &'static str {
        match self {
            LinkProblem::Unknown => "unknown",
            LinkProblem::Expired => "expired",
            LinkProblem::Used => "used",
        }
    }
}

/// The invitation a token names, if it can still be followed.
pub async fn check_link(state: &AppState, token: &str) -> Result<InvitationRow, LinkProblem> {
    let invitation = invitation(state, token).await?;
    usable(state, &invitation)?;
    Ok(invitation)
}

/// The invitation a token names, whatever its state.
async fn invitation(state: &AppState, token: &str) -> Result<InvitationRow, LinkProblem> {
    let token = token.trim();
    if !token.starts_with(INVITE_PREFIX) {
        return Err(LinkProblem::Unknown);
    }
    match state.db.invitation_by_hash(&sha256_hex(token)).await {
        Ok(Some(i)) => Ok(i),
        Ok(None) => Err(LinkProblem::Unknown),
        Err(e) => {
            tracing::error!(error = %e, "reading an invitation failed");
            Err(LinkProblem::Unknown)
        }
    }
}

/// Whether an invitation can still be followed.
fn usable(state: &AppState, invitation: &InvitationRow) -> Result<(), LinkProblem> {
    if invitation.used_at.is_some() {
        Err(LinkProblem::Used)
    } else if state.now_ms() >= invitation.expires_at {
        Err(LinkProblem::Expired)
    } else {
        Ok(())
    }
}

/// Records that the holder of an expired or used link asks for a new one (once per invitation).
pub async fn request_new_link(state: &AppState, token: &str, note: &str) -> Result<(), AppError> {
    let Some(invitation) = state.db.invitation_by_hash(&sha256_hex(token.trim())).await? else {
        return Err(LinkProblem::Unknown.error());
    };
    let note: String = note.trim().chars().take(500).collect();
    if state.db.request_renewal(&invitation.id, &note, state.now_ms()).await? {
        AuditEvent::new(&format!("invitee:{}", invitation.label), "invitation.renewal_requested")
            .about(&crate::ssr::policy::ingest::operator_id(state).await?, &invitation.id)
            .log(state)
            .await?;
    }
    Ok(())
}

async fn event(
    state: &AppState,
    s: &OnboardingRow,
    step: i64,
    kind: EventKind,
    reason: Option<&str>,
    via: Via,
) -> Result<(), AppError> {
    record(state, &s.id, step, kind, reason, via.as_str()).await
}

/// Stores one telemetry event.
async fn record(
    state: &AppState,
    session_id: &str,
    step: i64,
    kind: EventKind,
    reason: Option<&str>,
    via: &str,
) -> Result<(), AppError> {
    let row = OnboardingEventRow {
        id: state.new_id(OnboardingEventId::from_parts).to_string(),
        session_id: session_id.to_owned(),
        step,
        kind: kind.as_str().to_owned(),
        reason: reason.map(str::to_owned),
        via: via.to_owned(),
        at: state.now_ms(),
    };
    state.db.insert_onboarding_event(&row).await.map_err(log_internal)
}

/// Opens (starting if need be) the session of the invitation `token` names.
async fn open(state: &AppState, token: &str, via: Via) -> Result<Session, AppError> {
    let invitation = check_link(state, token).await.map_err(LinkProblem::error)?;
    open_invitation(state, invitation, via).await
}

/// The session of a usable invitation, started if need be.
async fn open_invitation(state: &AppState, invitation: InvitationRow, via: Via) -> Result<Session, AppError> {
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
        Err(e) => Err(log_internal(e)),
    }
}

/// The session as the wizard and CLI show it.
async fn view_of(state: &AppState, s: &Session) -> Result<OnboardingView, AppError> {
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
    })
}

/// Marks activity: a session abandoned for inactivity is resumed.
async fn touch(state: &AppState, s: &mut Session, via: Via) -> Result<(), AppError> {
    if s.row.abandoned_at.take().is_some() {
        event(state, &s.row, s.row.current_step, EventKind::Resumed, None, via).await?;
    }
    s.row.updated_at = state.now_ms();
    Ok(())
}

async fn save(state: &AppState, s: &mut Session) -> Result<(), AppError> {
    s.row.data = serde_json::to_string(&s.data).map_err(log_internal)?;
    state.db.save_onboarding(&s.row).await.map_err(log_internal)
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
        StepInput::Repository { repo, source, public_key } => {
            repository(state, &actor, &mut s, &repo, source, public_key.as_deref()).await
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

/// A step that did not complete: a failed check (stored and shown), or the
/// portal's own error (returned as is).
enum Refusal {
    Failed(Failure),
    Error(AppError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Error(e.into())
    }
}

fn failed(step: Step, reason: &str, message: impl Into<String>, fix: impl Into<String>) -> Refusal {
    Refusal::Failed(Failure { step: step.number(), reason: reason.into(), message: message.into(), fix: fix.into() })
}

/// Input that does not parse fails the step with the field's message.
fn invalid(step: Step) -> impl Fn(AppError) -> Refusal {
    move |e| match e.code {
        ErrorCode::InvalidInput | ErrorCode::Conflict => {
            let reason = if e.code == ErrorCode::Conflict { "conflict" } else { "invalid_input" };
            failed(step, reason, e.message, "correct the field and submit again")
        }
        _ => Refusal::Error(e),
    }
}

fn org_of(s: &Session) -> Result<String, Refusal> {
    s.row
        .org_id
        .clone()
        .ok_or_else(|| Refusal::Error(AppError::new(ErrorCode::Conflict, "Step 1 has not created the tenant yet.")))
}

#[expect(clippy::too_many_arguments, reason = "the step's form fields, each checked here")]
async fn details(
    state: &AppState,
    actor: &str,
    s: &mut Session,
    name: &str,
    slug: &str,
    plan: &str,
    admin_name: &str,
    admin_email: &str,
    admin_password: String,
) -> Result<Option<String>, Refusal> {
    let step = Step::Details;
    let plan = Plan::parse(plan)
        .map_err(|e| failed(step, "invalid_input", format!("Plan: {e}"), "pick starter, pro or enterprise"))?;
    match &s.row.org_id {
        Some(org_id) => {
            // The tenant exists: only the plan may change here.
            if state.db.set_tenant_plan(org_id, plan.as_str()).await? {
                crate::ssr::billing::entitlements::for_org(state, org_id, actor).await.map_err(Refusal::Error)?;
            }
        }
        None => {
            let org = accounts::create_org(state, actor, OrgKind::Tenant, name, slug, Some(plan.as_str()))
                .await
                .map_err(invalid(step))?;
            s.row.org_id = Some(org.id);
            s.data.tenant_name = Some(org.name);
            s.data.tenant_slug = Some(org.slug);
        }
    }
    s.data.plan = Some(plan.as_str().to_owned());
    if s.data.admin_email.is_none() {
        let slug = s.data.tenant_slug.clone().unwrap_or_default();
        let user = accounts::create_user(
            state,
            actor,
            NewUser {
                email: admin_email,
                name: admin_name,
                role: Role::TenantAdmin,
                password: admin_password,
                org_slug: &slug,
                expires_in_days: None,
            },
        )
        .await;
        // The tenant stays with the session even when the admin needs fixing.
        save(state, s).await.map_err(Refusal::Error)?;
        let user = user.map_err(invalid(step))?;
        s.data.admin_name = Some(user.name);
        s.data.admin_email = Some(user.email);
    }
    Ok(None)
}

async fn webhook(state: &AppState, actor: &str, s: &mut Session, url: &str) -> Result<Option<String>, Refusal> {
    let step = Step::Webhook;
    let org_id = org_of(s)?;
    if let Err(e) = crate::ssr::webhooks::delivery::set_endpoint(state, actor, &org_id, url).await {
        return Err(match e.code {
            ErrorCode::InvalidInput => failed(
                step,
                "webhook_url_refused",
                e.message,
                "use a public https:// URL without user name or password, on a host that resolves to public addresses",
            ),
            _ => Refusal::Error(e),
        });
    }
    s.data.webhook_url = Some(url.trim().to_owned());
    let (row, outcome) = crate::ssr::webhooks::delivery::test_delivery(state, &org_id).await.map_err(Refusal::Error)?;
    s.data.webhook_test_id = Some(row.id.clone());
    match outcome {
        Ok(_) => Ok(None),
        Err(e) => {
            let fix = match e.reason {
                "ssrf_refused" => {
                    "the receiver must be on a public address; private, loopback and link-local networks are refused"
                }
                "webhook_status" => {
                    "make your receiver answer 2xx to a POST (verify the signature with the secret shown, then answer 204)"
                }
                _ => {
                    "check the URL, that the receiver is running and reachable from the internet, and that it answers within 15 s"
                }
            };
            Err(failed(step, e.reason, format!("Test delivery {}: {}", row.id, e.message), fix))
        }
    }
}

async fn policy(state: &AppState, s: &mut Session, version: i64) -> Result<Option<String>, Refusal> {
    let step = Step::Policy;
    let rollout = state.db.rollout().await?;
    let Some((release, bundle, signature)) = state.db.policy_release(version).await? else {
        return Err(failed(
            step,
            "policy_version_unknown",
            format!("policy version {version} is not published"),
            "pick one of the versions listed",
        ));
    };
    let oldest = rollout.current_version - rollout.allowed_lag;
    if version < oldest {
        return Err(failed(
            step,
            "policy_version_outdated",
            format!(
                "version {version} is older than the oldest allowed ({oldest}; current {})",
                rollout.current_version
            ),
            format!("pick version {} (current)", rollout.current_version),
        ));
    }
    match crate::ssr::policy::ingest::verify_signature(state, &bundle, &signature).await.map_err(Refusal::Error)? {
        Ok(signer) => {
            s.data.policy_version = Some(version);
            s.data.policy_signer = Some(signer);
            s.data.policy_sha256 = Some(release.sha256);
            Ok(None)
        }
        Err((code, why)) => Err(failed(
            step,
            code,
            format!("policy.sig of version {version} does not verify: {why}"),
            "pick another version; if none verifies, the policy key was rotated: ask the security team to re-sign",
        )),
    }
}

fn pack_fix(reason: &str) -> &'static str {
    match reason {
        "signature_mismatch" | "manifest_signature_invalid" => {
            "the pack's manifest is not signed by the key given: enter the public key of the key that signed it, or re-sign the pack with `trust-portal pack build --key`"
        }
        "digest_mismatch" | "unlisted_file" => {
            "a file in the pack changed after signing: rebuild the pack and attach it to a new release"
        }
        "pack_release_mismatch" => "the manifest names another release: build the pack with this repository and tag",
        _ => "rebuild the pack with `trust-portal pack build` and attach it to a new release",
    }
}

async fn repository(
    state: &AppState,
    actor: &str,
    s: &mut Session,
    repo: &str,
    source: RepoSource,
    public_key: Option<&str>,
) -> Result<Option<String>, Refusal> {
    let step = Step::Repository;
    let org_id = org_of(s)?;
    let repo = repo.trim();
    crate::domain::text::RepoName::parse(repo).map_err(invalid(step))?;
    let now = state.now_ms();
    let mut keys: Vec<String> = state
        .db
        .signing_keys(&org_id)
        .await?
        .into_iter()
        .filter(|k| crate::ssr::verification::trust::check_window(k, now).is_ok())
        .map(|k| k.public_key_pem)
        .collect();
    let new_key = match public_key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(pem) => {
            let der = crate::ssr::verification::engine::parse_key(pem).map_err(|e| {
                failed(
                    step,
                    "invalid_input",
                    format!("Public key: {}", e.message),
                    "paste the whole PEM (-----BEGIN PUBLIC KEY----- …)",
                )
            })?;
            keys.push(der.to_pem());
            Some(der.to_pem())
        }
        None => None,
    };
    if keys.is_empty() {
        return Err(failed(
            step,
            "signing_key_missing",
            "no pack-signing key is known for this tenant yet",
            "paste the public key (e.g. release-key.pub) whose private half signs your packs",
        ));
    }
    let (tag, zip) = match source {
        RepoSource::Releases => {
            let guard = &state.outbound.policy;
            let fetch = async {
                let release =
                    crate::ssr::evidence::releases::latest(guard, &state.config.releases_api_url, repo).await?;
                let zip = crate::ssr::evidence::releases::download(guard, &release).await?;
                Ok::<_, crate::ssr::evidence::releases::SourceError>((release.tag, zip))
            };
            fetch.await.map_err(|e| failed(step, e.reason, e.message, e.fix))?
        }
        RepoSource::Portal => {
            let packs = state.db.packs(&org_id, 100).await?;
            let Some(pack) = packs.into_iter().find(|p| p.repo == repo) else {
                return Err(failed(
                    step,
                    "pack_missing",
                    format!("no pack has been uploaded for {repo}"),
                    "upload one with `trust-portal pack verify --server …`, or fetch it from the repository's releases",
                ));
            };
            // Packs are immutable evidence: one that failed when uploaded stays failed.
            if pack.status != "verified" {
                return Err(failed(
                    step,
                    pack.reason.as_deref().unwrap_or("pack_failed"),
                    format!("{repo}@{} failed verification when it was uploaded", pack.tag),
                    "add your signing key (POST /api/v1/signing-keys) and upload a pack of a new release, or fetch it from the repository's releases",
                ));
            }
            let zip = state.db.pack_zip(&org_id, &pack.id).await?.unwrap_or_default();
            (pack.tag, zip)
        }
    };
    let (repo_owned, tag_owned, keys_owned) = (repo.to_owned(), tag.clone(), keys);
    let (report, zip) = tokio::task::spawn_blocking(move || {
        (crate::ssr::evidence::packs::verify(&zip, &keys_owned, Some((&repo_owned, &tag_owned))), zip)
    })
    .await
    .map_err(|e| Refusal::Error(log_internal(e)))?;
    if !report.verified {
        let reason = report.reason.clone().unwrap_or_else(|| "pack_failed".into());
        let first = report.checks.iter().find(|c| c.status == "failed");
        let message = first.map_or_else(
            || format!("the pack of {repo}@{tag} does not verify"),
            |c| format!("{repo}@{tag}: {} failed: {}", c.check, c.detail),
        );
        return Err(failed(step, &reason, message, pack_fix(&reason)));
    }
    s.data.pack_sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&zip)));
    if let Some(pem) = new_key {
        let known = state.db.signing_keys(&org_id).await?;
        if !known.iter().any(|k| k.public_key_pem == pem) {
            let name = format!("release-key-{}", known.len() + 1);
            crate::ssr::verification::trust::add_signing_key(
                state,
                actor,
                &org_id,
                crate::ssr::verification::trust::NewSigningKey {
                    name: &name,
                    pem: &pem,
                    not_before: None,
                    not_after: None,
                },
            )
            .await
            .map_err(invalid(step))?;
        }
    }
    if source == RepoSource::Releases {
        crate::ssr::evidence::service::upload(state, actor, &org_id, repo, &tag, zip).await.map_err(invalid(step))?;
    }
    s.data.repo = Some(repo.to_owned());
    s.data.repo_source = Some(source.as_str().to_owned());
    s.data.release_tag = Some(tag);
    s.data.pack_signer = report.signer_key_id;
    Ok(None)
}

async fn finish(state: &AppState, actor: &str, s: &mut Session) -> Result<Option<String>, Refusal> {
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

/// Marks sessions idle for the configured window abandoned (telemetry); they
/// can still be resumed. The server runs this every minute.
pub async fn mark_abandoned(state: &AppState) -> Result<usize, AppError> {
    let now = state.now_ms();
    let idle_before = now - i64::from(state.config.onboarding_abandon_minutes) * 60_000;
    let gone = state.db.abandon_idle_onboardings(idle_before, now).await?;
    for (id, step) in &gone {
        record(state, id, *step, EventKind::Abandoned, Some("inactive"), "server").await?;
    }
    Ok(gone.len())
}

/// The sessions for the funnel.
pub async fn funnel_sessions(state: &AppState) -> Result<Vec<FunnelSession>, AppError> {
    Ok(state
        .db
        .onboarding_listings()
        .await?
        .into_iter()
        .map(|l| FunnelSession {
            invited_at: l.invited_at,
            completed_at: l.completed_at,
            abandoned: l.abandoned_at.is_some(),
            reached: u8::try_from(l.reached.max(l.current_step)).unwrap_or(1),
            completed_through: u8::try_from(l.completed_through).unwrap_or(0),
        })
        .collect())
}
