//! The console's writes over REST, for people signed in with the session
//! cookie: a tenant's plan and suspension, users and their roles, price
//! versions and onboarding invitations. As in [`super::console`], each route
//! runs the page's own server function ([`as_page`]), so the role checks,
//! validation and audit entries are the page's; a body is parsed only after
//! the page's rights check passed ([`body_for`]).

use super::body::LateJson;
use super::console::{as_page, body_for};
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::domain::Action;
use app::ssr::AppState;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tenants/{id}/plan", post(set_plan))
        .route("/api/v1/tenants/{id}/suspend", post(suspend))
        .route("/api/v1/tenants/{id}/reactivate", post(reactivate))
        .route("/api/v1/users", post(create_user))
        .route("/api/v1/users/{id}/role", post(set_role))
        .route("/api/v1/prices", post(add_price))
        .route("/api/v1/invitations", get(invitations).post(create_invitation))
        .route("/api/v1/invitations/{id}/renew", post(renew_invitation))
}

/// A plan to switch to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    /// `starter`, `pro` or `enterprise`.
    pub plan: String,
}

/// Moves a tenant to another plan (operator admins; audited; events from
/// now on are billed at the new plan's price).
#[utoipa::path(post, path = "/api/v1/tenants/{id}/plan", tag = "console", params(("id" = String, Path, description = "`org_…` id")),
    request_body = PlanBody,
    responses((status = 200, description = "`id` and the new `plan`", body = Object), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn set_plan(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
    body: LateJson<PlanBody>,
) -> Result<Json<Value>, ApiError> {
    let b = body_for(&state, &parts, Action::ManageTenants, body).await?;
    as_page(state, parts, app::api::tenants::set_tenant_plan(id.clone(), b.plan.clone())).await?;
    Ok(Json(json!({ "id": id, "plan": b.plan })))
}

/// Suspends a tenant: its users cannot sign in and its API keys stop
/// working, on every node at once (operator admins; audited).
#[utoipa::path(post, path = "/api/v1/tenants/{id}/suspend", tag = "console", params(("id" = String, Path, description = "`org_…` id")),
    responses((status = 200, description = "`id` and `suspended: true`", body = Object), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn suspend(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    suspension(state, parts, id, true).await
}

/// Reactivates a suspended tenant (operator admins; audited).
#[utoipa::path(post, path = "/api/v1/tenants/{id}/reactivate", tag = "console", params(("id" = String, Path, description = "`org_…` id")),
    responses((status = 200, description = "`id` and `suspended: false`", body = Object), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn reactivate(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    suspension(state, parts, id, false).await
}

async fn suspension(state: AppState, parts: Parts, id: String, suspend: bool) -> Result<Json<Value>, ApiError> {
    let call = app::api::tenants::set_tenant_suspended(id.clone(), suspend.to_string());
    as_page(state, parts, call).await?;
    Ok(Json(json!({ "id": id, "suspended": suspend })))
}

/// A user to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// Sign-in e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// `tenant_member` (the least privilege, and the default), `tenant_admin`,
    /// or an operator role (`operator_admin`, `security`, `finance`) for operator admins.
    #[serde(default = "least_privilege")]
    pub role: String,
    /// First password (at least 12 characters); the user should change it.
    pub password: String,
    /// For operator admins creating a tenant user: the tenant's slug.
    #[serde(default)]
    pub tenant_slug: String,
}

fn least_privilege() -> String {
    app::domain::Role::TenantMember.as_str().to_owned()
}

/// Creates a user (operator admins: any organisation; tenant admins: their
/// own tenant's users only; audited).
#[utoipa::path(post, path = "/api/v1/users", tag = "console", request_body = NewUserBody,
    responses((status = 200, description = "The user", body = app::api::users::UserSummary), (status = 400, body = ErrorEnvelope),
        (status = 404, description = "No tenant with that slug", body = ErrorEnvelope), (status = 409, description = "The e-mail is taken", body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    parts: Parts,
    body: LateJson<NewUserBody>,
) -> Result<Json<impl Serialize>, ApiError> {
    let b = body_for(&state, &parts, Action::ManageUsers, body).await?;
    let call = app::api::users::create_user(b.email, b.name, b.role, b.password, b.tenant_slug);
    Ok(Json(as_page(state, parts, call).await?))
}

/// A role to give.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    /// The new role (as for a new user).
    pub role: String,
}

/// Changes a user's role; their sessions end so it applies at once
/// (operator admins: anyone; tenant admins: their tenant's users; audited).
#[utoipa::path(post, path = "/api/v1/users/{id}/role", tag = "console", params(("id" = String, Path, description = "`usr_…` id")),
    request_body = RoleBody,
    responses((status = 200, description = "`id` and the new `role`", body = Object), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn set_role(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
    body: LateJson<RoleBody>,
) -> Result<Json<Value>, ApiError> {
    let b = body_for(&state, &parts, Action::ManageUsers, body).await?;
    as_page(state, parts, app::api::users::set_user_role(id.clone(), b.role.clone())).await?;
    Ok(Json(json!({ "id": id, "role": b.role })))
}

/// A price version to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPriceBody {
    /// `starter`, `pro` or `enterprise`.
    pub plan: String,
    /// The metered event: `attestation.verify` or `portal.download`.
    pub event: String,
    /// US dollars per event, e.g. `0.004`.
    pub price: String,
    /// First month it applies to, `YYYY-MM` (this month or later; issued invoices never change).
    pub from: String,
}

/// Adds a price version (operator admins; audited).
#[utoipa::path(post, path = "/api/v1/prices", tag = "console", request_body = NewPriceBody,
    responses((status = 200, description = "The price version", body = app::api::prices::PriceVersion), (status = 400, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn add_price(
    State(state): State<AppState>,
    parts: Parts,
    body: LateJson<NewPriceBody>,
) -> Result<Json<impl Serialize>, ApiError> {
    let b = body_for(&state, &parts, Action::ManagePrices, body).await?;
    Ok(Json(as_page(state, parts, app::api::prices::add_price(b.plan, b.event, b.price, b.from)).await?))
}

/// The onboarding funnel, sessions and invitations (operator admins).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "console",
    responses((status = 200, description = "`funnel`, `sessions` and `invitations` (never their links)", body = app::api::onboarding::OnboardingReport)),
    security(("session" = [])))]
pub async fn invitations(State(state): State<AppState>, parts: Parts) -> Result<Json<impl Serialize>, ApiError> {
    Ok(Json(as_page(state, parts, app::api::onboarding::onboarding_overview()).await?))
}

/// An invitation to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitationBody {
    /// Who it is for (shown to operators only).
    pub label: String,
    /// Days the link stays valid, 1 to 30.
    pub days: u32,
}

/// The link of a new or renewed invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationLink {
    /// `…/invite/tpi_…`: shown this once; send it to the partner.
    pub link: String,
}

/// Creates an invitation (operator admins; audited).
#[utoipa::path(post, path = "/api/v1/invitations", tag = "console", request_body = NewInvitationBody,
    responses((status = 200, body = InvitationLink), (status = 400, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn create_invitation(
    State(state): State<AppState>,
    parts: Parts,
    body: LateJson<NewInvitationBody>,
) -> Result<Json<InvitationLink>, ApiError> {
    let b = body_for(&state, &parts, Action::ManageOnboarding, body).await?;
    let call = app::api::onboarding::create_invitation(b.label, b.days.to_string());
    Ok(Json(InvitationLink { link: as_page(state, parts, call).await? }))
}

/// Sends an unused invitation out again with a new link valid for 7 days;
/// the old link stops working and the partner's progress is kept (operator admins; audited).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/renew", tag = "console", params(("id" = String, Path, description = "`inv_…` id")),
    responses((status = 200, body = InvitationLink), (status = 404, body = ErrorEnvelope), (status = 409, description = "Already used", body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn renew_invitation(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<String>,
) -> Result<Json<InvitationLink>, ApiError> {
    Ok(Json(InvitationLink { link: as_page(state, parts, app::api::onboarding::renew_invitation(id)).await? }))
}
