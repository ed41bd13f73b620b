//! Auditors join one engagement through an invitation link, like partners
//! onboard: the link (`/audit-invite/tpa_…`, shown once; only its SHA-256 is
//! stored) leads to a page where the auditor reads the engagement's NDA,
//! accepts it and sets a password. Joining creates the auditor's account
//! (access ends with the engagement), their membership and the click-wrap
//! acceptance (who, when, client address, the NDA version's SHA-256) in one
//! unit of work. A new NDA version must be accepted before the next view.
//! Revoking an auditor ends their access at their next request.

use super::lookup;
use crate::domain::ids::{AuditInvitationId, NdaAcceptanceId};
use crate::domain::text::Email;
use crate::domain::{AppError, ErrorCode, OrgKind, Role};
use crate::ssr::AppState;
use crate::ssr::identity::accounts::{self, NewUser};
use crate::ssr::identity::auth::{self, Principal};
use crate::ssr::store::{AuditInvitationRow, EngagementRow, NdaAcceptanceRow, NdaRow, Tx};

/// Invitation tokens start with this.
pub const TOKEN_PREFIX: &str = "tpa_";
/// How long an invitation link works, in days, unless the engagement ends sooner.
pub const INVITATION_DAYS: i64 = 14;

/// Why an invitation link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such invitation.
    Unknown,
    /// Used already (the auditor joined).
    Used,
    /// Withdrawn by the operator, or past its date, or the engagement's access ended.
    Expired,
}

impl LinkProblem {
    /// The spelling in `/audit/join?link=…`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Used => "used",
            Self::Expired => "expired",
        }
    }

    fn error(self) -> AppError {
        let message = match self {
            Self::Unknown => "This invitation link is not valid. Ask the engagement's owner for a new one.",
            Self::Used => "This invitation was used already. Log in with the account you created.",
            Self::Expired => {
                "This invitation link has expired or was withdrawn. Ask the engagement's owner for a new one."
            }
        };
        AppError::new(ErrorCode::NotFound, message)
    }
}

/// A created invitation: its row and the link's token (shown once).
#[derive(Debug)]
pub struct Invited {
    /// The stored invitation.
    pub row: AuditInvitationRow,
    /// The token for the link (`/audit-invite/{token}`).
    pub token: String,
}

/// Invites `email` to an engagement. A tenant-side engagement needs its
/// tenant's `auditor_access` feature; an address that has an account already
/// is refused (an auditor account belongs to one engagement).
pub async fn invite(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    email: &str,
    name: &str,
) -> Result<Invited, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let owner = state.db.org(&e.owner_org_id).await?.ok_or_else(AppError::internal)?;
    if owner.kind == OrgKind::Tenant.as_str() {
        super::engagements::require_auditor_access(state, &owner, &p.email).await?;
    }
    let email = Email::parse(email).map_err(|why| AppError::invalid("E-mail", why))?;
    let name = super::text_field("Name", name, 100, false)?;
    if state.db.user_by_email(email.as_str()).await?.is_some() {
        return Err(AppError::new(
            ErrorCode::Conflict,
            "E-mail: this address has an account already; an auditor account belongs to one engagement, so invite another address.",
        ));
    }
    let now = state.now_ms();
    if now >= e.access_ends_at {
        return Err(AppError::new(ErrorCode::Conflict, "The engagement's access window has closed."));
    }
    let token = format!("{TOKEN_PREFIX}{}", auth::random_token());
    let row = AuditInvitationRow {
        id: state.new_id(AuditInvitationId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        email: email.as_str().to_owned(),
        name,
        token_hash: auth::sha256_hex(&token),
        created_by: p.email.clone(),
        created_at: now,
        expires_at: (now + INVITATION_DAYS * 86_400_000).min(e.access_ends_at),
        used_at: None,
        revoked_at: None,
    };
    let mut tx = state.db.transaction().await?;
    tx.insert_audit_invitation(&row).await?;
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.auditor.invited",
        &format!("email={} invitation={}", row.email, row.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Invited { row, token })
}

/// The invitation and engagement behind a link, or why it cannot be used.
pub async fn check_link(state: &AppState, token: &str) -> Result<(AuditInvitationRow, EngagementRow), LinkProblem> {
    let token = token.trim();
    if !token.starts_with(TOKEN_PREFIX) {
        return Err(LinkProblem::Unknown);
    }
    let found = state.db.audit_invitation_by_hash(&auth::sha256_hex(token)).await.map_err(|e| {
        tracing::error!(error = %e, "reading an auditor invitation failed");
        LinkProblem::Unknown
    })?;
    let inv = found.ok_or(LinkProblem::Unknown)?;
    if inv.used_at.is_some() {
        return Err(LinkProblem::Used);
    }
    let now = state.now_ms();
    let engagement = state.db.engagement(&inv.engagement_id).await.ok().flatten().ok_or(LinkProblem::Unknown)?;
    if inv.revoked_at.is_some() || now >= inv.expires_at || now >= engagement.access_ends_at {
        return Err(LinkProblem::Expired);
    }
    Ok((inv, engagement))
}

/// What the join page shows before the auditor accepts.
#[derive(Debug)]
pub struct Invitation {
    /// The invitation.
    pub invitation: AuditInvitationRow,
    /// Its engagement.
    pub engagement: EngagementRow,
    /// The owner's name.
    pub owner_name: String,
    /// The NDA to accept.
    pub nda: NdaRow,
}

/// The invitation behind a link, for the join page.
pub async fn invitation(state: &AppState, token: &str) -> Result<Invitation, AppError> {
    let (invitation, engagement) = check_link(state, token).await.map_err(LinkProblem::error)?;
    let owner_name = state.db.org(&engagement.owner_org_id).await?.map(|o| o.name).unwrap_or_default();
    let nda = state.db.ndas(&engagement.id).await?.pop().ok_or_else(AppError::internal)?;
    Ok(Invitation { invitation, engagement, owner_name, nda })
}

async fn accept_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    engagement: &EngagementRow,
    user_id: &str,
    email: &str,
    nda: &NdaRow,
    client: &str,
) -> Result<(), AppError> {
    let row = NdaAcceptanceRow {
        id: state.new_id(NdaAcceptanceId::from_parts).to_string(),
        engagement_id: engagement.id.clone(),
        user_id: user_id.to_owned(),
        nda_version: nda.version,
        nda_sha256: nda.sha256.clone(),
        accepted_at: state.now_ms(),
        client: client.to_owned(),
    };
    match tx.insert_nda_acceptance(&row).await {
        Err(crate::ssr::store::StoreError::Conflict) => return Ok(()), // accepted already
        other => other?,
    }
    let detail = format!("nda_version={} nda_sha256={} client={client}", nda.version, nda.sha256);
    lookup::log(tx, state, email, engagement, "audit.nda.accepted", &detail).await?;
    Ok(())
}

/// Joins the engagement behind `token`: creates the auditor's account with
/// `password` (access ends with the engagement), records the NDA acceptance
/// and uses the invitation, all at once. `accepted_nda_sha256` must be the
/// SHA-256 of the NDA version the auditor read (a version published in
/// between is not accepted by accident). Returns the new account's e-mail.
pub async fn join(
    state: &AppState,
    token: &str,
    password: String,
    accepted_nda_sha256: &str,
    client: &str,
) -> Result<String, AppError> {
    let found = invitation(state, token).await?;
    if accepted_nda_sha256.trim() != found.nda.sha256 {
        return Err(AppError::invalid(
            "NDA",
            "tick the box to accept the confidentiality agreement shown (if it changed while you read it, read the new version)",
        ));
    }
    let operator = state.db.operator_org().await?.ok_or_else(AppError::internal)?;
    let new = NewUser {
        email: &found.invitation.email,
        name: &found.invitation.name,
        role: Role::Auditor,
        password,
        org_slug: &operator.slug,
    };
    let user = accounts::checked_user(state, &new, Some(found.engagement.access_ends_at)).await?;
    let mut tx = state.db.transaction().await?;
    if !tx.use_audit_invitation(&found.invitation.id, state.now_ms()).await? {
        return Err(LinkProblem::Used.error());
    }
    accounts::insert_user_in(&mut tx, state, &found.invitation.email, &user).await?;
    tx.insert_auditor(&user.id, &found.engagement.id, &found.invitation.created_by, state.now_ms()).await?;
    accept_in(&mut tx, state, &found.engagement, &user.id, &user.email, &found.nda, client).await?;
    lookup::log(
        &mut tx,
        state,
        &user.email,
        &found.engagement,
        "audit.auditor.joined",
        &format!("invitation={}", found.invitation.id),
    )
    .await?;
    lookup::touch(&mut tx, state, &found.engagement.id).await?;
    tx.commit().await?;
    Ok(user.email)
}

/// The auditor accepts their engagement's current NDA (a new version).
/// `nda_sha256` names the version they read.
pub async fn accept_nda(state: &AppState, p: &Principal, nda_sha256: &str, client: &str) -> Result<(), AppError> {
    p.require(crate::domain::Action::AcceptNda)?;
    let scope = p.audit.as_deref().ok_or_else(AppError::forbidden)?;
    let e = state.db.engagement(&scope.engagement_id).await?.ok_or_else(AppError::internal)?;
    let nda = state.db.ndas(&e.id).await?.pop().ok_or_else(AppError::internal)?;
    if nda_sha256.trim() != nda.sha256 {
        return Err(AppError::invalid(
            "NDA",
            "the agreement changed while you read it: read the new version and accept it",
        ));
    }
    let mut tx = state.db.transaction().await?;
    accept_in(&mut tx, state, &e, &p.user_id, &p.email, &nda, client).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends an auditor's access to an engagement now (their sessions end too).
pub async fn revoke_auditor(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    user_id: &str,
) -> Result<(), AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let now = state.now_ms();
    let mut tx = state.db.transaction().await?;
    if !tx.revoke_auditor(&e.id, user_id.trim(), &p.email, now).await? {
        return Err(AppError::not_found("Auditor"));
    }
    tx.revoke_user_sessions(user_id.trim(), now).await?;
    lookup::log(&mut tx, state, &p.email, &e, "audit.auditor.revoked", &format!("user={}", user_id.trim())).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    tx.commit().await?;
    Ok(())
}

/// Withdraws an unused invitation.
pub async fn withdraw(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    invitation_id: &str,
) -> Result<(), AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let mut tx = state.db.transaction().await?;
    if !tx.revoke_audit_invitation(&e.id, invitation_id.trim(), state.now_ms()).await? {
        return Err(AppError::not_found("Invitation"));
    }
    lookup::log(&mut tx, state, &p.email, &e, "audit.invitation.withdrawn", invitation_id.trim()).await?;
    tx.commit().await?;
    Ok(())
}
