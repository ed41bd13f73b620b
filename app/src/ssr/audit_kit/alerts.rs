//! Overdue remediations as alerts: every finding still open or remediating
//! after its due date has one open alert (`audit.remediation_overdue`, about
//! `engagement/FND-…`), delivered by the signed alert webhook; it clears
//! itself once the finding is closed, its risk accepted or its due date
//! moved. Synced after every finding change and by the hourly upkeep.

use crate::domain::AppError;
use crate::domain::period::Day;
use crate::ssr::AppState;
use crate::ssr::alerting::{self, Synced, Wanted};

/// The alert kind.
pub const OVERDUE: &str = "audit.remediation_overdue";

/// Opens and clears overdue-remediation alerts to match the findings now.
pub async fn sync(state: &AppState) -> Result<Synced, AppError> {
    let now = state.now_ms();
    let mut wanted = Wanted::new();
    for f in state.db.outstanding_findings().await? {
        let Some(due) = f.due_date.as_deref().and_then(|d| Day::parse(d).ok()) else { continue };
        if due.end_ms() > now {
            continue;
        }
        let Some(e) = state.db.engagement(&f.engagement_id).await? else { continue };
        let message = format!(
            "{} of {} is overdue: due {}, {} ({}){}",
            f.reference,
            e.name,
            due,
            f.status.label().to_lowercase(),
            f.title,
            f.owner.as_deref().map(|o| format!(", owner {o}")).unwrap_or_default()
        );
        wanted.insert((OVERDUE.to_owned(), format!("{}/{}", e.id, f.reference)), (Some(e.owner_org_id), message));
    }
    alerting::reconcile(state, "audit.", wanted).await
}

/// Syncs after a change; a failure is logged (the hourly upkeep retries).
pub async fn sync_after_change(state: &AppState) {
    if let Err(e) = sync(state).await {
        tracing::warn!(error = %e.message, "overdue-remediation alert sync failed; the hourly upkeep retries");
    }
}
