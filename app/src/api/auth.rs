//! Login, logout and "who am I".
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::{AppError, OrgKind, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The logged-in user as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// User id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Organisation name.
    pub org_name: String,
    /// Organisation kind.
    pub org_kind: OrgKind,
    /// End of access (auditors), Unix ms.
    pub expires_at: Option<i64>,
}

/// Logs in and starts a fresh session (any session the browser had is revoked).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::domain::ErrorCode;
    use crate::domain::text::Email;
    use crate::ssr::{audit::AuditEvent, identity::auth};
    let state = crate::ssr::state::use_app_state()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let email = Email::parse(&email).map_err(|e| AppError::invalid("E-mail", e))?;
    if password.is_empty() {
        return Err(AppError::invalid("Password", "must not be empty"));
    }
    let client = auth::client_key(&state, &parts);
    if let Err((wait_s, key)) = auth::login_throttle(&state, email.as_str(), &client) {
        // One audit row per throttled key and minute, counting the attempts it stands for.
        if let Some(attempts) = state.throttle_log.note(&key, state.now_ms()) {
            let detail = format!("client={client} throttled_attempts={attempts}");
            let _ = AuditEvent::new(email.as_str(), "login.throttled").detail(&detail).log(&state).await;
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
        auth::login_failed(&state, &client);
        // Best effort: a failed login is refused whether or not it could be logged.
        let _ = AuditEvent::new(email.as_str(), "login.failed").log(&state).await;
        return Err(AppError::new(ErrorCode::InvalidCredentials, "E-mail or password is wrong."));
    };
    let org = state.db.org(&user.org_id).await?.ok_or_else(AppError::internal)?;
    auth::check_account(user.disabled_at, user.expires_at, org.suspended_at, now)?;
    if let Some(old) = auth::session_token(&state, &parts.headers) {
        state.db.revoke_session(&auth::sha256_hex(&old), now).await?;
    }
    let token = auth::random_token();
    let expires = now + i64::from(state.config.session_absolute_hours) * 3_600_000;
    state.db.insert_session(&auth::sha256_hex(&token), &user.id, now, expires).await?;
    AuditEvent::new(&user.email, "login").about(&user.org_id, &user.id).log(&state).await?;
    super::flash::set_cookie(&auth::session_cookie(&state, &token));
    let role = Role::parse(&user.role).map_err(|_| AppError::internal())?;
    leptos_axum::redirect(role.home());
    Ok(())
}

/// Ends the current session.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{audit::AuditEvent, identity::auth};
    let state = crate::ssr::state::use_app_state()?;
    if let Ok((_, p)) = auth::require_principal().await {
        state.db.revoke_session(&p.session_hash, state.now_ms()).await?;
        AuditEvent::new(&p.email, "logout").about(&p.org_id, &p.user_id).log(&state).await?;
    }
    super::flash::set_cookie(&auth::clear_session_cookie(&state));
    leptos_axum::redirect("/login");
    Ok(())
}

/// The logged-in user, or `None`.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use crate::domain::ErrorCode;
    match crate::ssr::identity::auth::require_principal().await {
        Ok((_, p)) => Ok(Some(SessionUser {
            id: p.user_id,
            email: p.email,
            name: p.name,
            role: p.role,
            org_name: p.org_name,
            org_kind: p.org_kind,
            expires_at: p.expires_at,
        })),
        Err(e) if matches!(e.code, ErrorCode::Unauthenticated | ErrorCode::AccessExpired | ErrorCode::Suspended) => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
