//! Demo data for webhooks: Acme's endpoint and the messages its receiver
//! got about its release packs, one of them dead after every retry (the
//! receiver answered 503 all night). So the Webhooks page shows how a
//! failure looks and how it is fixed (Replay), Acme's overview asks for it,
//! and the operator's alert centre has a webhook dead-letter alert.

use app::domain::AppError;
use app::domain::ids::{WebhookEndpointId, WebhookMessageId};
use app::domain::status::DeliveryStatus;
use app::ssr::AppState;
use app::ssr::store::{DeliveryRow, WebhookEndpointRow};
use app::ssr::webhooks::delivery::RETRY_DELAYS_MS;
use app::ssr::webhooks::scheme::Secret;

/// Where Acme's messages go: a reserved name (`.example` never resolves),
/// so new messages in a demo wait and retry instead of leaving the machine.
pub const ACME_RECEIVER: &str = "https://hooks.acme-robotics.example/trust-portal";

const HOUR: i64 = 3_600_000;
const REPO: &str = "acme/robot-firmware";

/// Acme's endpoint and three messages about its packs (after they were
/// uploaded): v2.3.5 delivered, v2.3.9's failure dead after every attempt,
/// v2.4.0 delivered on the second.
pub async fn seed(state: &AppState, org_id: &str) -> Result<(), AppError> {
    let now = state.now_ms();
    let created_at = now - 4 * 24 * HOUR;
    state
        .db
        .upsert_webhook_endpoint(&WebhookEndpointRow {
            id: WebhookEndpointId::from_parts(ms(created_at), rand::random()).to_string(),
            org_id: org_id.to_owned(),
            url: ACME_RECEIVER.to_owned(),
            secret: Secret::generate(),
            previous_secret: None,
            previous_until: None,
            created_at,
            updated_at: created_at,
        })
        .await?;
    let attempts_to_die = i64::try_from(RETRY_DELAYS_MS.len()).unwrap_or(0) + 1;
    let messages = [
        // (hours ago, event, tag, outcome: attempts, last HTTP status, error)
        (72, "pack.verified", "v2.3.5", DeliveryStatus::Delivered, 1, Some(200), None),
        (
            20,
            "pack.failed",
            "v2.3.9",
            DeliveryStatus::Dead,
            attempts_to_die,
            Some(503),
            Some("the receiver answered HTTP 503 Service Unavailable"),
        ),
        (1, "pack.verified", "v2.4.0", DeliveryStatus::Delivered, 2, Some(200), None),
    ];
    for (hours_ago, event, tag, status, attempts, last_status, last_error) in messages {
        let at = now - hours_ago * HOUR;
        // The message says what the pack upload said: its digest and, for a failure, why.
        let pack = state.db.pack(org_id, REPO, tag).await?;
        let (sha256, reason) = pack.map(|p| (Some(p.sha256), p.reason)).unwrap_or_default();
        let data = serde_json::json!({ "repo": REPO, "tag": tag, "sha256": sha256, "reason": reason });
        let payload = serde_json::json!({ "type": event, "timestamp": app::ssr::clock::rfc3339(at), "data": data });
        let delivered = status == DeliveryStatus::Delivered;
        state
            .db
            .insert_delivery(&DeliveryRow {
                id: WebhookMessageId::from_parts(ms(at), rand::random()).to_string(),
                org_id: org_id.to_owned(),
                event_type: event.to_owned(),
                payload: payload.to_string(),
                status,
                attempts,
                next_attempt_at: None,
                last_status,
                last_error: last_error.map(str::to_owned),
                created_at: at,
                delivered_at: delivered.then_some(at + attempts * 5_000),
            })
            .await?;
    }
    Ok(())
}

fn ms(at: i64) -> u64 {
    u64::try_from(at).unwrap_or(0)
}
