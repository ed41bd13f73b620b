//! The operations dashboards, measured from stored rows
//! ([`crate::domain::dashboard`]): usage per minute by tenant with the
//! minutes usage-anomaly alerts opened, adoption as the upkeep recorded it
//! hourly and as it is now,
//! the onboarding funnel, each SLO's budget left at the end of each sprint
//! day, and the audit engagements.

use crate::domain::AppError;
use crate::domain::audit_kit::EngagementState;
use crate::domain::dashboard::{
    AdoptionPoint, AuditSummary, BURN_DOWN_DAYS, BurnDown, Dashboard, TenantUsage, USAGE_MINUTES,
};
use crate::domain::period::Day;
use crate::domain::slo::budget_remaining_ppm;
use crate::ssr::AppState;
use std::collections::BTreeMap;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// How far back the adoption chart reaches.
const ADOPTION_DAYS: i64 = 30;

/// The dashboards now.
pub async fn build(state: &AppState) -> Result<Dashboard, AppError> {
    let now = state.now_ms();
    let usage_from = (now.div_euclid(MINUTE_MS) - (USAGE_MINUTES as i64 - 1)) * MINUTE_MS;
    Ok(Dashboard {
        measured_at: now,
        usage_from,
        usage: usage(state, usage_from, now).await?,
        adoption: adoption(state, now).await?,
        funnel: crate::domain::onboarding::funnel(&crate::ssr::onboarding::funnel::funnel_sessions(state).await?, &[]),
        burn_down: burn_down(state, now).await?,
        audits: audits(state, now).await?,
    })
}

/// Records adoption now, for the chart over time. The server's upkeep runs it hourly.
pub async fn record_adoption(state: &AppState) -> Result<(), AppError> {
    let a = crate::ssr::policy::status::report(state, None).await?.adoption;
    Ok(state.db.record_adoption(state.now_ms(), a.adopted, a.active).await?)
}

/// Adoption as recorded over [`ADOPTION_DAYS`], ending with adoption now (so
/// the chart's last point is never an hour stale).
async fn adoption(state: &AppState, now: i64) -> Result<Vec<AdoptionPoint>, AppError> {
    let mut points: Vec<AdoptionPoint> = state
        .db
        .adoption_history(now - ADOPTION_DAYS * DAY_MS)
        .await?
        .into_iter()
        .map(|(at, adopted, active)| AdoptionPoint { at, adopted, active })
        .collect();
    let live = crate::ssr::policy::status::report(state, None).await?.adoption;
    points.push(AdoptionPoint { at: now, adopted: live.adopted, active: live.active });
    Ok(points)
}

async fn usage(state: &AppState, from: i64, now: i64) -> Result<Vec<TenantUsage>, AppError> {
    let slugs: BTreeMap<String, String> = state.db.tenants().await?.into_iter().map(|t| (t.id, t.slug)).collect();
    let mut by_tenant: BTreeMap<String, TenantUsage> = BTreeMap::new();
    for (org, minute, n) in state.db.usage_per_minute(from, now + 1).await? {
        let tenant = slugs.get(&org).cloned().unwrap_or(org);
        let row = by_tenant.entry(tenant.clone()).or_insert_with(|| TenantUsage {
            tenant,
            per_minute: vec![0; USAGE_MINUTES],
            anomalies: Vec::new(),
        });
        if let Some(slot) = usize::try_from(minute).ok().and_then(|m| row.per_minute.get_mut(m)) {
            *slot = u64::try_from(n).unwrap_or(0);
        }
    }
    let mut alerts = state.db.open_alerts().await?;
    alerts.extend(state.db.cleared_alerts(crate::ssr::alerting::HISTORY).await?);
    for a in alerts.iter().filter(|a| a.kind == crate::ssr::alert_rules::USAGE_ANOMALY && a.opened_at >= from) {
        if let (Some(row), Ok(minute)) =
            (by_tenant.get_mut(&a.subject), usize::try_from((a.opened_at - from) / MINUTE_MS))
        {
            row.anomalies.push(minute.min(USAGE_MINUTES - 1));
        }
    }
    Ok(by_tenant.into_values().collect())
}

async fn burn_down(state: &AppState, now: i64) -> Result<Vec<BurnDown>, AppError> {
    let mut out = Vec::with_capacity(state.config.slos.len());
    for slo in &state.config.slos {
        let mut remaining_ppm = Vec::with_capacity(BURN_DOWN_DAYS);
        for d in (0..BURN_DOWN_DAYS as i64).rev() {
            // Each day's end (today: now), over the SLO's whole window ending then.
            let end = if d == 0 { now } else { (now.div_euclid(DAY_MS) - d + 1) * DAY_MS };
            let r = crate::ssr::slo::status::ratio(state, slo, end - slo.window_ms, end).await?;
            remaining_ppm.push(budget_remaining_ppm(r, slo.target_ppm));
        }
        out.push(BurnDown { slo: slo.name.clone(), display_name: slo.display_name.clone(), remaining_ppm });
    }
    Ok(out)
}

async fn audits(state: &AppState, now: i64) -> Result<AuditSummary, AppError> {
    let today = Day::containing(now);
    let mut s = AuditSummary::default();
    for e in state.db.engagements(None).await? {
        match e.state {
            EngagementState::Scoping => s.scoping += 1,
            EngagementState::Fieldwork => s.fieldwork += 1,
            EngagementState::Accepted => s.accepted += 1,
        }
        for f in state.db.audit_findings(&e.id).await?.iter().filter(|f| f.status.is_outstanding()) {
            s.open_findings += 1;
            if f.due_date.as_deref().and_then(|d| Day::parse(d).ok()).is_some_and(|d| d < today) {
                s.overdue_findings += 1;
            }
        }
    }
    Ok(s)
}
