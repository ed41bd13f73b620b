//! The finance UsagePanel's data: usage per tenant per day, events per minute
//! over the last hour with anomaly flags, invoice previews, reconciliation,
//! dead letters. Finance and operator admins see every tenant; a tenant admin
//! sees only its own tenant.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::usage::UsageOverview;
use leptos::prelude::*;

/// The overview for a month (`YYYY-MM`; empty means the current month).
#[server(endpoint = "usage_overview")]
pub async fn load_usage_overview(#[server(default)] period: String) -> Result<UsageOverview, AppError> {
    use crate::domain::period::Period;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadUsage).await?;
    let period = match period.trim() {
        "" => Period::containing(state.now_ms()),
        text => Period::parse(text).map_err(|e| AppError::invalid("Month", e))?,
    };
    let scope = if p.role.sees_all_tenants() { None } else { Some(p.org_id.as_str()) };
    crate::ssr::billing::usage::overview(&state, period, scope).await
}
