//! Invitations: a random `tpi_…` token (only its SHA-256 is stored), valid
//! for some days; following, renewing and asking for a new link.

use crate::domain::ids::InvitationId;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::identity::auth::sha256_hex;
use crate::ssr::store::InvitationRow;

/// Invitation tokens start with this.
pub const INVITE_PREFIX: &str = "tpi_";
/// Longest validity of an invitation (days).
pub const MAX_INVITE_DAYS: i64 = 30;

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
        .about(&crate::ssr::policy::signers::operator_id(state).await?, &row.id)
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
        .about(&crate::ssr::policy::signers::operator_id(state).await?, id)
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
pub(crate) async fn invitation(state: &AppState, token: &str) -> Result<InvitationRow, LinkProblem> {
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
pub(crate) fn usable(state: &AppState, invitation: &InvitationRow) -> Result<(), LinkProblem> {
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
            .about(&crate::ssr::policy::signers::operator_id(state).await?, &invitation.id)
            .log(state)
            .await?;
    }
    Ok(())
}
