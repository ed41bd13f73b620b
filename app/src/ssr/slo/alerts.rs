//! Burn-rate alerts: every SLO rule firing now has one open alert
//! (`slo.burn`, about `<slo>/<factor>x-<long window>`), delivered by the
//! signed alert webhook; it clears itself when the rule stops firing (the
//! short window is clean again). Synced every minute by the server's upkeep.

use crate::domain::AppError;
use crate::domain::slo::{duration_text, rate_text};
use crate::ssr::AppState;
use crate::ssr::alerting::{self, Synced, Wanted};
use crate::ssr::slo::status;

/// The alert kind.
pub const BURN: &str = "slo.burn";

/// Opens and clears burn-rate alerts to match the SLOs now.
pub async fn sync(state: &AppState) -> Result<Synced, AppError> {
    let mut wanted = Wanted::new();
    for s in status::report(state).await? {
        for b in s.burn.iter().filter(|b| b.firing) {
            let rule = b.rule;
            let subject = format!("{}/{}-{}", s.slo.name, rule.factor_text(), duration_text(rule.long_ms));
            let rate = |milli: Option<u64>| milli.map_or_else(|| "-".to_owned(), rate_text);
            let message = format!(
                "{} ({:?}): burning its error budget at {} over {} and {} over {} (alert at {}); target {}",
                s.slo.display_name,
                rule.severity,
                rate(b.long_rate_milli),
                duration_text(rule.long_ms),
                rate(b.short_rate_milli),
                duration_text(rule.short_ms),
                rule.label(),
                s.slo.target_text(),
            );
            wanted.insert((BURN.to_owned(), subject), (None, message));
        }
    }
    alerting::reconcile(state, "slo.", wanted).await
}
