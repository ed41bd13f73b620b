//! Alerts: stored, one open alert per kind and subject, cleared by the
//! portal itself when the condition is gone. A feature computes the alerts
//! it wants open now and hands them to [`reconcile`], which opens the new
//! ones and clears the fixed ones of its kinds. Openings and clearings are
//! delivered to the operator webhook when one is configured, signed as
//! Standard Webhooks ([`crate::ssr::webhooks::scheme`]), one attempt each; a
//! failed delivery is recorded and retried by [`redeliver`].

use crate::domain::AppError;
use crate::domain::alerts::{AlertCentre, AlertItem};
use crate::domain::ids::AlertId;
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::AlertRow;
use crate::ssr::webhooks::scheme::Secret;
use std::collections::BTreeMap;

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Synced {
    /// Alerts opened.
    pub opened: usize,
    /// Alerts cleared.
    pub cleared: usize,
}

/// The alerts a feature wants open: (kind, subject) → (organisation, message).
pub type Wanted = BTreeMap<(String, String), (Option<String>, String)>;

/// Opens every wanted alert not open yet and clears every open alert of a
/// kind starting with `prefix` that is no longer wanted.
pub async fn reconcile(state: &AppState, prefix: &str, wanted: Wanted) -> Result<Synced, AppError> {
    let now = state.now_ms();
    let mut synced = Synced::default();
    for alert in state.db.open_alerts().await? {
        let fixed =
            alert.kind.starts_with(prefix) && !wanted.contains_key(&(alert.kind.clone(), alert.subject.clone()));
        if fixed && state.db.clear_alert(&alert.id, now).await? {
            synced.cleared += 1;
            spawn_delivery(state, alert, "alert.cleared");
        }
    }
    for ((kind, subject), (org_id, message)) in wanted {
        let row = AlertRow {
            id: state.new_id(AlertId::from_parts).to_string(),
            kind,
            org_id,
            subject,
            message,
            opened_at: now,
            cleared_at: None,
            delivered: None,
            delivery_error: None,
            acked_by: None,
            acked_at: None,
        };
        if state.db.open_alert(&row).await? {
            synced.opened += 1;
            tracing::warn!(kind = %row.kind, subject = %row.subject, "alert opened");
            spawn_delivery(state, row, "alert.opened");
        }
    }
    Ok(synced)
}

/// How many cleared alerts the alert centre shows.
pub const HISTORY: i64 = 200;

/// The alert centre: every open alert and the [`HISTORY`] most recently cleared.
pub async fn centre(state: &AppState) -> Result<AlertCentre, AppError> {
    let open = state.db.open_alerts().await?.into_iter().map(item).collect();
    let history = state.db.cleared_alerts(HISTORY).await?.into_iter().map(item).collect();
    Ok(AlertCentre { open, history })
}

/// An alert as the centre shows it.
pub fn item(a: AlertRow) -> AlertItem {
    AlertItem {
        id: a.id,
        kind: a.kind,
        subject: a.subject,
        message: a.message,
        opened_at: a.opened_at,
        cleared_at: a.cleared_at,
        acked_by: a.acked_by,
        acked_at: a.acked_at,
        delivered: a.delivered,
        delivery_error: a.delivery_error,
    }
}

/// Acknowledges an open alert: `actor` takes it on. Who and when are stored
/// and written to the audit log in one unit of work; the alert stays open
/// until its condition is gone. Refused (409) when it is already
/// acknowledged or cleared; 404 for an unknown id.
pub async fn acknowledge(state: &AppState, actor: &str, id: &str) -> Result<AlertRow, AppError> {
    let conflict = |why: String| AppError::new(crate::domain::ErrorCode::Conflict, why);
    let alert = state.db.alert(id).await?.ok_or_else(|| AppError::not_found("alert"))?;
    if let Some(at) = alert.cleared_at {
        return Err(conflict(format!("the alert cleared itself at {}", crate::domain::period::display_time(at))));
    }
    if let Some(by) = &alert.acked_by {
        return Err(conflict(format!("{by} acknowledged the alert already")));
    }
    let now = state.now_ms();
    let mut tx = state.db.transaction().await?;
    if !tx.acknowledge_alert(id, actor, now).await? {
        return Err(conflict("the alert changed meanwhile; reload".to_owned()));
    }
    let detail = format!("{} {}", alert.kind, alert.subject);
    let event = crate::ssr::audit::AuditEvent {
        actor,
        action: "alert.acknowledged",
        org_id: alert.org_id.as_deref(),
        target: Some(id),
        detail: &detail,
    };
    crate::ssr::audit::append(&mut tx, state, &event).await?;
    tx.commit().await?;
    Ok(AlertRow { acked_by: Some(actor.to_owned()), acked_at: Some(now), ..alert })
}

/// Delivers again every open alert whose opening was never delivered (a failed
/// attempt, or a process that stopped first). Same `webhook-id` as before, so
/// receivers can drop duplicates. The server runs this hourly.
pub async fn redeliver(state: &AppState) -> Result<usize, AppError> {
    let mut n = 0;
    for alert in state.db.open_alerts().await? {
        if alert.delivered.is_none() {
            deliver(state, &alert, "alert.opened").await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Delivers in the background: the caller (an upload, a sync) never waits for a receiver.
fn spawn_delivery(state: &AppState, alert: AlertRow, event: &'static str) {
    if state.config.alert_webhook_url.is_none() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = deliver(&state, &alert, event).await {
            tracing::warn!(error = %e.message, "recording an alert delivery failed");
        }
    });
}

/// Delivers one alert event to the operator webhook (when configured) and records the outcome.
async fn deliver(state: &AppState, alert: &AlertRow, event: &str) -> Result<(), AppError> {
    let (Some(url), Some(secret)) = (&state.config.alert_webhook_url, &state.config.alert_webhook_secret) else {
        return Ok(());
    };
    let secret = Secret::parse(&secret.0).map_err(log_internal)?;
    let data = serde_json::json!({
        "id": alert.id, "kind": alert.kind, "subject": alert.subject, "message": alert.message,
        "opened_at": crate::ssr::clock::rfc3339(alert.opened_at),
    });
    let body = crate::ssr::webhooks::delivery::payload(state, event, &data);
    // One webhook-id per alert and event, the same on every retry.
    let id = format!("msg_{}_{}", alert.id.trim_start_matches("alert_"), event.trim_start_matches("alert."));
    let result = crate::ssr::webhooks::delivery::send(
        &state.outbound,
        url,
        &[secret],
        &id,
        state.now_ms() / 1000,
        body.as_bytes(),
    )
    .await
    .map_err(|e| e.message);
    let done = event.trim_start_matches("alert.");
    let delivered = alert.delivered.as_deref().map_or_else(|| done.to_owned(), |d| format!("{d},{done}"));
    match result {
        Ok(_) => Ok(state.db.alert_delivery(&alert.id, Some(&delivered), None).await?),
        Err(why) => {
            tracing::warn!(alert = %alert.id, error = %why, "alert webhook delivery failed");
            Ok(state.db.alert_delivery(&alert.id, None, Some(&why)).await?)
        }
    }
}
