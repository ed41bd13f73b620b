//! Passwords (argon2id), browser sessions, API keys and role checks.
//!
//! Secrets (passwords, session tokens, API keys) are never stored or logged:
//! passwords as argon2id hashes, tokens and keys as SHA-256 (they carry 256
//! random bits, so a slow hash adds nothing).

use crate::domain::audit_kit::AuditorScope;
use crate::domain::{Action, AppError, ErrorCode, OrgKind, Role};
use crate::ssr::cookies;
use crate::ssr::cookies::SameSite;
use crate::ssr::state::{AppState, use_app_state};
use crate::ssr::store::{ApiKeyRow, SessionRow};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use http::HeaderMap;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// Cookie name over HTTPS (the `__Host-` prefix pins it to this host and path `/`).
pub const SESSION_COOKIE_SECURE: &str = "__Host-tp_session";
/// Cookie name over plain HTTP in development (browsers refuse `__Host-` without `Secure`).
pub const SESSION_COOKIE_PLAIN: &str = "tp_session";
/// How long a login waits for a free password-hashing slot before it is
/// told the portal is busy.
const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Password hashing (argon2id, 19 MiB each) runs in at most one slot per
/// core, so a flood of logins cannot take all memory or starve other work.
static HASH_SLOTS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});

/// A hashing slot, or "busy" after [`HASH_QUEUE_WAIT`].
async fn hashing_slot() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    match tokio::time::timeout(HASH_QUEUE_WAIT, HASH_SLOTS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::new(
            crate::domain::ErrorCode::RateLimited,
            "The portal is busy checking passwords. Try again in a few seconds.",
        )),
    }
}

/// The client a request comes from, as login throttling counts it: the
/// address in `PORTAL_CLIENT_IP_HEADER` (its last entry, set by your reverse
/// proxy) when configured, else the peer address; IPv6 clients by their /64.
pub fn client_key(state: &AppState, parts: &http::request::Parts) -> String {
    use std::net::IpAddr;
    let from_header = state.config.client_ip_header.as_deref().and_then(|name| {
        let value = parts.headers.get(name)?.to_str().ok()?;
        value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
    });
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    match from_header.or(peer) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "unknown".into(),
    }
}

/// Admits a login attempt: the client's failure bucket (all accounts) must
/// not be empty, and the attempt takes a token of this account from this
/// client. The buckets are in the database, shared by every server process.
/// `Ok(Err(..))` holds the wait in seconds and the key that ran out.
pub async fn login_throttle(
    state: &AppState,
    email: &str,
    client: &str,
) -> Result<Result<(), (u64, String)>, AppError> {
    let now = state.now_ms();
    let client_key = format!("login.client:{client}");
    let limiter = &state.login_client_limiter;
    if let Err(w) = state.db.throttle_step(&client_key, |b| limiter.step(b, now, false)).await? {
        return Ok(Err((w, client_key)));
    }
    let account_key = format!("login.account:{email}|client:{client}");
    let limiter = &state.login_limiter;
    Ok(state.db.throttle_step(&account_key, |b| limiter.step(b, now, true)).await?.map_err(|w| (w, account_key)))
}

/// Counts a failed login against its client (password spraying), in the shared buckets.
pub async fn login_failed(state: &AppState, client: &str) -> Result<(), AppError> {
    let now = state.now_ms();
    let limiter = &state.login_client_limiter;
    let _ = state.db.throttle_step(&format!("login.client:{client}"), |b| limiter.step(b, now, true)).await?;
    Ok(())
}

/// API keys start with this, so leaked keys are easy to scan for.
pub const API_KEY_PREFIX: &str = "tpk_";

/// The session cookie's name for this deployment.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { SESSION_COOKIE_SECURE } else { SESSION_COOKIE_PLAIN }
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Hashes a password with argon2id off the async threads (in a bounded slot).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _slot = hashing_slot().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::internal())?
    .map_err(|_| AppError::internal())
}

/// A hash of no real password, checked for unknown e-mails so that timing
/// does not tell which accounts exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default().hash_password(b"no such user", &salt).map(|h| h.to_string()).unwrap_or_default()
});

/// Checks a password against a stored hash off the async threads, in a
/// bounded slot (`Err` when the portal is too busy to check now).
pub async fn verify_password(hash: Option<String>, password: String) -> Result<bool, AppError> {
    let _slot = hashing_slot().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && known
    })
    .await
    .unwrap_or(false))
}

/// Who is calling, from a valid session.
#[derive(Debug, Clone)]
pub struct Principal {
    /// User id.
    pub user_id: String,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Organisation id.
    pub org_id: String,
    /// Organisation name.
    pub org_name: String,
    /// Organisation kind.
    pub org_kind: OrgKind,
    /// End of access (auditors).
    pub expires_at: Option<i64>,
    /// Hash of the session token (for logout).
    pub session_hash: String,
    /// An auditor's engagement scope (auditors only): everything they may see.
    pub audit: Option<std::sync::Arc<AuditorScope>>,
}

impl Principal {
    /// Refuses unless the caller's role may do `action` ([`Role::may`]). An
    /// auditor who has not accepted the engagement's current NDA may only
    /// read their account and accept it.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if !self.role.may(action) {
            return Err(AppError::forbidden());
        }
        match &self.audit {
            Some(scope) if !scope.nda_accepted && !matches!(action, Action::UseAccount | Action::AcceptNda) => {
                Err(AppError::new(
                    ErrorCode::NdaRequired,
                    "Accept the engagement's confidentiality agreement (NDA) to see its evidence.",
                ))
            }
            _ => Ok(()),
        }
    }

    /// The auditor behind this principal (for the access log), if it is one.
    pub fn viewer(&self) -> Option<crate::ssr::audit_kit::access::Viewer<'_>> {
        self.audit.as_deref().map(|scope| crate::ssr::audit_kit::access::Viewer {
            scope,
            user_id: &self.user_id,
            email: &self.email,
        })
    }

    /// Which tenants' evidence the caller may see.
    pub fn sees(&self) -> Sees<'_> {
        match (&self.audit, self.role.sees_all_tenants()) {
            (Some(scope), _) => Sees::Engagement(scope),
            (None, true) => Sees::Everything,
            (None, false) => Sees::Tenant(&self.org_id),
        }
    }
}

/// Whose evidence a caller may see: operator staff every tenant's, tenant
/// users their own tenant's, auditors their engagement's scope.
#[derive(Debug, Clone, Copy)]
pub enum Sees<'a> {
    /// Every tenant.
    Everything,
    /// One tenant (`org_…`).
    Tenant(&'a str),
    /// An auditor's engagement scope.
    Engagement(&'a AuditorScope),
}

impl Sees<'_> {
    /// Whether the tenant `org_id` is visible.
    pub fn tenant(self, org_id: &str) -> bool {
        match self {
            Sees::Everything => true,
            Sees::Tenant(own) => own == org_id,
            Sees::Engagement(scope) => scope.sees_tenant(org_id),
        }
    }

    /// Whether repository `repo` of tenant `org_id` is visible.
    pub fn repo(self, org_id: &str, repo: &str) -> bool {
        match self {
            Sees::Engagement(scope) => scope.sees_repo(org_id, repo),
            other => other.tenant(org_id),
        }
    }

    /// Whether the operator's own evidence (policy keys, drills) is visible:
    /// operator staff, and auditors of an engagement the operator owns.
    pub fn operator_evidence(self) -> bool {
        match self {
            Sees::Everything => true,
            Sees::Tenant(_) => false,
            Sees::Engagement(scope) => scope.operator_owned,
        }
    }
}

/// The session token sent by the browser, if any.
pub fn session_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    crate::ssr::cookies::read(headers, session_cookie_name(state.config.secure_cookies()))
}

/// Resolves the caller from the session cookie, enforcing revocation, idle
/// and absolute timeouts, disabled users, expired auditors and suspended tenants.
pub async fn principal_from_headers(state: &AppState, headers: &HeaderMap) -> Result<Principal, AppError> {
    let token = session_token(state, headers).ok_or_else(AppError::unauthenticated)?;
    let hash = sha256_hex(&token);
    let row = state.db.session(&hash).await?.ok_or_else(AppError::unauthenticated)?;
    let now = state.now_ms();
    check_session(state, &row, now)?;
    if now - row.last_seen_at > 60_000 {
        state.db.touch_session(&hash, now).await?;
    }
    let role = Role::parse(&row.role).map_err(|_| AppError::internal())?;
    let audit = match role {
        Role::Auditor => {
            Some(std::sync::Arc::new(crate::ssr::audit_kit::access::scope_of(state, &row.user_id, now).await?))
        }
        _ => None,
    };
    Ok(Principal {
        user_id: row.user_id,
        email: row.email,
        name: row.name,
        role,
        org_id: row.org_id,
        org_name: row.org_name,
        org_kind: OrgKind::parse(&row.org_kind).map_err(|_| AppError::internal())?,
        expires_at: row.user_expires_at,
        session_hash: hash,
        audit,
    })
}

fn check_session(state: &AppState, row: &SessionRow, now: i64) -> Result<(), AppError> {
    let idle_ms = i64::from(state.config.session_idle_minutes) * 60_000;
    if row.revoked_at.is_some() || now >= row.expires_at || now - row.last_seen_at > idle_ms {
        return Err(AppError::new(ErrorCode::Unauthenticated, "Your session has ended. Please log in again."));
    }
    check_account(row.disabled_at, row.user_expires_at, row.org_suspended_at, now)
}

/// Refuses disabled users, auditors past their access window and suspended organisations.
pub fn check_account(
    disabled_at: Option<i64>,
    expires_at: Option<i64>,
    suspended_at: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    if disabled_at.is_some() || expires_at.is_some_and(|e| now >= e) {
        return Err(AppError::new(
            ErrorCode::AccessExpired,
            "This account's access has ended. Ask the portal operator to renew it.",
        ));
    }
    if suspended_at.is_some() {
        return Err(AppError::new(
            ErrorCode::Suspended,
            "Your organisation's access is suspended. Contact the portal operator.",
        ));
    }
    Ok(())
}

/// The principal of the user with `email`, as if signed in (no session): for
/// the CLI and the demo seed, which act as a named person through the same
/// services and checks as the portal. Refused like a login would be.
pub async fn principal_for(state: &AppState, email: &str) -> Result<Principal, AppError> {
    let user = state.db.user_by_email(email).await?.ok_or_else(|| AppError::not_found("User"))?;
    let org = state.db.org(&user.org_id).await?.ok_or_else(AppError::internal)?;
    let now = state.now_ms();
    check_account(user.disabled_at, user.expires_at, org.suspended_at, now)?;
    let role = Role::parse(&user.role).map_err(|_| AppError::internal())?;
    let audit = match role {
        Role::Auditor => {
            Some(std::sync::Arc::new(crate::ssr::audit_kit::access::scope_of(state, &user.id, now).await?))
        }
        _ => None,
    };
    Ok(Principal {
        user_id: user.id,
        email: user.email,
        name: user.name,
        role,
        org_id: org.id,
        org_name: org.name,
        org_kind: OrgKind::parse(&org.kind).map_err(|_| AppError::internal())?,
        expires_at: user.expires_at,
        session_hash: String::new(),
        audit,
    })
}

/// The state and caller inside a server function, from the Leptos context.
pub async fn require_principal() -> Result<(AppState, Principal), AppError> {
    let state = use_app_state()?;
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or_else(AppError::internal)?;
    let p = principal_from_headers(&state, &parts.headers).await?;
    Ok((state, p))
}

/// Like [`require_principal`], and checks that the caller's role may do `action`.
pub async fn require(action: Action) -> Result<(AppState, Principal), AppError> {
    let (state, p) = require_principal().await?;
    p.require(action)?;
    Ok((state, p))
}

/// `Set-Cookie` value for a new session.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = state.config.secure_cookies();
    let max_age = i64::from(state.config.session_absolute_hours) * 3600;
    cookies::set(session_cookie_name(secure), token, "/", SameSite::Lax, max_age, secure)
}

/// `Set-Cookie` value that deletes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    let secure = state.config.secure_cookies();
    cookies::remove(session_cookie_name(secure), "/", SameSite::Lax, secure)
}

/// A new API key: (the key shown once, its visible prefix, its hash).
pub fn new_api_key() -> (String, String, String) {
    let key = format!("{API_KEY_PREFIX}{}", random_token());
    let prefix = key.chars().take(API_KEY_PREFIX.len() + 8).collect();
    let hash = sha256_hex(&key);
    (key, prefix, hash)
}

/// The token of an `Authorization: Bearer …` header, if any.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// Resolves an `Authorization: Bearer tpk_…` header to a live key.
pub async fn authenticate_api_key(state: &AppState, headers: &HeaderMap) -> Result<ApiKeyRow, AppError> {
    let value = bearer_token(headers).ok_or_else(|| {
        AppError::new(ErrorCode::Unauthenticated, "Send your API key as 'Authorization: Bearer tpk_…'.")
    })?;
    if !value.starts_with(API_KEY_PREFIX) {
        return Err(AppError::new(
            ErrorCode::Unauthenticated,
            "That is not a Trust Portal API key (they start with tpk_).",
        ));
    }
    state
        .db
        .authenticate_api_key(&sha256_hex(value), state.now_ms())
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::Unauthenticated, "Unknown or revoked API key."))
}
