//! Operations for operator staff (admins, security, finance): the alert
//! centre, the SLOs and the OKR scoreboard. The REST API serves the same
//! services under `/api/v1/alerts`, `/api/v1/slos` and `/api/v1/okrs`.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::alerts::{AlertCentre, AlertItem};
use crate::domain::okr::OkrBoard;
use crate::domain::slo::SloStatus;
use leptos::prelude::*;

/// Open alerts and the recently cleared ones.
#[server(endpoint = "alert_centre")]
pub async fn load_alert_centre() -> Result<AlertCentre, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::WatchOperations).await?;
    crate::ssr::alerting::centre(&state).await
}

/// Takes an open alert on: who and when are stored and audited.
#[server(endpoint = "acknowledge_alert")]
pub async fn acknowledge_alert(id: String) -> Result<AlertItem, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::WatchOperations).await?;
    let row = crate::ssr::alerting::acknowledge(&state, &p.email, id.trim()).await?;
    Ok(crate::ssr::alerting::item(row))
}

/// Every SLO in force, measured now.
#[server(endpoint = "slo_report")]
pub async fn load_slo_report() -> Result<Vec<SloStatus>, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::WatchOperations).await?;
    crate::ssr::slo::status::report(&state).await
}

/// The five key results, measured now.
#[server(endpoint = "okr_board")]
pub async fn load_okr_board() -> Result<OkrBoard, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::WatchOperations).await?;
    crate::ssr::okrs::board(&state).await
}

/// The operations dashboards, measured now.
#[server(endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<crate::domain::dashboard::Dashboard, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::WatchOperations).await?;
    crate::ssr::dashboard::build(&state).await
}
