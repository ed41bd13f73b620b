//! Onboarding telemetry: every view, completion, failure, step back,
//! abandonment and resumption is an event; the funnel is computed from them.

use super::model::Via;
use crate::domain::AppError;
use crate::domain::ids::OnboardingEventId;
use crate::domain::onboarding::{EventKind, FunnelSession};
use crate::ssr::AppState;
use crate::ssr::store::{OnboardingEventRow, OnboardingRow};

pub(crate) async fn event(
    state: &AppState,
    s: &OnboardingRow,
    step: i64,
    kind: EventKind,
    reason: Option<&str>,
    via: Via,
) -> Result<(), AppError> {
    record(state, &s.id, step, kind, reason, via.as_str()).await
}

/// Stores one telemetry event.
pub(crate) async fn record(
    state: &AppState,
    session_id: &str,
    step: i64,
    kind: EventKind,
    reason: Option<&str>,
    via: &str,
) -> Result<(), AppError> {
    let row = OnboardingEventRow {
        id: state.new_id(OnboardingEventId::from_parts).to_string(),
        session_id: session_id.to_owned(),
        step,
        kind: kind.as_str().to_owned(),
        reason: reason.map(str::to_owned),
        via: via.to_owned(),
        at: state.now_ms(),
    };
    Ok(state.db.insert_onboarding_event(&row).await?)
}

/// Marks sessions idle for the configured window abandoned (telemetry); they
/// can still be resumed. The server runs this every minute.
pub async fn mark_abandoned(state: &AppState) -> Result<usize, AppError> {
    let now = state.now_ms();
    let idle_before = now - i64::from(state.config.onboarding_abandon_minutes) * 60_000;
    let gone = state.db.abandon_idle_onboardings(idle_before, now).await?;
    for (id, step) in &gone {
        record(state, id, *step, EventKind::Abandoned, Some("inactive"), "server").await?;
    }
    Ok(gone.len())
}

/// The sessions for the funnel.
pub async fn funnel_sessions(state: &AppState) -> Result<Vec<FunnelSession>, AppError> {
    Ok(state
        .db
        .onboarding_listings()
        .await?
        .into_iter()
        .map(|l| FunnelSession {
            invited_at: l.invited_at,
            completed_at: l.completed_at,
            abandoned: l.abandoned_at.is_some(),
            reached: u8::try_from(l.reached.max(l.current_step)).unwrap_or(1),
            completed_through: u8::try_from(l.completed_through).unwrap_or(0),
        })
        .collect())
}
