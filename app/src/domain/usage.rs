//! Usage figures shown on the UsagePanel, and the anomaly rule.
//!
//! **Anomaly**: a tenant whose last two minutes run at 10x or more its own
//! trailing per-minute rate (the 58 minutes before them, and at least one
//! event a minute) is flagged. Two minutes of a spike are enough to flag it;
//! traffic at any steady rate never is.

use super::invoice::Invoice;
use super::money::Cents;
use super::period::Period;
use super::reconciliation::TenantReconciliation;
use serde::{Deserialize, Serialize};

/// Minutes in the per-minute window (the last hour).
pub const WINDOW_MINUTES: usize = 60;
/// Minutes compared with the baseline.
pub const RECENT_MINUTES: usize = 2;
/// How many times the baseline counts as an anomaly.
pub const ANOMALY_FACTOR: i64 = 10;

/// Checks per-minute counts (oldest first, [`WINDOW_MINUTES`] long) for a spike;
/// `Some(sentence)` when flagged.
pub fn anomaly(per_minute: &[i64]) -> Option<String> {
    if per_minute.len() < RECENT_MINUTES + 1 {
        return None;
    }
    let (before, recent) = per_minute.split_at(per_minute.len() - RECENT_MINUTES);
    let recent_sum: i64 = recent.iter().sum();
    let before_sum: i64 = before.iter().sum();
    let before_len = i64::try_from(before.len()).unwrap_or(i64::MAX);
    let recent_len = i64::try_from(RECENT_MINUTES).unwrap_or(2);
    // recent rate >= FACTOR x max(baseline rate, 1/min), compared without division:
    // recent_sum / recent_len >= FACTOR * max(before_sum / before_len, 1)
    let baseline_floor = before_sum.max(before_len); // at least one event a minute
    let flagged = recent_sum * before_len >= ANOMALY_FACTOR * baseline_floor * recent_len;
    flagged.then(|| {
        format!(
            "{recent_sum} verifications in the last {RECENT_MINUTES} minutes, {ANOMALY_FACTOR}x or more its usual rate ({before_sum} in the {before_len} minutes before)"
        )
    })
}

/// One day's units.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayUsage {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// `attestation.verify` units.
    pub verify: i64,
    /// `portal.download` units.
    pub download: i64,
}

/// Every day of `period` in order with its units: the days in `days` (those
/// outside the month are ignored) and zero for the rest, so a chart shows
/// the whole month.
pub fn month_series(period: Period, days: &[DayUsage]) -> Vec<DayUsage> {
    (1..=period.days())
        .map(|d| {
            let day = format!("{period}-{d:02}");
            days.iter().find(|u| u.day == day).cloned().unwrap_or(DayUsage { day, verify: 0, download: 0 })
        })
        .collect()
}

/// One tenant on the UsagePanel.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantUsage {
    /// Tenant handle.
    pub tenant: String,
    /// Tenant name.
    pub name: String,
    /// Days of the month with usage, oldest first.
    pub days: Vec<DayUsage>,
    /// `attestation.verify` events per minute over the last hour, oldest first.
    pub per_minute: Vec<i64>,
    /// Why the tenant is flagged, if it is.
    pub anomaly: Option<String>,
    /// The month's invoice preview.
    pub invoice: Invoice,
    /// The month's reconciliation.
    pub reconciliation: TenantReconciliation,
    /// Active plan features and why paid ones are off.
    pub entitlements: super::entitlements::Entitlements,
}

/// Everything the UsagePanel shows.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageOverview {
    /// `YYYY-MM`.
    pub period: String,
    /// True for finance and operators (every tenant), false for a tenant's own view.
    pub all_tenants: bool,
    /// One entry per tenant shown.
    pub tenants: Vec<TenantUsage>,
    /// Sum of the invoice totals shown.
    pub grand_total: Cents,
    /// Parked usage events (dead letters) not yet replayed.
    pub dead_letters: i64,
    /// Events waiting for the ledger.
    pub outbox: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn window(base: i64, recent: i64) -> Vec<i64> {
        let mut v = vec![base; WINDOW_MINUTES - RECENT_MINUTES];
        v.extend([recent; RECENT_MINUTES]);
        v
    }

    #[test]
    fn a_tenfold_spike_is_flagged_within_two_minutes() {
        assert!(anomaly(&window(5, 50)).is_some());
        assert!(anomaly(&window(5, 49)).is_none());
        assert!(anomaly(&window(0, 10)).is_some(), "from silence, 10 a minute is a spike");
        assert!(anomaly(&window(0, 3)).is_none(), "a few calls after silence are not");
        let mut one_minute = window(5, 5);
        one_minute[WINDOW_MINUTES - 1] = 100;
        assert!(anomaly(&one_minute).is_some(), "one minute at 20x already lifts the two-minute rate past 10x");
    }

    #[test]
    fn a_month_series_has_every_day_of_the_month() {
        let used = |day: &str, verify| DayUsage { day: day.to_owned(), verify, download: 0 };
        let days = [used("2026-02-03", 4), used("2026-02-28", 1), used("2026-03-01", 9)];
        let series = month_series(Period { year: 2026, month: 2 }, &days);
        assert_eq!(series.len(), 28);
        assert_eq!(series[0], used("2026-02-01", 0));
        assert_eq!(series[2], used("2026-02-03", 4));
        assert_eq!(series[27], used("2026-02-28", 1));
        assert_eq!(series.iter().map(|d| d.verify).sum::<i64>(), 5, "March's day is not February's");
        assert_eq!(month_series(Period { year: 2028, month: 2 }, &[]).len(), 29, "leap year");
    }

    proptest! {
        #[test]
        fn steady_traffic_is_never_flagged(rate in 0i64..100_000) {
            prop_assert!(anomaly(&vec![rate; WINDOW_MINUTES]).is_none());
        }

        #[test]
        fn jittery_steady_traffic_is_never_flagged(rate in 1i64..10_000, jitter in prop::collection::vec(0i64..=100, WINDOW_MINUTES)) {
            // Each minute within +-50% of the rate.
            let v: Vec<i64> = jitter.iter().map(|j| rate * (50 + j) / 100).collect();
            prop_assert!(anomaly(&v).is_none());
        }
    }
}
