//! Audit engagements over HTTP, `/api/v1/audit/…`, for the people in them:
//! operator staff (and tenant admins, for their own tenant's engagements) and
//! the engagement's auditors, signed in with the portal session cookie. The
//! same services and checks as the pages: an auditor sees only their
//! engagement ("not found" otherwise), writes only fieldwork and answers,
//! and every read they make is in the access log.

use super::body::LateJson;
use crate::routes::download::attachment;
use crate::routes::error::{ApiError, ErrorEnvelope};
use crate::routes::session::signed_in::SignedIn;
use app::domain::Action;
use app::domain::audit_kit::AcceptanceDecision;
use app::domain::audit_kit::view::{
    AccessView, ChecklistView, DecisionsView, EngagementCard, EngagementView, FindingsView,
};
use app::ssr::AppState;
use app::ssr::audit_kit::decisions::{self, DecisionInput};
use app::ssr::audit_kit::engagements::{self, NewEngagement, ScopeInput};
use app::ssr::audit_kit::fieldwork::{self, NewFinding};
use app::ssr::audit_kit::{invitations, lookup, signoff, views};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit/engagements", get(list).post(open))
        .route("/api/v1/audit/engagements/{id}", get(one))
        .route("/api/v1/audit/engagements/{id}/start", post(start))
        .route("/api/v1/audit/engagements/{id}/checklist", get(checklist))
        .route("/api/v1/audit/engagements/{id}/findings", get(findings).post(file_finding))
        .route("/api/v1/audit/engagements/{id}/comments", post(comment))
        .route("/api/v1/audit/engagements/{id}/decisions", get(decisions_list).post(record_decision))
        .route("/api/v1/audit/engagements/{id}/invitations", post(invite))
        .route("/api/v1/audit/engagements/{id}/access-log", get(access_log))
        .route("/api/v1/audit/engagements/{id}/signoff.zip", get(signoff_zip))
        .route("/api/v1/audit/engagements/{id}/answers", post(answer))
}

/// An engagement to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    /// Name.
    pub name: String,
    /// Audit firm.
    pub firm: String,
    /// First day under review (`YYYY-MM-DD`).
    pub period_start: String,
    /// Last day under review.
    pub period_end: String,
    /// Last day auditors have access.
    pub access_ends: String,
    /// Tenant slugs in scope (a tenant admin's own tenant when omitted).
    #[serde(default)]
    pub tenants: Vec<String>,
    /// Repositories in scope (`owner/name`); empty: every repository of those tenants.
    #[serde(default)]
    pub repos: Vec<String>,
    /// The scope document (Markdown).
    pub scope: String,
}

/// Something created, named by its id or reference.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// The id (`eng_…`) or reference (`FND-003`, `DEC-002`).
    pub id: String,
}

/// A finding to file (auditors).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingBody {
    /// Short title.
    pub title: String,
    /// The condition found.
    pub detail: String,
    /// `observation`, `minor` or `major`.
    pub kind: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
}

/// A comment on a finding or request (by its `fnd_…`/`req_…` id).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// The finding's or request's id.
    pub subject: String,
    /// The text.
    pub body: String,
}

/// A decision to record (operator side).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `general` or `risk_acceptance`.
    #[serde(default)]
    pub kind: String,
    /// What was decided.
    pub title: String,
    /// Why.
    pub rationale: String,
    /// Who owns it.
    pub owner: String,
    /// When it was decided (`YYYY-MM-DD`).
    pub decided_on: String,
    /// The finding a risk acceptance is about (`FND-001`).
    #[serde(default)]
    pub finding: String,
}

/// An auditor to invite.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
}

/// A new invitation: its link, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCreated {
    /// `ainv_…` id.
    pub id: String,
    /// The path to send the auditor (`/audit-invite/tpa_…`), relative to the portal.
    pub link: String,
}

/// The auditor's answer to a sign-off pack they reviewed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// SHA-256 of the pack reviewed.
    pub pack_sha256: String,
    /// `accepted` or `rejected`.
    pub decision: String,
    /// The statement, or the reason for rejecting.
    pub statement: String,
}

fn created(id: String) -> Response {
    (StatusCode::CREATED, Json(Created { id })).into_response()
}

fn client(state: &AppState, parts: &axum::http::request::Parts) -> String {
    app::ssr::identity::auth::client_key(state, parts)
}

/// The engagements the caller may see, with their status.
#[utoipa::path(get, path = "/api/v1/audit/engagements", tag = "audit",
    responses((status = 200, body = Vec<EngagementCard>), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn list(State(state): State<AppState>, SignedIn(p): SignedIn) -> Result<Json<Vec<EngagementCard>>, ApiError> {
    p.require(Action::ReadAudits)?;
    Ok(Json(views::cards(&state, &p).await?))
}

/// Opens an engagement (operator staff; tenant admins for their own tenant with Auditor access).
#[utoipa::path(post, path = "/api/v1/audit/engagements", tag = "audit", request_body = OpenBody,
    responses((status = 201, body = Created), (status = 400, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn open(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    body: LateJson<OpenBody>,
) -> Result<Response, ApiError> {
    p.require(Action::ManageAudits)?;
    let b = body.parse()?;
    let new = NewEngagement {
        name: b.name,
        firm: b.firm,
        period_start: b.period_start,
        period_end: b.period_end,
        access_ends: b.access_ends,
        scope: ScopeInput { tenants: b.tenants, repos: b.repos, document: b.scope },
    };
    Ok(created(engagements::open(&state, &p, new).await?.id))
}

/// One engagement: status, scope (every version) and NDA.
#[utoipa::path(get, path = "/api/v1/audit/engagements/{id}", tag = "audit", params(("id" = String, Path)),
    responses((status = 200, body = EngagementView), (status = 404, body = ErrorEnvelope)), security(("session" = [])))]
pub async fn one(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<EngagementView>, ApiError> {
    Ok(Json(views::engagement(&state, &p, &id).await?))
}

/// Starts fieldwork: the scope is locked.
#[utoipa::path(post, path = "/api/v1/audit/engagements/{id}/start", tag = "audit", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn start(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    engagements::start(&state, &p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The checklist, evaluated now from live evidence.
#[utoipa::path(get, path = "/api/v1/audit/engagements/{id}/checklist", tag = "audit", params(("id" = String, Path)),
    responses((status = 200, body = ChecklistView), (status = 404, body = ErrorEnvelope)), security(("session" = [])))]
pub async fn checklist(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ChecklistView>, ApiError> {
    Ok(Json(views::checklist(&state, &p, &id).await?))
}

/// The findings and the sprint's acceptance rule.
#[utoipa::path(get, path = "/api/v1/audit/engagements/{id}/findings", tag = "audit", params(("id" = String, Path)),
    responses((status = 200, body = FindingsView), (status = 404, body = ErrorEnvelope)), security(("session" = [])))]
pub async fn findings(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<FindingsView>, ApiError> {
    Ok(Json(views::findings(&state, &p, &id).await?))
}

/// Files a finding (the engagement's auditor, during fieldwork).
#[utoipa::path(post, path = "/api/v1/audit/engagements/{id}/findings", tag = "audit", params(("id" = String, Path)), request_body = FindingBody,
    responses((status = 201, body = Created), (status = 400, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn file_finding(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
    body: LateJson<FindingBody>,
) -> Result<Response, ApiError> {
    app::ssr::audit_kit::lookup::for_fieldwork(&state, &p, &id).await?;
    let b = body.parse()?;
    let new = NewFinding { title: b.title, detail: b.detail, kind: b.kind, severity: b.severity };
    Ok(created(fieldwork::file_finding(&state, &p, &id, new).await?.reference))
}

/// Comments on a finding or request (either side).
#[utoipa::path(post, path = "/api/v1/audit/engagements/{id}/comments", tag = "audit", params(("id" = String, Path)), request_body = CommentBody,
    responses((status = 201, body = Created), (status = 400, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn comment(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
    body: LateJson<CommentBody>,
) -> Result<Response, ApiError> {
    p.require(Action::CommentOnAudits)?;
    let b = body.parse()?;
    Ok(created(fieldwork::comment(&state, &p, &id, &b.subject, &b.body).await?.id))
}

/// Decisions (every version) and the engagement's risks.
#[utoipa::path(get, path = "/api/v1/audit/engagements/{id}/decisions", tag = "audit", params(("id" = String, Path)),
    responses((status = 200, body = DecisionsView), (status = 404, body = ErrorEnvelope)), security(("session" = [])))]
pub async fn decisions_list(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<DecisionsView>, ApiError> {
    Ok(Json(views::decisions(&state, &p, &id).await?))
}

/// Records a decision (operator side).
#[utoipa::path(post, path = "/api/v1/audit/engagements/{id}/decisions", tag = "audit", params(("id" = String, Path)), request_body = DecisionBody,
    responses((status = 201, body = Created), (status = 400, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn record_decision(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
    body: LateJson<DecisionBody>,
) -> Result<Response, ApiError> {
    // Rights first: a caller who may not record decisions learns nothing from the form's validation.
    app::ssr::audit_kit::lookup::managed(&state, &p, &id).await?;
    let b = body.parse()?;
    let d = DecisionInput::parse(&b.kind, &b.title, &b.rationale, &b.owner, &b.decided_on, &b.finding)?;
    Ok(created(decisions::record(&state, &p, &id, d).await?.reference))
}

/// Invites an auditor (operator side); the link is in the answer once.
#[utoipa::path(post, path = "/api/v1/audit/engagements/{id}/invitations", tag = "audit", params(("id" = String, Path)), request_body = InviteBody,
    responses((status = 201, body = InvitationCreated), (status = 400, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
    body: LateJson<InviteBody>,
) -> Result<Response, ApiError> {
    app::ssr::audit_kit::lookup::managed(&state, &p, &id).await?;
    let b = body.parse()?;
    let invited = invitations::invite(&state, &p, &id, &b.email, &b.name).await?;
    let body = InvitationCreated { id: invited.row.id, link: format!("/audit-invite/{}", invited.token) };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Every auditor view and download (operator side), newest first.
#[utoipa::path(get, path = "/api/v1/audit/engagements/{id}/access-log", tag = "audit", params(("id" = String, Path)),
    responses((status = 200, body = Vec<AccessView>), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn access_log(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Vec<AccessView>>, ApiError> {
    let e = lookup::managed(&state, &p, &id).await?;
    Ok(Json(views::access_log(&state, &e.id, 10_000).await?))
}

/// The sign-off pack, built from the engagement's state now (`X-Content-SHA256` carries its digest).
#[utoipa::path(get, path = "/api/v1/audit/engagements/{id}/signoff.zip", tag = "audit", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/zip", description = "signoff.zip"), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn signoff_zip(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let built = signoff::build(&state, &p, &id).await?;
    let mut res = attachment(built.zip, "application/zip", &format!("signoff-{id}.zip"));
    if let Ok(v) = axum::http::HeaderValue::from_str(&built.sha256) {
        res.headers_mut().insert("x-content-sha256", v);
    }
    Ok(res)
}

/// The auditor's answer to a sign-off pack they reviewed (named by its SHA-256).
#[utoipa::path(post, path = "/api/v1/audit/engagements/{id}/answers", tag = "audit", params(("id" = String, Path)), request_body = AnswerBody,
    responses((status = 201, body = Created), (status = 400, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
    parts: axum::http::request::Parts,
    body: LateJson<AnswerBody>,
) -> Result<Response, ApiError> {
    // Rights first, as for decisions.
    app::ssr::audit_kit::lookup::for_fieldwork(&state, &p, &id).await?;
    let b = body.parse()?;
    let decision = AcceptanceDecision::parse(&b.decision).map_err(|e| app::domain::AppError::invalid("decision", e))?;
    let row = signoff::answer(&state, &p, &id, &b.pack_sha256, decision, &b.statement, &client(&state, &parts)).await?;
    Ok(created(row.id))
}
