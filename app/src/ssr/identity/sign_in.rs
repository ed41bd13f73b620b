//! Logging in and out: the checks, the session write and its audit entry,
//! committed together. The server functions only read the form and set the
//! cookie.

use super::auth::{self, Principal};
use crate::domain::text::Email;
use crate::domain::{AppError, ErrorCode, Role};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;

/// A started session: the cookie token (shown to nobody else) and where the user lands.
#[derive(Debug)]
pub struct SignedIn {
    /// The new session's token, for the session cookie.
    pub token: String,
    /// The user's role (its home page is where the login redirects).
    pub role: Role,
}

/// Checks the password (throttled per account and client), revokes the
/// session the browser had, if any, and starts a fresh one.
pub async fn log_in(
    state: &AppState,
    parts: &http::request::Parts,
    email: &Email,
    password: String,
) -> Result<SignedIn, AppError> {
    let client = auth::client_key(state, parts);
    if let Err((wait_s, key)) = auth::login_throttle(state, email.as_str(), &client).await? {
        // One audit row per throttled key and minute, counting the attempts it stands for.
        if let Some(attempts) = state.throttle_log.note(&key, state.now_ms()) {
            let detail = format!("client={client} throttled_attempts={attempts}");
            let _ = AuditEvent::new(email.as_str(), "login.throttled").detail(&detail).log(state).await;
        }
        return Err(AppError::new(
            ErrorCode::RateLimited,
            format!("Too many login attempts for this account. Try again in {wait_s} s."),
        ));
    }
    let user = state.db.user_by_email(email.as_str()).await?;
    let ok = auth::verify_password(user.as_ref().map(|u| u.password_hash.clone()), password).await?;
    let now = state.now_ms();
    let (true, Some(user)) = (ok, user) else {
        auth::login_failed(state, &client).await?;
        // Best effort: a failed login is refused whether or not it could be logged.
        let _ = AuditEvent::new(email.as_str(), "login.failed").log(state).await;
        return Err(AppError::new(ErrorCode::InvalidCredentials, "E-mail or password is wrong."));
    };
    let org = state.db.org(&user.org_id).await?.ok_or_else(AppError::internal)?;
    auth::check_account(user.disabled_at, user.expires_at, org.suspended_at, now)?;
    let role = Role::parse(&user.role).map_err(|_| AppError::internal())?;
    if role == Role::Auditor {
        // An auditor whose engagement access was revoked or ended gets no session at all.
        crate::ssr::audit_kit::access::scope_of(state, &user.id, now).await?;
    }
    let token = auth::random_token();
    let expires = now + i64::from(state.config.session_absolute_hours) * 3_600_000;
    let mut tx = state.db.transaction().await?;
    if let Some(old) = auth::session_token(state, &parts.headers) {
        tx.revoke_session(&auth::sha256_hex(&old), now).await?;
    }
    tx.insert_session(&auth::sha256_hex(&token), &user.id, now, expires).await?;
    AuditEvent::new(&user.email, "login").about(&user.org_id, &user.id).log_in(&mut tx, state).await?;
    tx.commit().await?;
    Ok(SignedIn { token, role })
}

/// Ends the caller's session.
pub async fn log_out(state: &AppState, p: &Principal) -> Result<(), AppError> {
    let mut tx = state.db.transaction().await?;
    tx.revoke_session(&p.session_hash, state.now_ms()).await?;
    AuditEvent::new(&p.email, "logout").about(&p.org_id, &p.user_id).log_in(&mut tx, state).await?;
    Ok(tx.commit().await?)
}
