//! The signed SLA badge: the SLA's numbers with their window, numerators and
//! denominators ([`SlaClaim`]), in a DSSE envelope signed with the portal's
//! receipt key, so a partner checks it offline against the published key set
//! (`trust-portal verify-badge`). Served at `/badge/sla.json`, and drawn at
//! `/badge/sla.svg`.

use crate::domain::AppError;
use crate::domain::ids::ReceiptKeyId;
use crate::domain::sla::{P95_TARGET_MS, SlaStatus, UPTIME_TARGET_PPM, format_ppm};
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::verification::receipts::verify_signed;
use serde::{Deserialize, Serialize};

/// The envelope's payload type.
pub const PAYLOAD_TYPE: &str = "application/vnd.trust-portal.sla+json";

/// What the badge claims, measured at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClaim {
    /// The portal's public URL, when configured.
    pub portal: Option<String>,
    /// When it was measured (RFC 3339, UTC).
    pub measured_at: String,
    /// The window, in hours, ending then.
    pub window_hours: u32,
    /// p95 latency of `/api/v1/*` in ms (the upper bound of its histogram bucket); `None` without requests.
    pub p95_ms: Option<u32>,
    /// The target.
    pub p95_target_ms: u32,
    /// Requests measured.
    pub requests: u64,
    /// Probes that found the portal up.
    pub probes_up: u64,
    /// Probes made.
    pub probes: u64,
    /// Uptime, rounded down to hundredths ("99.97%"); `None` without probes.
    pub uptime: Option<String>,
    /// The target ("99.95%").
    pub uptime_target: String,
    /// Both targets met (no data is not met).
    pub green: bool,
    /// The numbers in words.
    pub summary: String,
}

impl SlaClaim {
    /// The claim for `status` measured at `now_ms`.
    pub fn of(status: &SlaStatus, now_ms: i64, portal: Option<String>) -> Self {
        Self {
            portal,
            measured_at: crate::ssr::clock::rfc3339(now_ms),
            window_hours: status.window_hours,
            p95_ms: status.p95_ms,
            p95_target_ms: P95_TARGET_MS,
            requests: status.samples,
            probes_up: status.probes_up,
            probes: status.probes,
            uptime: status.uptime_ppm.map(format_ppm),
            uptime_target: format_ppm(UPTIME_TARGET_PPM),
            green: status.is_green(),
            summary: status.summary(),
        }
    }
}

/// The SLA now.
pub async fn status(state: &AppState) -> Result<SlaStatus, AppError> {
    Ok(state.sla.status(&state.db, state.now_ms(), state.config.sla_window_hours).await?)
}

/// The signed badge: a DSSE envelope (JSON) over the claim now.
pub async fn signed(state: &AppState) -> Result<String, AppError> {
    let now = state.now_ms();
    let claim = SlaClaim::of(&status(state).await?, now, state.config.public_url.clone());
    let payload = serde_json::to_vec(&claim).map_err(log_internal)?;
    let signer = state.receipt_keys.signer(&state.db, now, state.new_id(ReceiptKeyId::from_parts)).await?;
    serde_json::to_string_pretty(&signer.sign_as(PAYLOAD_TYPE, &payload)).map_err(log_internal)
}

/// Checks a signed badge offline against published keys (the portal's
/// `receipt-keys.json`, or one PEM key): the key that signed it and the claim.
pub fn verify(envelope_json: &str, keys: &[(Option<String>, String)]) -> Result<(String, SlaClaim), String> {
    let (keyid, payload) = verify_signed(envelope_json, keys, PAYLOAD_TYPE).map_err(|e| e.message)?;
    let claim = serde_json::from_slice(&payload).map_err(|e| format!("the signed claim is unreadable: {e}"))?;
    Ok((keyid, claim))
}
