//! Operations over HTTP for operator staff signed in with the session cookie
//! (admins, security, finance): the alert centre (`/api/v1/alerts`, and
//! acknowledging one) and the OKR scoreboard (`/api/v1/okrs`). The same
//! services and role checks as the Alerts and OKRs pages.

use crate::routes::error::{ApiError, ErrorEnvelope};
use crate::routes::session::signed_in::SignedIn;
use app::domain::Action;
use app::domain::alerts::{AlertCentre, AlertItem};
use app::domain::okr::OkrBoard;
use app::ssr::AppState;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/alerts/{id}/acknowledge", post(acknowledge))
        .route("/api/v1/okrs", get(okrs))
        .route("/api/v1/overview", get(overview))
}

/// Open alerts (every kind) and the recently cleared ones.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "operations",
    responses((status = 200, body = AlertCentre), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn alerts(State(state): State<AppState>, SignedIn(p): SignedIn) -> Result<Json<AlertCentre>, ApiError> {
    p.require(Action::WatchOperations)?;
    Ok(Json(app::ssr::alerting::centre(&state).await?))
}

/// Acknowledges an open alert as the signed-in person (audited); 409 when it
/// is already acknowledged or has cleared.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "operations", params(("id" = String, Path)),
    responses((status = 200, body = AlertItem), (status = 404, body = ErrorEnvelope), (status = 409, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn acknowledge(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<AlertItem>, ApiError> {
    p.require(Action::WatchOperations)?;
    let row = app::ssr::alerting::acknowledge(&state, &p.email, &id).await?;
    Ok(Json(app::ssr::alerting::item(row)))
}

/// The sprint's five key results, measured now; "no data" where nothing is measured yet.
#[utoipa::path(get, path = "/api/v1/okrs", tag = "operations",
    responses((status = 200, body = OkrBoard), (status = 401, body = ErrorEnvelope), (status = 403, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn okrs(State(state): State<AppState>, SignedIn(p): SignedIn) -> Result<Json<OkrBoard>, ApiError> {
    p.require(Action::WatchOperations)?;
    Ok(Json(app::ssr::okrs::board(&state).await?))
}

/// The signed-in user's overview: what needs attention, their figures with
/// trends and (operator staff) the OKR tiles; scoped to their tenant or engagements.
#[utoipa::path(get, path = "/api/v1/overview", tag = "operations",
    responses((status = 200, body = app::domain::overview::Overview), (status = 401, body = ErrorEnvelope)),
    security(("session" = [])))]
pub async fn overview(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
) -> Result<Json<app::domain::overview::Overview>, ApiError> {
    p.require(Action::UseAccount)?;
    Ok(Json(app::ssr::overview::build(&state, &p).await?))
}
