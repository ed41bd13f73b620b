//! A tenant's webhooks over REST with its API key, as on the Webhooks page:
//! the endpoint (URL and signing secret: `admin` scope), a secret rotation,
//! a signed test delivery, and the messages with their delivery state
//! (`read` to list, `admin` to replay one with the same `webhook-id`).

use super::api_key::{Admin, Key, Read};
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::ssr::AppState;
use app::ssr::webhooks::delivery;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhooks/endpoint", get(endpoint).put(set_endpoint))
        .route("/api/v1/webhooks/endpoint/rotate-secret", post(rotate_secret))
        .route("/api/v1/webhooks/endpoint/test", post(send_test))
        .route("/api/v1/webhooks/messages", get(list_messages))
        .route("/api/v1/webhooks/messages/{id}/replay", post(replay_message))
}

/// Who did it, in the audit log.
fn actor(key: &app::ssr::store::ApiKeyRow) -> String {
    format!("api-key:{}", key.id)
}

/// The tenant's endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointInfo {
    /// Where messages go.
    pub url: String,
    /// The `whsec_…` secret that signs them (Standard Webhooks).
    pub secret: String,
    /// After a rotation: until when (ms) the previous secret signs too.
    pub previous_until: Option<i64>,
}

fn endpoint_info(state: &AppState, row: app::ssr::store::WebhookEndpointRow) -> EndpointInfo {
    let now = state.now_ms();
    EndpointInfo { url: row.url, secret: row.secret, previous_until: row.previous_until.filter(|u| *u > now) }
}

/// The endpoint and its signing secret (404 before one is set).
#[utoipa::path(get, path = "/api/v1/webhooks/endpoint", tag = "webhooks",
    responses((status = 200, body = EndpointInfo), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn endpoint(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
) -> Result<Json<EndpointInfo>, ApiError> {
    let row = state.db.webhook_endpoint(&key.org_id).await?;
    let row = row.ok_or_else(|| app::domain::AppError::not_found("Webhook endpoint"))?;
    Ok(Json(endpoint_info(&state, row)))
}

/// A receiver URL.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointBody {
    /// `https://…` (plain `http://` only for receivers on the development allowlist).
    pub url: String,
}

/// Sets the endpoint URL, checked by the SSRF guard (its name and every DNS
/// answer) before it is stored; audited. A first endpoint gets a new secret.
#[utoipa::path(put, path = "/api/v1/webhooks/endpoint", tag = "webhooks", request_body = EndpointBody,
    responses((status = 200, body = EndpointInfo), (status = 400, description = "Not a URL, or a private or refused address", body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn set_endpoint(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
    Json(b): Json<EndpointBody>,
) -> Result<Json<EndpointInfo>, ApiError> {
    let row = delivery::set_endpoint(&state, &actor(&key), &key.org_id, &b.url).await?;
    Ok(Json(endpoint_info(&state, row)))
}

/// Rotates the signing secret; the previous one keeps signing beside it for a day (audited).
#[utoipa::path(post, path = "/api/v1/webhooks/endpoint/rotate-secret", tag = "webhooks",
    responses((status = 200, body = EndpointInfo), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
) -> Result<Json<EndpointInfo>, ApiError> {
    let row = delivery::rotate_secret(&state, &actor(&key), &key.org_id).await?;
    Ok(Json(endpoint_info(&state, row)))
}

/// A test delivery's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestDelivery {
    /// The message (`msg_…`), listed with the others.
    pub message: MessageInfo,
    /// Whether the receiver answered 2xx.
    pub delivered: bool,
    /// What the receiver did: its HTTP status, or why nothing was delivered.
    pub detail: String,
}

/// Sends a signed `webhook.test` message now and says what the receiver did.
/// A receiver that refuses or cannot be reached is an answer too (200 with
/// `delivered: false`), not an error of this call.
#[utoipa::path(post, path = "/api/v1/webhooks/endpoint/test", tag = "webhooks",
    responses((status = 200, body = TestDelivery), (status = 404, body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn send_test(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
) -> Result<Json<TestDelivery>, ApiError> {
    let (row, outcome) = delivery::test_delivery(&state, &key.org_id).await?;
    let (delivered, detail) = match outcome {
        Ok(status) => (true, format!("HTTP {status}")),
        Err(e) => (false, format!("{}: {}", e.reason, e.message)),
    };
    Ok(Json(TestDelivery { message: message_info(row), delivered, detail }))
}

/// A webhook message and how its delivery stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageInfo {
    /// The `webhook-id` (`msg_…`), the same on every attempt and replay.
    pub id: String,
    /// Event type.
    pub event_type: String,
    /// `pending`, `delivered`, `dead` or `test`.
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// Next attempt (ms), while pending.
    pub next_attempt_at: Option<i64>,
    /// The receiver's last HTTP status.
    pub last_status: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
}

fn message_info(d: app::ssr::store::DeliveryRow) -> MessageInfo {
    MessageInfo {
        id: d.id,
        event_type: d.event_type,
        status: d.status.as_str().into(),
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at,
        last_status: d.last_status,
        last_error: d.last_error,
    }
}

/// Which webhook messages (as the Webhooks page's search).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessagesQuery {
    /// `pending`, `delivered`, `dead` or `test`; every state when omitted.
    #[serde(default)]
    pub status: String,
    /// A message id (`msg_…`) or the start of an event type (`pack.`).
    #[serde(default)]
    pub q: String,
    /// Only messages older than this cursor (`MS.ID`: the last message's `created_at` and `id`).
    #[serde(default)]
    pub before: String,
}

/// Messages one answer lists at most.
const MESSAGES_PER_ANSWER: i64 = 200;

/// The caller's tenant's webhook messages, newest first, at most 200 per
/// answer, filtered as on the Webhooks page.
#[utoipa::path(get, path = "/api/v1/webhooks/messages", tag = "webhooks", params(MessagesQuery),
    responses((status = 200, body = [MessageInfo]), (status = 400, description = "Bad status, search or cursor", body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn list_messages(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
    axum::extract::Query(q): axum::extract::Query<MessagesQuery>,
) -> Result<Json<Vec<MessageInfo>>, ApiError> {
    let search = app::domain::message_search::MessageSearch::parse(&q.status, &q.q)?;
    let before = app::domain::cursor::Cursor::parse(&q.before)?;
    let rows = state.db.deliveries_page(&key.org_id, &search, before.as_ref(), MESSAGES_PER_ANSWER).await?;
    Ok(Json(rows.into_iter().map(message_info).collect()))
}

/// Delivers a dead (or delivered) message again with the same `webhook-id`.
#[utoipa::path(post, path = "/api/v1/webhooks/messages/{id}/replay", tag = "webhooks",
    params(("id" = String, Path)),
    responses((status = 200, body = MessageInfo), (status = 400, description = "A test message (send a new test instead)", body = ErrorEnvelope),
        (status = 404, body = ErrorEnvelope), (status = 409, description = "Still being delivered", body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn replay_message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Key { row: key, .. }: Key<Admin>,
) -> Result<Json<MessageInfo>, ApiError> {
    let row = delivery::replay(&state, &actor(&key), &key.org_id, &id).await?;
    Ok(Json(message_info(row)))
}
