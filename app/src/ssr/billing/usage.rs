//! Builds the UsagePanel's overview from the usage events, the ledger and the
//! invoice previews.

use crate::domain::AppError;
use crate::domain::invoice::Invoice;
use crate::domain::period::Period;
use crate::domain::usage::{self, DayUsage, TenantUsage, UsageOverview, WINDOW_MINUTES};
use crate::ssr::AppState;
use crate::ssr::billing::pricing;

const MINUTE_MS: i64 = 60_000;

/// The overview of `period` for every tenant (`scope` = `None`) or one.
pub async fn overview(state: &AppState, period: Period, scope: Option<&str>) -> Result<UsageOverview, AppError> {
    let db = &state.db;
    if period.start_ms() > state.now_ms() {
        return Err(AppError::invalid("Month", format!("{period} has not started yet, so there is no usage to show")));
    }
    let mut orgs = db.tenants().await?;
    orgs.retain(|o| scope.is_none_or(|id| o.id == id));
    orgs.sort_by(|a, b| a.slug.cmp(&b.slug));
    let now = state.now_ms();
    let this_minute = now.div_euclid(MINUTE_MS);
    let window = i64::try_from(WINDOW_MINUTES).unwrap_or(60);
    let mut tenants = Vec::with_capacity(orgs.len());
    for org in &orgs {
        let (from, to) = (period.start_ms(), period.end_ms());
        let mut days: Vec<DayUsage> = Vec::new();
        for (day, event, units) in db.daily_usage(&org.id, from, to).await? {
            let (y, m, d) = crate::domain::period::civil_from_days(day);
            let label = format!("{y:04}-{m:02}-{d:02}");
            if days.last().is_none_or(|d| d.day != label) {
                days.push(DayUsage { day: label, verify: 0, download: 0 });
            }
            if let Some(d) = days.last_mut() {
                match event.as_str() {
                    "attestation.verify" => d.verify += units,
                    _ => d.download += units,
                }
            }
        }
        let first_minute = this_minute - window + 1;
        let mut per_minute = vec![0; WINDOW_MINUTES];
        let counts = db.verify_events_per_minute(&org.id, first_minute * MINUTE_MS).await?;
        for (minute, n) in counts {
            if let Ok(i) = usize::try_from(minute - first_minute)
                && let Some(slot) = per_minute.get_mut(i)
            {
                *slot = n;
            }
        }
        tenants.push(TenantUsage {
            tenant: org.slug.clone(),
            name: org.name.clone(),
            days,
            anomaly: usage::anomaly(&per_minute),
            per_minute,
            invoice: pricing::simulate(db, org, period, None).await?,
            reconciliation: pricing::reconcile(db, org, period).await?,
            entitlements: crate::ssr::billing::entitlements::current(state, org, "system").await?,
        });
    }
    let invoices: Vec<Invoice> = tenants.iter().map(|t| t.invoice.clone()).collect();
    let dead = db.dead_letters(scope).await?;
    Ok(UsageOverview {
        period: period.to_string(),
        all_tenants: scope.is_none(),
        grand_total: Invoice::grand_total(&invoices),
        tenants,
        dead_letters: i64::try_from(dead.len()).unwrap_or(i64::MAX),
        outbox: db.outbox_depth(crate::ssr::billing::ledger::MAX_ATTEMPTS).await?,
    })
}
