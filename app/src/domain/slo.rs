//! Service level objectives and their error budgets, in integers only.
//!
//! An SLO says what fraction of an SLI's events must be good over a rolling
//! window (`target_ppm`, parts per million: 99.95 % is 999 500). The error
//! budget is the rest: the bad events the window may hold. Burn rate is how
//! fast a stretch of time spends it: 1x spends exactly the budget over the
//! window, 14.4x spends 2 % of a 30-day budget in one hour.
//!
//! Alerts follow the Google SRE workbook's multiwindow, multi-burn-rate
//! rules ([`BURN_RULES`]): a rule fires only when both its long window (is the
//! burn real?) and its short window (is it still going on?) burn at least its
//! factor. Every comparison is exact integer arithmetic, so an SLI exactly at
//! its target meets it, and a burn exactly at a factor fires.

use serde::{Deserialize, Serialize};

/// One in a million: targets and budget shares are in parts per million.
pub const PPM: u64 = 1_000_000;
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What an SLI counts, each from events the portal records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SliEvents {
    /// Requests to `/api/v1/*` (good: answered within the threshold).
    ApiRequests,
    /// Probes of `/readyz` and a synthetic verify from outside the server (good: up).
    Probes,
    /// Verified release packs, timed from the release's creation (good: within the threshold).
    PackTimings,
    /// Signed webhook deliveries (good: delivered).
    WebhookDeliveries,
    /// Accepted usage events (good: on the ledger within the threshold).
    UsageEvents,
}

impl SliEvents {
    /// Every kind, in display order.
    pub const ALL: [SliEvents; 5] =
        [Self::ApiRequests, Self::Probes, Self::PackTimings, Self::WebhookDeliveries, Self::UsageEvents];

    /// The name SLO files use (`api_requests`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiRequests => "api_requests",
            Self::Probes => "probes",
            Self::PackTimings => "pack_timings",
            Self::WebhookDeliveries => "webhook_deliveries",
            Self::UsageEvents => "usage_events",
        }
    }

    /// Parses [`SliEvents::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether a good event is one within a time threshold (`within:` in the file).
    pub fn needs_threshold(self) -> bool {
        matches!(self, Self::ApiRequests | Self::PackTimings | Self::UsageEvents)
    }
}

/// One SLO, as its OpenSLO file defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SloDefinition {
    /// `metadata.name`: a slug, unique among the SLOs.
    pub name: String,
    /// `metadata.displayName`.
    pub display_name: String,
    /// `spec.description`.
    pub description: String,
    /// What the SLI counts.
    pub events: SliEvents,
    /// A good event is within this many milliseconds (latency-type SLIs only).
    pub within_ms: Option<i64>,
    /// The share of good events the SLO asks for, in parts per million.
    pub target_ppm: u32,
    /// The rolling window.
    pub window_ms: i64,
}

impl SloDefinition {
    /// The target as a percentage with as many decimals as it needs ("99.95%").
    pub fn target_text(&self) -> String {
        percent_text(u64::from(self.target_ppm))
    }
}

/// `ppm` as a percentage with as many decimals as it needs (999 500 → "99.95%").
pub fn percent_text(ppm: u64) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let digits = format!("{frac:04}");
        format!("{whole}.{}%", digits.trim_end_matches('0'))
    }
}

/// Good events out of all events of an SLI over one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ratio {
    /// Good events.
    pub good: u64,
    /// All events (good ones included).
    pub total: u64,
}

impl Ratio {
    /// The bad events.
    pub fn bad(self) -> u64 {
        self.total.saturating_sub(self.good)
    }

    /// Whether the good share reaches `target_ppm` (exactly at it counts);
    /// `None` without events: nothing was measured.
    pub fn meets(self, target_ppm: u32) -> Option<bool> {
        (self.total > 0)
            .then(|| u128::from(self.good) * u128::from(PPM) >= u128::from(target_ppm) * u128::from(self.total))
    }

    /// The good share in parts per million (rounded down); `None` without events.
    pub fn good_ppm(self) -> Option<u64> {
        (self.total > 0).then(|| (u128::from(self.good) * u128::from(PPM) / u128::from(self.total)) as u64)
    }

    /// Whether the window burns budget at least `factor_tenths / 10` times the
    /// sustainable rate: bad/total >= factor × (1 − target). Never without events.
    pub fn burns_at_least(self, target_ppm: u32, factor_tenths: u32) -> bool {
        if self.total == 0 {
            return false;
        }
        let allowed = u128::from(PPM - u64::from(target_ppm).min(PPM));
        if allowed == 0 {
            return self.bad() > 0; // a 100 % target: any bad event burns without bound
        }
        u128::from(self.bad()) * u128::from(PPM) * 10 >= u128::from(factor_tenths) * allowed * u128::from(self.total)
    }

    /// The burn rate in thousandths (1 000 = 1x; rounded down); `None`
    /// without events or with a 100 % target (no budget to burn).
    pub fn burn_rate_milli(self, target_ppm: u32) -> Option<u64> {
        let allowed = PPM.checked_sub(u64::from(target_ppm)).filter(|a| *a > 0)?;
        (self.total > 0).then(|| {
            (u128::from(self.bad()) * u128::from(PPM) * 1000 / (u128::from(allowed) * u128::from(self.total))) as u64
        })
    }
}

/// How much of the window's error budget `bad` events spend, in parts per
/// million of the budget (1 000 000 = all of it), where the budget is
/// (1 − target) × the window's events; rounded down (less than one part per
/// million). `None` without events or budget.
pub fn budget_spent_ppm(bad: u64, window: Ratio, target_ppm: u32) -> Option<u64> {
    let allowed = PPM.checked_sub(u64::from(target_ppm)).filter(|a| *a > 0)?;
    (window.total > 0).then(|| {
        let spent =
            u128::from(bad) * u128::from(PPM) * u128::from(PPM) / (u128::from(allowed) * u128::from(window.total));
        u64::try_from(spent).unwrap_or(u64::MAX)
    })
}

/// The budget left over the window, in parts per million of it (negative when overspent).
pub fn budget_remaining_ppm(window: Ratio, target_ppm: u32) -> Option<i64> {
    budget_spent_ppm(window.bad(), window, target_ppm)
        .map(|spent| PPM as i64 - i64::try_from(spent).unwrap_or(i64::MAX))
}

/// How urgent a burn-rate alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Wake someone: the budget goes within days.
    Page,
    /// Look at it during working hours.
    Ticket,
}

/// One multiwindow burn-rate rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurnRule {
    /// How urgent.
    pub severity: Severity,
    /// The long window: is the burn real?
    pub long_ms: i64,
    /// The short window: is it still going on?
    pub short_ms: i64,
    /// The burn rate both windows must reach, in tenths (144 = 14.4x).
    pub factor_tenths: u32,
}

impl BurnRule {
    /// Whether the rule fires for these windows' counts.
    pub fn fires(self, long: Ratio, short: Ratio, target_ppm: u32) -> bool {
        long.burns_at_least(target_ppm, self.factor_tenths) && short.burns_at_least(target_ppm, self.factor_tenths)
    }

    /// "14.4x over 1h (5m)".
    pub fn label(self) -> String {
        format!("{} over {} ({})", self.factor_text(), duration_text(self.long_ms), duration_text(self.short_ms))
    }

    /// The factor: "14.4x", "6x".
    pub fn factor_text(self) -> String {
        if self.factor_tenths.is_multiple_of(10) {
            format!("{}x", self.factor_tenths / 10)
        } else {
            format!("{}.{}x", self.factor_tenths / 10, self.factor_tenths % 10)
        }
    }
}

/// A burn rate in thousandths with one decimal, rounded down: 14 400 → "14.4x".
pub fn rate_text(milli: u64) -> String {
    format!("{}.{}x", milli / 1000, milli % 1000 / 100)
}

/// The SRE workbook's rules for a 30-day SLO: 2 % of the budget in 1 h and
/// 5 % in 6 h page; 10 % in 3 days opens a ticket.
pub const BURN_RULES: [BurnRule; 3] = [
    BurnRule { severity: Severity::Page, long_ms: HOUR_MS, short_ms: 5 * MINUTE_MS, factor_tenths: 144 },
    BurnRule { severity: Severity::Page, long_ms: 6 * HOUR_MS, short_ms: 30 * MINUTE_MS, factor_tenths: 60 },
    BurnRule { severity: Severity::Ticket, long_ms: 3 * DAY_MS, short_ms: 6 * HOUR_MS, factor_tenths: 10 },
];

/// The sprint's goal for budget spent ("burn < 5%"), in parts per million of the budget.
pub const SPRINT_BURN_GOAL_PPM: u64 = 50_000;

/// Green, amber or red for the budget a sprint spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BurnColour {
    /// Under the sprint goal ([`SPRINT_BURN_GOAL_PPM`]).
    Green,
    /// At or over the goal, budget left.
    Amber,
    /// The whole budget spent, or more.
    Red,
}

/// The colour of `spent_ppm` of the budget spent in a sprint.
pub fn burn_colour(spent_ppm: u64) -> BurnColour {
    match spent_ppm {
        s if s < SPRINT_BURN_GOAL_PPM => BurnColour::Green,
        s if s < PPM => BurnColour::Amber,
        _ => BurnColour::Red,
    }
}

/// How long a sprint is (the sprint plan's two weeks): "burn < 5%" is the
/// share of the SLO window's budget spent in the last sprint.
pub const SPRINT_MS: i64 = 14 * DAY_MS;

/// One burn-rate rule as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurnState {
    /// The rule.
    pub rule: BurnRule,
    /// Burn rate over the long window, in thousandths (`None`: no events).
    pub long_rate_milli: Option<u64>,
    /// Burn rate over the short window, in thousandths (`None`: no events).
    pub short_rate_milli: Option<u64>,
    /// Both windows at or over the factor.
    pub firing: bool,
}

/// Where one SLO stands, measured from recorded events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SloStatus {
    /// The definition.
    pub slo: SloDefinition,
    /// Why nothing is measured, when nothing is (`None`: measured).
    pub no_data: Option<String>,
    /// Good and total events over the SLO's window.
    pub window: Ratio,
    /// The good share over the window, in parts per million.
    pub good_ppm: Option<u64>,
    /// Whether the window meets the target (`None`: no events).
    pub meets: Option<bool>,
    /// The window's budget left, in parts per million of it (negative: overspent).
    pub budget_remaining_ppm: Option<i64>,
    /// The window's budget spent by the last sprint's bad events, in parts per million of it.
    pub sprint_spent_ppm: Option<u64>,
    /// The colour of that spend (green under [`SPRINT_BURN_GOAL_PPM`]).
    pub sprint_colour: Option<BurnColour>,
    /// Each burn-rate rule now.
    pub burn: Vec<BurnState>,
}

/// A duration as SLO files write it: a whole number and one unit of `m`, `h`,
/// `d`, `w` (window) or also `ms`, `s` (thresholds): "30d", "300ms", "8m".
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = s.split_at(split);
    let n: i64 = number.parse().ok()?;
    let unit_ms = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => MINUTE_MS,
        "h" => HOUR_MS,
        "d" => DAY_MS,
        "w" => 7 * DAY_MS,
        _ => return None,
    };
    n.checked_mul(unit_ms).filter(|ms| *ms > 0)
}

/// A duration in the largest unit that divides it: 2 592 000 000 → "30d".
pub fn duration_text(ms: i64) -> String {
    for (unit, len) in [("d", DAY_MS), ("h", HOUR_MS), ("m", MINUTE_MS), ("s", 1000)] {
        if ms != 0 && ms % len == 0 {
            return format!("{}{unit}", ms / len);
        }
    }
    format!("{ms}ms")
}

/// A decimal fraction in (0, 1) with at most 6 decimals ("0.9995") as parts
/// per million, exactly (no floating point).
pub fn parse_target(s: &str) -> Option<u32> {
    let frac = s.trim().strip_prefix("0.")?;
    if frac.is_empty() || frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ppm: u32 = format!("{frac:0<6}").parse().ok()?;
    (ppm > 0).then_some(ppm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exactly_at_the_target_meets_it() {
        // 99.95 % of 2 000 is 1 999: exactly at the target meets it, one fewer does not.
        assert_eq!(Ratio { good: 1_999, total: 2_000 }.meets(999_500), Some(true));
        assert_eq!(Ratio { good: 1_998, total: 2_000 }.meets(999_500), Some(false));
        assert_eq!(Ratio { good: 8_636, total: 8_640 }.meets(999_500), Some(true));
        assert_eq!(Ratio { good: 0, total: 0 }.meets(999_500), None, "nothing measured is not met");
        assert_eq!(Ratio { good: 95, total: 100 }.meets(950_000), Some(true));
    }

    #[test]
    fn a_burn_exactly_at_a_factor_fires() {
        // Target 99.9 %: budget 0.1 %. 14.4x is 1.44 % bad: 144 of 10 000.
        let rule = BURN_RULES[0];
        let at = Ratio { good: 10_000 - 144, total: 10_000 };
        let under = Ratio { good: 10_000 - 143, total: 10_000 };
        assert!(rule.fires(at, at, 999_000));
        assert!(!rule.fires(under, at, 999_000), "the long window is under");
        assert!(!rule.fires(at, under, 999_000), "the short window is under: the burn stopped");
        assert!(!rule.fires(Ratio::default(), Ratio::default(), 999_000), "no events, no alert");
        assert_eq!(at.burn_rate_milli(999_000), Some(14_400));
    }

    #[test]
    fn budgets_and_colours() {
        // 30 days of 8 640 probes at 99.95 %: a budget of 4.32 probes.
        let window = Ratio { good: 8_637, total: 8_640 };
        assert_eq!(budget_spent_ppm(3, window, 999_500), Some(694_444));
        assert_eq!(budget_remaining_ppm(window, 999_500), Some(305_556));
        assert_eq!(budget_remaining_ppm(Ratio { good: 8_630, total: 8_640 }, 999_500), Some(-1_314_814));
        assert_eq!(budget_spent_ppm(1, window, PPM as u32), None, "a 100 % target has no budget");
        assert_eq!(burn_colour(49_999), BurnColour::Green);
        assert_eq!(burn_colour(50_000), BurnColour::Amber, "exactly 5 % is not under 5 %");
        assert_eq!(burn_colour(PPM), BurnColour::Red);
    }

    #[test]
    fn durations_targets_and_labels() {
        assert_eq!(parse_duration("30d"), Some(30 * DAY_MS));
        assert_eq!(parse_duration("300ms"), Some(300));
        assert_eq!(parse_duration("8m"), Some(8 * MINUTE_MS));
        for bad in ["", "30", "d", "30x", "-1d", "0d", "1.5h", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
        assert_eq!(duration_text(30 * DAY_MS), "30d");
        assert_eq!(duration_text(90 * MINUTE_MS), "90m");
        assert_eq!(parse_target("0.9995"), Some(999_500));
        assert_eq!(parse_target("0.95"), Some(950_000));
        assert_eq!(parse_target("0.999999"), Some(999_999));
        for bad in ["1", "1.0", "0", "0.0", "0.9999995", "95%", "0.9a", ".95", "-0.5"] {
            assert_eq!(parse_target(bad), None, "{bad:?}");
        }
        assert_eq!(percent_text(999_500), "99.95%");
        assert_eq!(percent_text(950_000), "95%");
        assert_eq!(BURN_RULES.map(|r| r.label()), ["14.4x over 1h (5m)", "6x over 6h (30m)", "1x over 3d (6h)"]);
        assert_eq!(
            (rate_text(14_400), rate_text(999), rate_text(20_050)),
            ("14.4x".into(), "0.9x".into(), "20.0x".into())
        );
    }

    proptest! {
        /// The integer rule agrees with the rational one, at every edge.
        #[test]
        fn meets_is_exact(good in 0u64..1_000_000, extra in 0u64..1_000_000, target in 1u32..1_000_000) {
            let r = Ratio { good, total: good + extra };
            prop_assume!(r.total > 0);
            // good/total >= target/1e6  <=>  good*1e6 >= target*total (all integers).
            let expected = u128::from(good) * 1_000_000 >= u128::from(target) * u128::from(r.total);
            prop_assert_eq!(r.meets(target), Some(expected));
        }

        /// Burn rate and spend agree: a window that burns at least 1x spends at
        /// least the whole budget of a window with the same number of events.
        #[test]
        fn one_x_burn_spends_the_budget(good in 0u64..100_000, bad in 0u64..1_000, target in 900_000u32..999_999) {
            let r = Ratio { good, total: good + bad };
            prop_assume!(r.total > 0);
            let spent = budget_spent_ppm(r.bad(), r, target).unwrap();
            prop_assert_eq!(r.burns_at_least(target, 10), spent >= PPM);
            let milli = r.burn_rate_milli(target).unwrap();
            prop_assert_eq!(milli, spent / 1000);
        }

        /// A rule never fires when either window burns less than its factor, and
        /// more bad events never stop a burn from firing.
        #[test]
        fn burning_is_monotonic(good in 1u64..50_000, bad in 0u64..5_000, more in 0u64..5_000, target in 990_000u32..999_990) {
            for rule in BURN_RULES {
                let r = Ratio { good, total: good + bad };
                let worse = Ratio { good, total: good + bad + more };
                if rule.fires(r, r, target) {
                    prop_assert!(rule.fires(worse, worse, target));
                }
                // The rounded-down rate reaches the factor exactly when the exact rule fires.
                let rate = r.burn_rate_milli(target).unwrap();
                prop_assert_eq!(rule.fires(r, r, target), rate >= u64::from(rule.factor_tenths) * 100);
            }
        }

        /// Durations print and parse back.
        #[test]
        fn durations_round_trip(n in 1i64..10_000, unit in prop::sample::select(vec!["ms", "s", "m", "h", "d"])) {
            let ms = parse_duration(&format!("{n}{unit}")).unwrap();
            prop_assert_eq!(parse_duration(&duration_text(ms)), Some(ms));
        }
    }
}
