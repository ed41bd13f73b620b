//! Tenant webhooks: one endpoint per tenant with its `whsec_` secret (rotation
//! keeps the previous one signing for a day), a queue of messages delivered
//! as Standard Webhooks ([`crate::ssr::webhooks::scheme`]) through the SSRF guard, retried
//! on [`RETRY_DELAYS_MS`] with jitter, dead after the last attempt, and
//! replayable by hand with the same `webhook-id`. Onboarding's test delivery
//! uses the same sender ([`send`]).

use crate::domain::entitlements::Feature;
use crate::domain::ids::{WebhookEndpointId, WebhookMessageId};
use crate::domain::status::DeliveryStatus;
use crate::domain::{AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::store::{DeliveryRow, WebhookEndpointRow};
use crate::ssr::webhooks::scheme::{LEGACY_SIGNATURE_HEADER, Secret, signature_header};
use crate::ssr::webhooks::ssrf::Outbound;

/// Most bytes of a receiver's answer read (and then ignored).
pub const RESPONSE_CAP: usize = 64 * 1024;
/// Waits after each failed attempt: the first attempt is immediate, then 5 s,
/// 5 min, 30 min, 2 h, 5 h and 10 h (7 attempts over about 17.5 hours).
pub const RETRY_DELAYS_MS: [i64; 6] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
/// How long a process holds a message it is delivering before another may try.
const LEASE_MS: i64 = 60_000;
/// How long the previous secret keeps signing after a rotation.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3_600_000;

/// Why a delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// Reason code: `ssrf_refused`, `webhook_unreachable`, `webhook_status`.
    pub reason: &'static str,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// What happened.
    pub message: String,
}

/// POSTs a signed webhook through the SSRF guard: 15 s timeout, no redirects
/// followed, only allowed addresses, at most [`RESPONSE_CAP`] of the answer
/// read. Returns the receiver's (2xx) status.
pub async fn send(
    out: &Outbound,
    url: &str,
    secrets: &[Secret],
    id: &str,
    timestamp_s: i64,
    body: &[u8],
) -> Result<u16, SendError> {
    let fail = |reason, status, message: String| SendError { reason, status, message };
    let url = out.policy.check_url(url).map_err(|e| fail("ssrf_refused", None, e.message))?;
    let client = out.client().map_err(|e| fail("webhook_unreachable", None, e))?;
    let signature = signature_header(secrets, id, timestamp_s, body);
    let mut res = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp_s.to_string())
        .header("webhook-signature", &signature)
        .header(LEGACY_SIGNATURE_HEADER, &signature)
        .body(body.to_vec())
        .send()
        .await
        .map_err(|e| match crate::ssr::webhooks::ssrf::Refused::in_error(&e) {
            Some(refused) => {
                // The operator's log has the address; the stored message does not.
                tracing::warn!(webhook = %id, detail = %refused.detail, "webhook refused by the SSRF guard");
                fail("ssrf_refused", None, format!("refused: {}", refused.message))
            }
            None => {
                let why = if e.is_timeout() { "timed out after 15 s".to_owned() } else { format!("{e:#}") };
                fail("webhook_unreachable", None, format!("cannot reach the receiver: {why}"))
            }
        })?;
    let status = res.status();
    let mut read = 0;
    while let Ok(Some(chunk)) = res.chunk().await {
        read += chunk.len();
        if read >= RESPONSE_CAP {
            break;
        }
    }
    if status.is_success() {
        Ok(status.as_u16())
    } else if status.is_redirection() {
        Err(fail(
            "webhook_status",
            Some(status.as_u16()),
            format!("the receiver answered {status}; redirects are not followed"),
        ))
    } else {
        Err(fail("webhook_status", Some(status.as_u16()), format!("the receiver answered {status}")))
    }
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones, with
/// ±10% jitter from `jitter` (0..=1000 per mille); `None` after the last.
pub fn retry_delay_ms(attempts: i64, jitter: i64) -> Option<i64> {
    let base = *RETRY_DELAYS_MS.get(usize::try_from(attempts - 1).ok()?)?;
    Some(base + base * (jitter.clamp(0, 1000) - 500) / 5000)
}

/// A jitter draw in 0..=1000.
fn jitter() -> i64 {
    use rand::Rng;
    rand::thread_rng().gen_range(0..=1000)
}

/// The secrets that sign now: the current one, and the previous during the overlap.
fn signing_secrets(e: &WebhookEndpointRow, now: i64) -> Result<Vec<Secret>, AppError> {
    let mut secrets = vec![Secret::parse(&e.secret).map_err(log_internal)?];
    if let (Some(prev), Some(until)) = (&e.previous_secret, e.previous_until)
        && until > now
    {
        secrets.push(Secret::parse(prev).map_err(log_internal)?);
    }
    Ok(secrets)
}

/// Sets a tenant's endpoint URL (checked by the SSRF guard first). A new
/// endpoint gets a fresh secret; changing the URL keeps the secret.
pub async fn set_endpoint(
    state: &AppState,
    actor: &str,
    org_id: &str,
    url: &str,
) -> Result<WebhookEndpointRow, AppError> {
    // Checked whole (name and every DNS answer) before anything is stored.
    let url = state
        .outbound
        .policy
        .check_url_resolving(url)
        .await
        .map_err(|e| {
            tracing::info!(tenant = %org_id, detail = %e.detail, "webhook URL refused");
            AppError::invalid("Webhook URL", e.message)
        })?
        .to_string();
    let now = state.now_ms();
    let row = match state.db.webhook_endpoint(org_id).await? {
        Some(existing) => WebhookEndpointRow { url, updated_at: now, ..existing },
        None => WebhookEndpointRow {
            id: state.new_id(WebhookEndpointId::from_parts).to_string(),
            org_id: org_id.to_owned(),
            url,
            secret: Secret::generate(),
            previous_secret: None,
            previous_until: None,
            created_at: now,
            updated_at: now,
        },
    };
    state.db.upsert_webhook_endpoint(&row).await?;
    AuditEvent::new(actor, "webhook.endpoint_set")
        .about(org_id, &row.id)
        .detail(&format!("url={}", redacted_url(&row.url)))
        .log(state)
        .await?;
    Ok(row)
}

/// A webhook URL as the audit log keeps it: scheme, host and port only. Paths
/// and queries often carry the receiver's bearer secret, and the audit log is
/// immutable and read by auditors.
pub fn redacted_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => {
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            let hidden = if u.path() == "/" && u.query().is_none() { "/" } else { "/…" };
            format!("{}://{}{port}{hidden}", u.scheme(), u.host_str().unwrap_or_default())
        }
        Err(_) => "(unparseable URL)".into(),
    }
}

/// Rotates a tenant's secret: the new one signs from now, the old one too for
/// [`ROTATION_OVERLAP_MS`], so receivers can switch without missing a message.
pub async fn rotate_secret(state: &AppState, actor: &str, org_id: &str) -> Result<WebhookEndpointRow, AppError> {
    let existing = endpoint(state, org_id).await?;
    let now = state.now_ms();
    let row = WebhookEndpointRow {
        previous_secret: Some(existing.secret.clone()),
        previous_until: Some(now + ROTATION_OVERLAP_MS),
        secret: Secret::generate(),
        updated_at: now,
        ..existing
    };
    state.db.upsert_webhook_endpoint(&row).await?;
    AuditEvent::new(actor, "webhook.secret_rotated").about(org_id, &row.id).log(state).await?;
    Ok(row)
}

/// A tenant's endpoint, or a clear error when there is none.
pub async fn endpoint(state: &AppState, org_id: &str) -> Result<WebhookEndpointRow, AppError> {
    state
        .db
        .webhook_endpoint(org_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "No webhook endpoint yet: set its URL first."))
}

/// A message body: `{"type", "timestamp", "data"}` (the Standard Webhooks envelope), stamped now.
pub fn payload(state: &AppState, event_type: &str, data: &serde_json::Value) -> String {
    serde_json::json!({
        "type": event_type,
        "timestamp": crate::ssr::clock::rfc3339(state.now_ms()),
        "data": data,
    })
    .to_string()
}

/// Sends a `webhook.test` message now, once (no retries), and records it.
/// The outcome is the stored message; `Err` only for the portal's own failures.
pub async fn test_delivery(state: &AppState, org_id: &str) -> Result<(DeliveryRow, Result<u16, SendError>), AppError> {
    let ep = endpoint(state, org_id).await?;
    let now = state.now_ms();
    let mut row = DeliveryRow {
        id: state.new_id(WebhookMessageId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        event_type: "webhook.test".into(),
        payload: payload(state, "webhook.test", &serde_json::json!({ "message": "Test delivery from Trust Portal" })),
        status: DeliveryStatus::Test,
        attempts: 0,
        next_attempt_at: None,
        last_status: None,
        last_error: None,
        created_at: now,
        delivered_at: None,
    };
    let outcome = attempt(state, &ep, &mut row).await?;
    state.db.insert_delivery(&row).await?;
    Ok((row, outcome))
}

/// One attempt: sends and writes the outcome into `row` (not stored here).
async fn attempt(
    state: &AppState,
    ep: &WebhookEndpointRow,
    row: &mut DeliveryRow,
) -> Result<Result<u16, SendError>, AppError> {
    let now = state.now_ms();
    let secrets = signing_secrets(ep, now)?;
    let outcome = send(&state.outbound, &ep.url, &secrets, &row.id, now / 1000, row.payload.as_bytes()).await;
    row.attempts += 1;
    match &outcome {
        Ok(status) => {
            row.last_status = Some(i64::from(*status));
            row.last_error = None;
            row.delivered_at = Some(state.now_ms());
        }
        Err(e) => {
            row.last_status = e.status.map(i64::from);
            row.last_error = Some(e.message.clone());
        }
    }
    Ok(outcome)
}

/// Queues `event_type` for a tenant when it has an endpoint and its plan's
/// `webhooks` feature is on; returns the message id when queued.
pub async fn enqueue(
    state: &AppState,
    org_id: &str,
    event_type: &str,
    data: &serde_json::Value,
) -> Result<Option<String>, AppError> {
    if state.db.webhook_endpoint(org_id).await?.is_none()
        || !crate::ssr::billing::entitlements::allows(state, org_id, Feature::Webhooks).await?
    {
        return Ok(None);
    }
    let now = state.now_ms();
    let row = DeliveryRow {
        id: state.new_id(WebhookMessageId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        event_type: event_type.to_owned(),
        payload: payload(state, event_type, data),
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: Some(now),
        last_status: None,
        last_error: None,
        created_at: now,
        delivered_at: None,
    };
    state.db.insert_delivery(&row).await?;
    Ok(Some(row.id))
}

/// Most messages of one tenant attempted in one run (the rest wait their turn).
const PER_TENANT_BATCH: usize = 10;

/// Tenants whose deliveries are running now (in this process), so the next
/// run starts no second batch for a tenant whose endpoint is slow.
#[derive(Debug, Default)]
pub struct InFlight(std::sync::Mutex<std::collections::HashSet<String>>);

/// A tenant's claim on delivering now; released when dropped.
struct Claim<'a>(&'a InFlight, String);

impl InFlight {
    fn claim(&self, org_id: &str) -> Option<Claim<'_>> {
        let mut set = self.0.lock().ok()?;
        set.insert(org_id.to_owned()).then(|| Claim(self, org_id.to_owned()))
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Ok(mut set) = self.0.0.lock() {
            set.remove(&self.1);
        }
    }
}

/// Attempts every due message once and waits for the attempts (tests and the
/// CLI): delivered, or rescheduled on [`RETRY_DELAYS_MS`] with jitter, or dead
/// after the last attempt. Several processes may run it: each message is
/// leased by one. Tenants are delivered concurrently, each tenant's messages
/// in order, so an endpoint that never answers delays only its own tenant.
/// Returns the attempts made.
pub async fn deliver_due(state: &AppState) -> Result<usize, AppError> {
    let mut set = start_batches(state).await?;
    let mut made = 0;
    while let Some(done) = set.join_next().await {
        made += done.map_err(log_internal)??;
    }
    Ok(made)
}

/// What the server runs every second: starts the due batches of tenants not
/// already being delivered and returns without waiting for them. Returns the
/// batches started.
pub async fn start_due(state: &AppState) -> Result<usize, AppError> {
    let mut set = start_batches(state).await?;
    let started = set.len();
    set.detach_all();
    Ok(started)
}

async fn start_batches(state: &AppState) -> Result<tokio::task::JoinSet<Result<usize, AppError>>, AppError> {
    let now = state.now_ms();
    let mut by_tenant: std::collections::BTreeMap<String, Vec<DeliveryRow>> = std::collections::BTreeMap::new();
    for row in state.db.due_deliveries(now, 500).await? {
        let batch = by_tenant.entry(row.org_id.clone()).or_default();
        if batch.len() < PER_TENANT_BATCH {
            batch.push(row);
        }
    }
    let mut set = tokio::task::JoinSet::new();
    for (org_id, rows) in by_tenant {
        let state = state.clone();
        set.spawn(async move {
            let Some(_claim) = state.webhook_in_flight.claim(&org_id) else { return Ok(0) };
            deliver_batch(&state, rows).await
        });
    }
    Ok(set)
}

/// One tenant's due messages, in order; returns the attempts made.
async fn deliver_batch(state: &AppState, rows: Vec<DeliveryRow>) -> Result<usize, AppError> {
    let mut made = 0;
    for mut row in rows {
        let now = state.now_ms();
        let due = row.next_attempt_at.unwrap_or(now);
        if !state.db.lease_delivery(&row.id, due, now + LEASE_MS).await? {
            continue; // another process has it
        }
        let Some(ep) = state.db.webhook_endpoint(&row.org_id).await? else {
            row.status = DeliveryStatus::Dead;
            row.next_attempt_at = None;
            row.last_error = Some("the tenant has no webhook endpoint any more".into());
            state.db.record_attempt(&row).await?;
            continue;
        };
        let outcome = attempt(state, &ep, &mut row).await?;
        made += 1;
        match outcome {
            Ok(_) => {
                row.status = DeliveryStatus::Delivered;
                row.next_attempt_at = None;
            }
            Err(e) => match retry_delay_ms(row.attempts, jitter()) {
                Some(delay) => row.next_attempt_at = Some(state.now_ms() + delay),
                None => {
                    row.status = DeliveryStatus::Dead;
                    row.next_attempt_at = None;
                    tracing::warn!(message = %row.id, tenant = %row.org_id, error = %e.message, "webhook dead after the last attempt");
                }
            },
        }
        state.db.record_attempt(&row).await?;
    }
    Ok(made)
}

/// Puts a dead (or delivered) message back in the queue with the same
/// `webhook-id`, due now, and attempts it (only it).
pub async fn replay(state: &AppState, actor: &str, org_id: &str, id: &str) -> Result<DeliveryRow, AppError> {
    let row = state.db.delivery(org_id, id).await?.ok_or_else(|| AppError::not_found("Webhook message"))?;
    if row.status == DeliveryStatus::Test {
        return Err(AppError::invalid("Message", "test deliveries are not replayed; send a new test"));
    }
    if !state.db.requeue_delivery(org_id, id, state.now_ms()).await? {
        return Err(AppError::new(ErrorCode::Conflict, format!("{id} is still being delivered ({})", row.status)));
    }
    AuditEvent::new(actor, "webhook.replayed").about(org_id, id).log(state).await?;
    // Only this message is attempted now, to the tenant's own endpoint; nobody else's wait here.
    if let Some(requeued) = state.db.delivery(org_id, id).await? {
        deliver_batch(state, vec![requeued]).await?;
    }
    state.db.delivery(org_id, id).await?.ok_or_else(|| AppError::not_found("Webhook message"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_schedule_with_bounded_jitter_then_stop() {
        assert_eq!(retry_delay_ms(1, 500), Some(5_000));
        assert_eq!(retry_delay_ms(1, 0), Some(4_500));
        assert_eq!(retry_delay_ms(1, 1000), Some(5_500));
        assert_eq!(retry_delay_ms(2, 500), Some(300_000));
        assert_eq!(retry_delay_ms(6, 500), Some(36_000_000));
        assert_eq!(retry_delay_ms(7, 500), None, "7 attempts, then dead");
        assert_eq!(retry_delay_ms(0, 500), None);
        let total: i64 = RETRY_DELAYS_MS.iter().sum();
        assert!((17 * 3_600_000..18 * 3_600_000).contains(&total), "{total}");
    }
}
