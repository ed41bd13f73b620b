//! The portal's pages over REST, for people signed in with the session
//! cookie (scripts run by an admin, a finance export job): tenants, users,
//! API keys, usage, prices, the audit log and signature status. Each route
//! runs the page's own server function in this request's context
//! ([`as_page`]), so the role checks, the tenant scoping and the access log
//! of auditors' reads are the page's, not a copy of them.

use super::body::LateJson;
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::domain::Action;
use app::domain::AppError;
use app::ssr::AppState;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos::reactive::computed::ScopedFuture;
use leptos::reactive::owner::Owner;
use serde::{Deserialize, Serialize};
use std::future::Future;
use utoipa::{IntoParams, ToSchema};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tenants", get(tenants).post(create_tenant))
        .route("/api/v1/users", get(users))
        .route("/api/v1/api-keys", get(api_keys).post(create_api_key))
        .route("/api/v1/api-keys/{id}/revoke", post(revoke_api_key))
        .route("/api/v1/usage", get(usage))
        .route("/api/v1/prices", get(prices))
        .route("/api/v1/audit-log", get(audit_log))
        .route("/api/v1/signature-status", get(signature_status))
}

/// Runs a page's server function for this request, as the page would:
/// the request's headers (the session cookie) and the state in its context.
pub(super) async fn as_page<T>(
    state: AppState,
    parts: Parts,
    call: impl Future<Output = Result<T, AppError>>,
) -> Result<T, ApiError> {
    let owner = Owner::new();
    let result = owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(state);
                provide_context(parts);
                call.await
            })
        })
        .await;
    Ok(result?)
}

/// The body of a write the caller may make: first the page's check that the
/// caller may do `action` (401 or 403 as the page answers them), then the
/// body parsed, so a refused caller never learns about the body (400).
pub(super) async fn body_for<T: serde::de::DeserializeOwned>(
    state: &AppState,
    parts: &Parts,
    action: Action,
    body: LateJson<T>,
) -> Result<T, ApiError> {
    as_page(state.clone(), parts.clone(), async move { app::ssr::identity::auth::require(action).await.map(drop) })
        .await?;
    body.parse()
}

/// Every tenant the caller may see (operator staff; an auditor's engagement's tenants, logged).
#[utoipa::path(get, path = "/api/v1/tenants", tag = "console",
    responses((status = 200, description = "Tenants with plan, features and state", body = [app::api::tenants::TenantSummary])),
    security(("session" = [])))]
pub async fn tenants(State(state): State<AppState>, parts: Parts) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::tenants::list_tenants()).await?))
}

/// A tenant to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenantBody {
    /// Display name.
    pub name: String,
    /// URL name (lowercase letters, digits and dashes).
    pub slug: String,
    /// `starter`, `pro` or `enterprise`.
    pub plan: String,
}

/// Creates a tenant (operator admins; audited).
#[utoipa::path(post, path = "/api/v1/tenants", tag = "console", request_body = NewTenantBody,
    responses((status = 200, description = "The tenant", body = app::api::tenants::TenantSummary), (status = 400, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn create_tenant(
    State(state): State<AppState>,
    parts: Parts,
    body: LateJson<NewTenantBody>,
) -> Result<Json<impl Serialize>, ApiError> {
    let b = body_for(&state, &parts, Action::ManageTenants, body).await?;
    Ok(Json(as_page(state, parts, app::api::tenants::create_tenant(b.name, b.slug, b.plan)).await?))
}

/// The users the caller may manage (all for operator admins, the own tenant's for tenant admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "console",
    responses((status = 200, description = "Users with role and organisation", body = [app::api::users::UserSummary])),
    security(("session" = [])))]
pub async fn users(State(state): State<AppState>, parts: Parts) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::users::list_users()).await?))
}

/// The caller's tenant's API keys (never the keys themselves).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "console",
    responses((status = 200, description = "Keys with prefix, scopes and use", body = [app::api::keys::ApiKeySummary])),
    security(("session" = [])))]
pub async fn api_keys(State(state): State<AppState>, parts: Parts) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::keys::list_api_keys()).await?))
}

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKeyBody {
    /// What the key is for.
    pub name: String,
    /// Any of `verify`, `evidence`, `admin`, `read`; at least one.
    pub scopes: Vec<String>,
}

/// Creates an API key for the caller's tenant (tenant admins; audited); the
/// secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "console", request_body = NewApiKeyBody,
    responses((status = 200, description = "`id` and `secret` (shown once)", body = app::api::keys::NewApiKey), (status = 400, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn create_api_key(
    State(state): State<AppState>,
    parts: Parts,
    body: LateJson<NewApiKeyBody>,
) -> Result<Json<impl Serialize>, ApiError> {
    let b = body_for(&state, &parts, Action::ManageTenantSettings, body).await?;
    let mut chosen = [None, None, None, None];
    for scope in &b.scopes {
        let slot = ["verify", "evidence", "admin", "read"].iter().position(|s| s == scope).ok_or_else(|| {
            AppError::invalid("scopes", format!("{scope:?} is not one of verify, evidence, admin, read"))
        })?;
        chosen[slot] = Some("on".to_owned());
    }
    let [verify, evidence, admin, read] = chosen;
    let call = app::api::keys::create_api_key(b.name, verify, evidence, admin, read, Some("yes".into()));
    Ok(Json(as_page(state, parts, call).await?))
}

/// Revokes one of the caller's tenant's keys (tenant admins; audited; 404 for another tenant's key).
#[utoipa::path(post, path = "/api/v1/api-keys/{id}/revoke", tag = "console", params(("id" = String, Path)),
    responses((status = 200, description = "Revoked, at once on every node", body = Object), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    as_page(state, parts, app::api::keys::revoke_api_key(id.clone())).await?;
    Ok(Json(serde_json::json!({ "id": id, "revoked": true })))
}

/// Which month.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// `YYYY-MM` (UTC); the current month when omitted.
    #[serde(default)]
    pub period: String,
}

/// Usage per tenant for a month with its invoice preview (finance and operator
/// admins: every tenant; a tenant admin: its own).
#[utoipa::path(get, path = "/api/v1/usage", tag = "console", params(PeriodQuery),
    responses((status = 200, description = "Usage, per-day series and invoice previews", body = app::domain::usage::UsageOverview), (status = 400, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn usage(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::usage::load_usage_overview(q.period)).await?))
}

/// Every price version, newest first (operator admins and finance).
#[utoipa::path(get, path = "/api/v1/prices", tag = "console",
    responses((status = 200, description = "Price versions per plan and event", body = [app::api::prices::PriceVersion])),
    security(("session" = [])))]
pub async fn prices(State(state): State<AppState>, parts: Parts) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::prices::list_prices()).await?))
}

/// Which audit-log entries.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditLogQuery {
    /// Whose (an e-mail, exactly).
    #[serde(default)]
    pub actor: String,
    /// Which action, or the start of one (`tenant`).
    #[serde(default)]
    pub action: String,
    /// First day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub from: String,
    /// Last day, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub to: String,
}

/// The audit log, newest first, filtered, with whether its hash chain is
/// intact (operator staff; an auditor's engagement's entries, logged). The
/// whole filtered log as a file: `/audit-log/export?format=csv|json`.
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "console", params(AuditLogQuery),
    responses((status = 200, description = "Entries, the filter and the chain's state", body = app::api::audit::AuditLogPage), (status = 400, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn audit_log(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<AuditLogQuery>,
) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::audit::list_audit_log(q.actor, q.action, q.from, q.to)).await?))
}

/// Which repositories.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ShowQuery {
    /// `all` (default), `failing` or `stale`.
    #[serde(default)]
    pub show: String,
}

/// Policy adoption and each active repository's signature status (operator
/// staff; an auditor's engagement's repositories, logged).
#[utoipa::path(get, path = "/api/v1/signature-status", tag = "console", params(ShowQuery),
    responses((status = 200, description = "Adoption against its goal and every repository's status with why", body = app::domain::adoption::SignatureStatus), (status = 400, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn signature_status(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<ShowQuery>,
) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::signature_status::load_signature_status(q.show)).await?))
}
