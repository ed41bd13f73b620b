//! Where each SLO stands now: its SLI over the window, the budget left, the
//! budget the last sprint spent, and each burn-rate rule over its two
//! windows, all counted from recorded events ([`crate::ssr::store`]'s
//! `sli_*` queries). An SLI with no events in its window says so; it is
//! never reported as met.

use crate::domain::AppError;
use crate::domain::sla::LATENCY_BOUNDS_MS;
use crate::domain::slo::{
    BURN_RULES, BurnState, Ratio, SPRINT_MS, SliEvents, SloDefinition, SloStatus, budget_remaining_ppm,
    budget_spent_ppm, burn_colour,
};
use crate::ssr::AppState;

/// Good and total events of `slo`'s SLI in `[from, to)`.
pub async fn ratio(state: &AppState, slo: &SloDefinition, from: i64, to: i64) -> Result<Ratio, AppError> {
    let db = &state.db;
    let within = slo.within_ms.unwrap_or(0);
    let (good, total) = match slo.events {
        SliEvents::ApiRequests => {
            let index = latency_index(within).ok_or_else(AppError::internal)?;
            db.sli_api_requests(from, to, index).await?
        }
        SliEvents::PackTimings => db.sli_pack_timings(from, to, within).await?,
        SliEvents::WebhookDeliveries => db.sli_webhook_deliveries(from, to).await?,
        SliEvents::UsageEvents => db.sli_usage_events(from, to, within, state.now_ms()).await?,
        SliEvents::Probes => db.sli_probes(from, to).await?,
    };
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Ratio { good: count(good), total: count(total) })
}

/// The latency bucket whose upper bound is exactly `within_ms` (the SLO files are checked for it).
pub fn latency_index(within_ms: i64) -> Option<i64> {
    LATENCY_BOUNDS_MS.iter().position(|&b| i64::from(b) == within_ms).and_then(|i| i64::try_from(i).ok())
}

/// Every SLO in force, measured now.
pub async fn report(state: &AppState) -> Result<Vec<SloStatus>, AppError> {
    let mut out = Vec::with_capacity(state.config.slos.len());
    for slo in &state.config.slos {
        out.push(status(state, slo).await?);
    }
    Ok(out)
}

/// One SLO measured now.
pub async fn status(state: &AppState, slo: &SloDefinition) -> Result<SloStatus, AppError> {
    let now = state.now_ms();
    let target = slo.target_ppm;
    // Every window ends now; rules share lengths (6 h is one rule's long and another's short), so each length is counted once.
    let mut counted: Vec<(i64, Ratio)> = Vec::new();
    let mut over = async |length: i64| -> Result<Ratio, AppError> {
        if let Some((_, r)) = counted.iter().find(|(l, _)| *l == length) {
            return Ok(*r);
        }
        let r = ratio(state, slo, now - length, now).await?;
        counted.push((length, r));
        Ok(r)
    };
    let window = over(slo.window_ms).await?;
    let sprint = over(SPRINT_MS.min(slo.window_ms)).await?;
    let sprint_spent_ppm = budget_spent_ppm(sprint.bad(), window, target);
    let mut burn = Vec::with_capacity(BURN_RULES.len());
    for rule in BURN_RULES {
        let long = over(rule.long_ms).await?;
        let short = over(rule.short_ms).await?;
        burn.push(BurnState {
            rule,
            long_rate_milli: long.burn_rate_milli(target),
            short_rate_milli: short.burn_rate_milli(target),
            firing: rule.fires(long, short, target),
        });
    }
    Ok(SloStatus {
        slo: slo.clone(),
        no_data: (window.total == 0).then(|| format!("no {} in the last {}", slo.events.as_str(), window_text(slo))),
        window,
        good_ppm: window.good_ppm(),
        meets: window.meets(target),
        budget_remaining_ppm: budget_remaining_ppm(window, target),
        sprint_spent_ppm,
        sprint_colour: sprint_spent_ppm.map(burn_colour),
        burn,
    })
}

fn window_text(slo: &SloDefinition) -> String {
    crate::domain::slo::duration_text(slo.window_ms)
}
