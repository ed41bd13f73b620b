//! The SLA badge's numbers (public: shown on every page, login included).

use crate::domain::AppError;
use crate::domain::sla::SlaStatus;
use leptos::prelude::*;

/// p95 latency and uptime of the Attestation API over the configured window.
#[server(endpoint = "sla_status")]
pub async fn load_sla_status() -> Result<SlaStatus, AppError> {
    let state = crate::ssr::state::use_app_state()?;
    crate::ssr::sla_badge::status(&state).await
}
