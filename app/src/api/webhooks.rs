//! A tenant's webhook endpoint and messages (tenant admins): set the URL,
//! rotate the secret, send a test, and replay a message with its `webhook-id`.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::cursor::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A webhook message as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookMessage {
    /// `msg_…`: the `webhook-id`.
    pub id: String,
    /// Event type.
    pub event_type: String,
    /// `pending`, `delivered`, `dead` or `test`.
    pub status: crate::domain::status::DeliveryStatus,
    /// Attempts made.
    pub attempts: i64,
    /// Next attempt (ms).
    pub next_attempt_at: Option<i64>,
    /// Last failure.
    pub last_error: Option<String>,
    /// Created (ms).
    pub created_at: i64,
}

/// The endpoint and its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookOverview {
    /// Where deliveries go.
    pub url: Option<String>,
    /// The signing secret (`whsec_…`).
    pub secret: Option<crate::domain::revealed::Revealed>,
    /// The previous secret signs too until then (ms), after a rotation.
    pub previous_until: Option<i64>,
}

/// The caller's tenant's endpoint (its messages: [`list_webhook_messages`]).
#[server(endpoint = "webhook_settings")]
pub async fn webhook_settings() -> Result<WebhookOverview, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    let ep = state.db.webhook_endpoint(&p.org_id).await?;
    let now = state.now_ms();
    Ok(WebhookOverview {
        url: ep.as_ref().map(|e| e.url.clone()),
        secret: ep.as_ref().map(|e| crate::domain::revealed::Revealed(e.secret.clone())),
        previous_until: ep.and_then(|e| e.previous_until).filter(|u| *u > now),
    })
}

/// Messages a page lists.
pub const MESSAGES_PAGE: usize = 50;

/// The caller's tenant's messages, newest first, [`MESSAGES_PAGE`] at a time
/// (`before`: the previous page's cursor), all or those in `status` and
/// matching `q` (a `msg_…` id or the start of an event type).
#[server(endpoint = "list_webhook_messages")]
pub async fn list_webhook_messages(
    #[server(default)] status: String,
    #[server(default)] q: String,
    #[server(default)] before: String,
) -> Result<Page<WebhookMessage>, AppError> {
    use crate::domain::cursor::Cursor;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    let search = crate::domain::message_search::MessageSearch::parse(&status, &q)?;
    let before = Cursor::parse(&before)?;
    let limit = i64::try_from(MESSAGES_PAGE + 1).unwrap_or(i64::MAX);
    let rows = state.db.deliveries_page(&p.org_id, &search, before.as_ref(), limit).await?;
    let rows = rows
        .into_iter()
        .map(|d| WebhookMessage {
            id: d.id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_error: d.last_error,
            created_at: d.created_at,
        })
        .collect();
    Ok(Page::of(rows, MESSAGES_PAGE, |m: &WebhookMessage| Cursor { at: m.created_at, id: m.id.clone() }))
}

/// Sets the endpoint URL (checked by the SSRF guard).
#[server(endpoint = "set_webhook_url")]
pub async fn set_webhook_url(url: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    crate::ssr::webhooks::delivery::set_endpoint(&state, &p.email, &p.org_id, &url).await.map(|_| ())
}

/// Rotates the signing secret (the old one keeps signing for a day).
#[server(endpoint = "rotate_webhook_secret")]
pub async fn rotate_webhook_secret() -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    crate::ssr::webhooks::delivery::rotate_secret(&state, &p.email, &p.org_id).await.map(|_| ())
}

/// Sends a signed test message now; the error says what the receiver did.
#[server(endpoint = "send_test_webhook")]
pub async fn send_test_webhook() -> Result<String, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    let (row, outcome) = crate::ssr::webhooks::delivery::test_delivery(&state, &p.org_id).await?;
    match outcome {
        Ok(status) => Ok(format!("{} delivered (HTTP {status})", row.id)),
        Err(e) => Err(AppError::invalid("Test delivery", format!("{} ({}): {}", row.id, e.reason, e.message))),
    }
}

/// Delivers a dead or delivered message again with the same `webhook-id`.
#[server(endpoint = "replay_webhook")]
pub async fn replay_webhook(id: String) -> Result<String, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageTenantSettings).await?;
    let row = crate::ssr::webhooks::delivery::replay(&state, &p.email, &p.org_id, &id).await?;
    Ok(format!("{}: {}", row.id, row.status))
}
