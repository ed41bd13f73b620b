//! The prober: checks the portal from outside its serving process and
//! records each result, so a stopped or hung server shows as down (a server
//! cannot report its own downtime). Run it as `trust-portal probe` on another
//! machine or beside each process of a deployment; it writes to the same
//! database. A probe is up when `GET /readyz?verify=1` answers 200 within the
//! timeout: the database answers and a synthetic verify behaves ([`super::synthetic`]).

use crate::domain::AppError;
use crate::domain::ids::ProbeId;
use crate::ssr::AppState;
use crate::ssr::store::ProbeRow;
use std::time::{Duration, Instant};

/// How long one probe waits for an answer.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// An HTTP client for probing (no redirects followed: a redirect is not ready).
pub fn client() -> Result<reqwest::Client, AppError> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(crate::ssr::error::log_internal)
}

/// Probes `base` (`http://host:port`) once and records the result.
pub async fn probe_once(state: &AppState, client: &reqwest::Client, base: &str) -> Result<ProbeRow, AppError> {
    let base = base.trim_end_matches('/');
    let started = Instant::now();
    let detail = match client.get(format!("{base}/readyz?verify=1")).send().await {
        Ok(r) if r.status().as_u16() == 200 => None,
        Ok(r) => {
            let status = r.status().as_u16();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            let why = body["verify"].as_str().filter(|v| *v != "ok").or(body["database"].as_str()).unwrap_or("");
            Some(format!("/readyz answered {status} {why}").trim_end().to_owned())
        }
        Err(e) if e.is_timeout() => Some(format!("/readyz did not answer within {} s", TIMEOUT.as_secs())),
        Err(e) if e.is_connect() => Some("cannot connect: the portal is not running there".to_owned()),
        Err(e) => Some(format!("/readyz failed: {e}")),
    };
    let row = ProbeRow {
        id: state.new_id(ProbeId::from_parts).to_string(),
        target: base.to_owned(),
        at: state.now_ms(),
        up: i64::from(detail.is_none()),
        latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        detail,
    };
    state.db.insert_probe(&row).await?;
    Ok(row)
}
