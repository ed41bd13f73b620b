//! The alert centre's counted rules, synced every minute by the server's
//! upkeep through [`crate::ssr::alerting::reconcile`] (stored, deduplicated,
//! self-clearing, delivered by the signed alert webhook):
//!
//! - `usage.anomaly`, per tenant: the last hour's usage events far above the
//!   tenant's own hourly mean over the week before ([`usage_anomaly`]);
//! - `dead_letters.ledger` and `dead_letters.webhooks`, per tenant: usage
//!   events parked by the ledger, and webhook messages whose retries all
//!   failed, waiting for someone to replay them;
//! - `onboarding.drop_off`: abandoned onboardings above the success goal's
//!   complement ([`drop_off`]).

use crate::domain::AppError;
use crate::domain::alert_rules::{ANOMALY_HOUR_MS, BASELINE_HOURS, drop_off, usage_anomaly};
use crate::domain::onboarding::funnel;
use crate::ssr::AppState;
use crate::ssr::alerting::{self, Synced, Wanted};
use std::collections::BTreeMap;

/// A tenant's usage far above its usual rate.
pub const USAGE_ANOMALY: &str = "usage.anomaly";
/// Usage events parked by the ledger.
pub const LEDGER_DEAD_LETTERS: &str = "dead_letters.ledger";
/// Webhook messages that exhausted their retries.
pub const WEBHOOK_DEAD_LETTERS: &str = "dead_letters.webhooks";
/// Onboarding drop-off above the goal.
pub const ONBOARDING_DROP_OFF: &str = "onboarding.drop_off";

/// Syncs every rule here; the sum of what each opened and cleared.
pub async fn sync(state: &AppState) -> Result<Synced, AppError> {
    let names = tenant_names(state).await?;
    let mut total = Synced::default();
    for synced in [
        alerting::reconcile(state, "usage.", usage_wanted(state, &names).await?).await?,
        alerting::reconcile(state, "dead_letters.", dead_letters_wanted(state, &names).await?).await?,
        alerting::reconcile(state, "onboarding.", drop_off_wanted(state).await?).await?,
    ] {
        total.opened += synced.opened;
        total.cleared += synced.cleared;
    }
    Ok(total)
}

async fn tenant_names(state: &AppState) -> Result<BTreeMap<String, String>, AppError> {
    Ok(state.db.tenants().await?.into_iter().map(|t| (t.id, t.slug)).collect())
}

fn name<'a>(names: &'a BTreeMap<String, String>, org: &'a str) -> &'a str {
    names.get(org).map_or(org, String::as_str)
}

async fn usage_wanted(state: &AppState, names: &BTreeMap<String, String>) -> Result<Wanted, AppError> {
    let now = state.now_ms();
    let hour_start = now - ANOMALY_HOUR_MS;
    let baseline: BTreeMap<String, i64> =
        state.db.usage_counts(hour_start - BASELINE_HOURS * ANOMALY_HOUR_MS, hour_start).await?.into_iter().collect();
    let mut wanted = Wanted::new();
    for (org, last_hour) in state.db.usage_counts(hour_start, now + 1).await? {
        if let Some(why) = usage_anomaly(last_hour, baseline.get(&org).copied().unwrap_or(0)) {
            let message = format!("{}: {why}", name(names, &org));
            wanted.insert((USAGE_ANOMALY.to_owned(), name(names, &org).to_owned()), (Some(org), message));
        }
    }
    Ok(wanted)
}

async fn dead_letters_wanted(state: &AppState, names: &BTreeMap<String, String>) -> Result<Wanted, AppError> {
    let mut ledger: BTreeMap<String, i64> = BTreeMap::new();
    for d in state.db.dead_letters(None).await? {
        *ledger.entry(d.org_id).or_default() += 1;
    }
    let webhooks = state.db.dead_deliveries().await?;
    let mut wanted = Wanted::new();
    let mut add = |kind: &str, org: String, n: i64, what: &str, fix: &str| {
        let tenant = name(names, &org).to_owned();
        let message = format!("{tenant}: {n} {what}{} waiting; {fix}", if n == 1 { "" } else { "s" });
        wanted.insert((kind.to_owned(), tenant), (Some(org), message));
    };
    for (org, n) in ledger {
        add(
            LEDGER_DEAD_LETTERS,
            org,
            n,
            "usage event",
            "replay them with `trust-portal billing dead-letters --replay`",
        );
    }
    for (org, n) in webhooks.into_iter().filter(|(_, n)| *n > 0) {
        add(WEBHOOK_DEAD_LETTERS, org, n, "dead webhook message", "the tenant replays them on its Webhooks page");
    }
    Ok(wanted)
}

async fn drop_off_wanted(state: &AppState) -> Result<Wanted, AppError> {
    let f = funnel(&crate::ssr::onboarding::funnel::funnel_sessions(state).await?, &[]);
    let mut wanted = Wanted::new();
    if let Some(why) = drop_off(f.completed, f.abandoned) {
        wanted.insert((ONBOARDING_DROP_OFF.to_owned(), "onboarding".to_owned()), (None, why));
    }
    Ok(wanted)
}
