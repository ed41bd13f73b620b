//! When the alert centre's counted rules fire: a tenant's usage far above its
//! own usual rate, and onboarding drop-off above the goal's complement. Pure
//! arithmetic on counts; the server counts and opens the alerts
//! ([`crate::ssr::alert_rules`]). Integer maths only: no rounding decides an alert.

use crate::domain::onboarding::TARGET_SUCCESS_PCT;

/// The hour measured for a usage anomaly (ms).
pub const ANOMALY_HOUR_MS: i64 = 3_600_000;
/// The hours before it that make the tenant's baseline (one week).
pub const BASELINE_HOURS: i64 = 168;
/// An hour with fewer events than this is never an anomaly.
pub const ANOMALY_FLOOR: i64 = 100;
/// An anomaly is at least this many times the baseline's hourly mean.
pub const ANOMALY_FACTOR: i64 = 10;
/// Ended onboardings needed before the drop-off share means anything.
pub const DROP_OFF_MIN_ENDED: u32 = 3;

/// Why `last_hour` events are an anomaly for a tenant whose previous
/// [`BASELINE_HOURS`] had `baseline` events; `None` when they are not.
/// Fires at or above both [`ANOMALY_FLOOR`] and [`ANOMALY_FACTOR`] times the
/// hourly mean (compared as `last_hour × hours ≥ factor × baseline`).
pub fn usage_anomaly(last_hour: i64, baseline: i64) -> Option<String> {
    if last_hour < ANOMALY_FLOOR {
        return None;
    }
    if baseline == 0 {
        return Some(format!("{last_hour} usage events in the last hour, none in the week before"));
    }
    (last_hour.saturating_mul(BASELINE_HOURS) >= ANOMALY_FACTOR.saturating_mul(baseline)).then(|| {
        let mean_tenths = baseline * 10 / BASELINE_HOURS;
        format!(
            "{last_hour} usage events in the last hour, at least {ANOMALY_FACTOR}x its hourly mean of {}.{} over the week before",
            mean_tenths / 10,
            mean_tenths % 10
        )
    })
}

/// Why onboarding drop-off is too high: more than `100 − TARGET_SUCCESS_PCT`%
/// of the ended onboardings were abandoned (at least
/// [`DROP_OFF_MIN_ENDED`] ended). `None` when it is not.
pub fn drop_off(completed: u32, abandoned: u32) -> Option<String> {
    let ended = completed + abandoned;
    if ended < DROP_OFF_MIN_ENDED {
        return None;
    }
    // Success below the goal: completed × 100 < goal × ended.
    (u64::from(completed) * 100 < u64::from(TARGET_SUCCESS_PCT) * u64::from(ended)).then(|| {
        format!(
            "{abandoned} of {ended} ended onboardings were abandoned: success {}% is below the {TARGET_SUCCESS_PCT}% goal",
            u64::from(completed) * 100 / u64::from(ended)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usage_anomaly_edges() {
        assert_eq!(usage_anomaly(ANOMALY_FLOOR - 1, 0), None, "below the floor never fires");
        assert!(usage_anomaly(ANOMALY_FLOOR, 0).is_some(), "at the floor with no history fires");
        // A week of 168 events is a mean of 1/h: 10x is 10/h, but the floor is 100.
        assert_eq!(usage_anomaly(99, 168), None);
        // A mean of 20/h (3,360 a week): exactly 200 fires, 199 does not.
        assert!(usage_anomaly(200, 3360).is_some());
        assert_eq!(usage_anomaly(199, 3360), None);
        assert_eq!(
            usage_anomaly(200, 3360).unwrap(),
            "200 usage events in the last hour, at least 10x its hourly mean of 20.0 over the week before"
        );
    }

    #[test]
    fn drop_off_edges() {
        assert_eq!(drop_off(0, 2), None, "too few ended to judge");
        assert!(drop_off(0, 3).is_some());
        assert_eq!(drop_off(9, 1), None, "exactly 90% success is the goal met");
        assert!(drop_off(8, 1).is_some(), "88% is below it");
    }

    proptest! {
        #[test]
        fn more_usage_never_clears_an_anomaly(last in 0i64..100_000, extra in 0i64..1000, base in 0i64..10_000_000) {
            if usage_anomaly(last, base).is_some() {
                prop_assert!(usage_anomaly(last + extra, base).is_some());
            }
        }

        #[test]
        fn drop_off_matches_the_onboarding_goal(completed in 0u32..500, abandoned in 0u32..500) {
            let ended = completed + abandoned;
            let fires = drop_off(completed, abandoned).is_some();
            prop_assert_eq!(fires, ended >= DROP_OFF_MIN_ENDED && completed * 100 < TARGET_SUCCESS_PCT * ended);
        }
    }
}
