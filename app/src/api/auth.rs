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
    use crate::domain::text::Email;
    use crate::ssr::identity::{auth, sign_in};
    let state = crate::ssr::state::use_app_state()?;
    let parts = use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let email = Email::parse(&email).map_err(|e| AppError::invalid("E-mail", e))?;
    if password.is_empty() {
        return Err(AppError::invalid("Password", "must not be empty"));
    }
    let signed_in = sign_in::log_in(&state, &parts, &email, password).await?;
    super::flash::set_cookie(&auth::session_cookie(&state, &signed_in.token));
    leptos_axum::redirect(signed_in.role.home());
    Ok(())
}

/// Ends the current session.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::identity::{auth, sign_in};
    let state = crate::ssr::state::use_app_state()?;
    if let Ok((_, p)) = auth::require_principal().await {
        sign_in::log_out(&state, &p).await?;
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
