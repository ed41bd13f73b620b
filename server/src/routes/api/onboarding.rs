//! Onboarding over HTTP.
//!
//! The browser follows the invitation link ([`crate::routes::public::invite`]);
//! the CLI drives the same state machine with `Authorization: Bearer tpi_…`: `GET /api/v1/onboarding`,
//! `POST /api/v1/onboarding/steps/{step}` and `POST /api/v1/onboarding/go-to/{step}`.
//! A step whose checks fail answers 422 with the reason, the fix and the session.

use crate::routes::error::{ApiCode, ApiError, ErrorEnvelope};
use app::domain::onboarding::{OnboardingView, RepoSource, Step};
use app::ssr::AppState;
use app::ssr::onboarding::{self, StepInput, Via};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest step body: a pack at the packs API's limit, base64, and the other fields.
const STEP_BODY_BYTES: usize = app::ssr::evidence::packs::MAX_ZIP_BYTES / 3 * 4 + 64 * 1024;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/onboarding", get(session))
        // Step 4 may carry a whole pack as base64 (4/3 of its size).
        .route("/api/v1/onboarding/steps/{step}", post(submit_step).layer(DefaultBodyLimit::disable()))
        .route("/api/v1/onboarding/go-to/{step}", post(go_to))
}

fn invite_token(headers: &HeaderMap) -> Result<String, ApiError> {
    app::ssr::identity::auth::bearer_token(headers)
        .filter(|t| t.starts_with(onboarding::INVITE_PREFIX))
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(ApiCode::Unauthenticated, "Send the invitation token as 'Authorization: Bearer tpi_…'.")
        })
}

/// The session, as the wizard shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Steps, data entered, the last failure, policy versions to pick from.
    #[schema(value_type = Object)]
    pub session: OnboardingView,
    /// Step 5 only: the first API key, shown this once.
    pub api_key: Option<String>,
}

/// A step whose checks failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepFailed {
    /// `code` is the reason (`webhook_unreachable`, `signature_mismatch`, …).
    pub error: crate::routes::error::ErrorBody,
    /// How to fix it.
    pub fix: String,
    /// The session.
    #[schema(value_type = Object)]
    pub session: OnboardingView,
}

/// One step's fields; those of other steps are ignored.
#[derive(Default, Deserialize, ToSchema)]
pub struct StepBody {
    /// Step 1: company name.
    pub name: Option<String>,
    /// Step 1: handle.
    pub slug: Option<String>,
    /// Step 1: plan.
    pub plan: Option<String>,
    /// Step 1: tenant admin's name.
    pub admin_name: Option<String>,
    /// Step 1: tenant admin's e-mail.
    pub admin_email: Option<String>,
    /// Step 1: tenant admin's password.
    pub admin_password: Option<String>,
    /// Step 2: webhook URL.
    pub url: Option<String>,
    /// Step 3: policy version.
    pub version: Option<i64>,
    /// Step 4: `owner/name`.
    pub repo: Option<String>,
    /// Step 4: `releases` (default), `portal` (a pack already uploaded) or
    /// `upload` (the pack in `pack_base64`).
    pub source: Option<String>,
    /// Step 4: pack-signing public key (PEM), when the tenant has none yet.
    pub public_key: Option<String>,
    /// Step 4 with `source` `upload`: the `*.pack.zip`, base64.
    pub pack_base64: Option<String>,
}

fn required(v: Option<String>, field: &str) -> Result<String, ApiError> {
    v.ok_or_else(|| ApiError::new(ApiCode::InvalidInput, format!("{field}: missing")))
}

fn input(step: Step, b: StepBody) -> Result<StepInput, ApiError> {
    Ok(match step {
        Step::Details => StepInput::Details {
            name: required(b.name, "name")?,
            slug: required(b.slug, "slug")?,
            plan: required(b.plan, "plan")?,
            admin_name: required(b.admin_name, "admin_name")?,
            admin_email: required(b.admin_email, "admin_email")?,
            admin_password: b.admin_password.unwrap_or_default(),
        },
        Step::Webhook => StepInput::Webhook { url: required(b.url, "url")? },
        Step::Policy => StepInput::Policy {
            version: b.version.ok_or_else(|| ApiError::new(ApiCode::InvalidInput, "version: missing"))?,
        },
        Step::Repository => StepInput::Repository {
            repo: required(b.repo, "repo")?,
            source: RepoSource::parse(b.source.as_deref().unwrap_or("releases"))
                .map_err(|e| ApiError::new(ApiCode::InvalidInput, format!("source: {e}")))?,
            public_key: b.public_key,
            pack: b
                .pack_base64
                .map(|p| base64::Engine::decode(&base64::engine::general_purpose::STANDARD, p.trim()))
                .transpose()
                .map_err(|e| ApiError::new(ApiCode::InvalidInput, format!("pack_base64: not base64 ({e})")))?,
        },
        Step::Finish => StepInput::Finish,
    })
}

/// The onboarding session of the invitation.
#[utoipa::path(get, path = "/api/v1/onboarding", tag = "onboarding",
    responses((status = 200, body = SessionResponse), (status = 401, body = ErrorEnvelope), (status = 403, description = "Expired or used invitation", body = ErrorEnvelope)))]
pub async fn session(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<SessionResponse>, ApiError> {
    let token = invite_token(&headers)?;
    let session = onboarding::show(&state, &token, Via::Cli).await?;
    Ok(Json(SessionResponse { session, api_key: None }))
}

/// Runs one step's checks.
#[utoipa::path(post, path = "/api/v1/onboarding/steps/{step}", tag = "onboarding",
    params(("step" = String, Path, description = "1-5 or details, webhook, policy, repository, finish")),
    request_body = StepBody,
    responses((status = 200, description = "Checks passed", body = SessionResponse),
        (status = 422, description = "Checks failed: reason, fix and session", body = StepFailed),
        (status = 400, description = "Out of order or a field is missing", body = ErrorEnvelope),
        (status = 401, body = ErrorEnvelope), (status = 409, description = "Already completed", body = ErrorEnvelope)))]
pub async fn submit_step(
    State(state): State<AppState>,
    Path(step): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let token = invite_token(&headers)?;
    let step = Step::parse(&step).map_err(|e| ApiError::new(ApiCode::NotFound, e))?;
    // The body (up to a whole pack) is read only for a link that can still be followed.
    onboarding::check_link(&state, &token).await.map_err(|p| ApiError::from(p.error()))?;
    let bytes = super::body::read(body, STEP_BODY_BYTES, "Step").await?;
    let fields = if bytes.iter().all(u8::is_ascii_whitespace) {
        StepBody::default()
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::new(ApiCode::InvalidInput, format!("the step's JSON body: {e}")))?
    };
    let input = input(step, fields)?;
    let done = onboarding::submit(&state, &token, input, Via::Cli).await?;
    if let Some(f) = done.view.failure.clone().filter(|f| f.step == step.number()) {
        let body = StepFailed {
            error: crate::routes::error::ErrorBody {
                code: ApiCode::StepFailed.into(),
                message: format!("{} ({})", f.message, f.reason),
            },
            fix: f.fix,
            session: done.view,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    Ok(Json(SessionResponse { session: done.view, api_key: done.api_key }).into_response())
}

/// Goes to an earlier step (or the next one to do).
#[utoipa::path(post, path = "/api/v1/onboarding/go-to/{step}", tag = "onboarding",
    params(("step" = String, Path)), responses((status = 200, body = SessionResponse), (status = 400, body = ErrorEnvelope),
        (status = 401, description = "No invitation token, or an unknown one", body = ErrorEnvelope),
        (status = 403, description = "Expired or used invitation", body = ErrorEnvelope)))]
pub async fn go_to(
    State(state): State<AppState>,
    Path(step): Path<String>,
    headers: HeaderMap,
) -> Result<Json<SessionResponse>, ApiError> {
    let token = invite_token(&headers)?;
    let step = Step::parse(&step).map_err(|e| ApiError::new(ApiCode::NotFound, e))?;
    let session = onboarding::go_to(&state, &token, step, Via::Cli).await?;
    Ok(Json(SessionResponse { session, api_key: None }))
}
