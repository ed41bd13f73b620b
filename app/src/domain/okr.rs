//! The sprint's five key results, judged from measured facts. The server
//! gathers the facts ([`OkrFacts`], from recorded rows only); these rules turn
//! them into the scoreboard. A key result whose data does not exist yet is
//! [`KrStatus::NoData`] with the reason, never a made-up value.

use crate::domain::adoption::Adoption;
use crate::domain::audit_kit::RuleOutcome;
use crate::domain::onboarding::{Funnel, TARGET_SECONDS, TARGET_SUCCESS_PCT};
use crate::domain::slo::{SPRINT_BURN_GOAL_PPM, SloStatus, percent_text};
use serde::{Deserialize, Serialize};

/// Where a key result stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KrStatus {
    /// Measured and at or past its target.
    Met,
    /// Measured and short of its target.
    Missed,
    /// Nothing to measure yet.
    NoData,
}

impl KrStatus {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "Met",
            Self::Missed => "Missed",
            Self::NoData => "No data",
        }
    }

    fn of(met: bool) -> Self {
        if met { Self::Met } else { Self::Missed }
    }
}

/// One key result on the scoreboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KeyResult {
    /// 1 to 5, as the sprint plan numbers them.
    pub number: u8,
    /// The objective, in the plan's words.
    pub objective: String,
    /// What is counted, and from where.
    pub measure: String,
    /// The target.
    pub target: String,
    /// The value now; `None` when there is no data (see `detail`).
    pub current: Option<String>,
    /// Met, missed or no data.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: KrStatus,
    /// The numbers behind `current`, or why there is no data.
    pub detail: String,
    /// Where the evidence is in the portal.
    pub evidence: String,
}

/// The scoreboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OkrBoard {
    /// When it was measured (ms since the epoch).
    pub measured_at: i64,
    /// The five key results, in order.
    pub key_results: Vec<KeyResult>,
}

impl OkrBoard {
    /// Key results met.
    pub fn met(&self) -> usize {
        self.key_results.iter().filter(|k| k.status == KrStatus::Met).count()
    }
}

/// An accepted audit engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedAudit {
    /// Its name.
    pub name: String,
    /// Its `eng_…` id.
    pub id: String,
    /// The acceptance rule over its findings.
    pub rule: RuleOutcome,
}

/// What the key results are computed from, all counted from stored rows.
#[derive(Debug, Clone)]
pub struct OkrFacts {
    /// Engagements whose sign-off pack an auditor accepted.
    pub accepted_audits: Vec<AcceptedAudit>,
    /// Engagements not accepted yet.
    pub audits_in_progress: usize,
    /// The month measured for metering (`YYYY-MM`).
    pub period: String,
    /// Tenants with `attestation.verify` units in that month's ledger (each has an invoice simulation).
    pub metered_tenants: usize,
    /// `attestation.verify` units in that month's ledger, all tenants.
    pub metered_units: i64,
    /// Signed-policy adoption of active repositories.
    pub adoption: Adoption,
    /// The onboarding funnel.
    pub funnel: Funnel,
    /// The time-to-pack SLO now, when one is configured.
    pub time_to_pack: Option<SloStatus>,
    /// The availability SLO now, when one is configured.
    pub availability: Option<SloStatus>,
}

/// The scoreboard for `facts`, measured at `now`.
pub fn board(facts: &OkrFacts, now: i64) -> OkrBoard {
    OkrBoard {
        measured_at: now,
        key_results: vec![
            audit_kr(facts),
            metering_kr(facts),
            adoption_kr(facts.adoption),
            onboarding_kr(&facts.funnel),
            slo_kr(facts.time_to_pack.as_ref(), facts.availability.as_ref()),
        ],
    }
}

fn kr(number: u8, objective: &str, measure: &str, target: &str, evidence: &str) -> KeyResult {
    KeyResult {
        number,
        objective: objective.to_owned(),
        measure: measure.to_owned(),
        target: target.to_owned(),
        current: None,
        status: KrStatus::NoData,
        detail: String::new(),
        evidence: evidence.to_owned(),
    }
}

fn measured(mut k: KeyResult, current: String, met: bool, detail: String) -> KeyResult {
    k.current = Some(current);
    k.status = KrStatus::of(met);
    k.detail = detail;
    k
}

fn no_data(mut k: KeyResult, why: String) -> KeyResult {
    k.detail = why;
    k
}

fn audit_kr(f: &OkrFacts) -> KeyResult {
    let k = kr(
        1,
        "External audit dry-run completed",
        "An auditor accepted an engagement's sign-off pack; its findings against the acceptance rule",
        "accepted with at most 2 remediation items, low severity only",
        "/audits",
    );
    // The best accepted engagement speaks for the key result.
    let best = f.accepted_audits.iter().min_by_key(|a| (!a.rule.passed, a.rule.remediation_items));
    match best {
        None => no_data(k, format!("no engagement accepted yet ({} in progress)", f.audits_in_progress)),
        Some(a) => measured(
            k,
            format!("accepted, {} remediation item{}", a.rule.remediation_items, plural(a.rule.remediation_items)),
            a.rule.passed,
            format!("{} ({}): {}", a.name, a.id, a.rule.summary),
        ),
    }
}

fn metering_kr(f: &OkrFacts) -> KeyResult {
    let k = kr(
        2,
        "Attestation consumption monetized",
        "Tenants with metered attestation.verify events in this month's ledger, each with an invoice simulation",
        "at least 2 tenants",
        "/usage",
    );
    if f.metered_tenants == 0 {
        return no_data(k, format!("no attestation.verify events in the {} ledger yet", f.period));
    }
    measured(
        k,
        format!("{} tenant{}", f.metered_tenants, plural(f.metered_tenants)),
        f.metered_tenants >= 2,
        format!("{} verifications metered in {}", f.metered_units, f.period),
    )
}

fn adoption_kr(a: Adoption) -> KeyResult {
    let k = kr(
        3,
        "Signed policy bundle adoption",
        "Active repositories whose current policy bundle is signed and verified",
        "at least 95% of active repositories",
        "/signature-status",
    );
    if a.active <= 0 {
        return no_data(k, "no active repositories".to_owned());
    }
    measured(
        k,
        a.percent_text(),
        a.colour() == crate::domain::adoption::BadgeColour::Green,
        format!("{} of {} active repositories", a.adopted, a.active),
    )
}

fn onboarding_kr(f: &Funnel) -> KeyResult {
    let k = kr(
        4,
        "Self-serve partner onboarding within 1 hour",
        "Onboardings from invitation to the last wizard step: p90 time, and completed among those that ended",
        &format!("p90 at most {} min and success at least {TARGET_SUCCESS_PCT}%", TARGET_SECONDS / 60),
        "/onboarding",
    );
    let (Some(p90), Some(success)) = (f.p90_seconds, f.success_pct) else {
        return no_data(k, format!("no completed onboarding yet ({} started)", f.started));
    };
    measured(
        k,
        format!("p90 {}, {success}% success", minutes_text(p90)),
        f.time_target_met() == Some(true) && f.success_target_met() == Some(true),
        format!("{} completed, {} abandoned, {} in progress", f.completed, f.abandoned, f.in_progress),
    )
}

fn slo_kr(pack: Option<&SloStatus>, up: Option<&SloStatus>) -> KeyResult {
    let k = kr(
        5,
        "Evidence SLOs tightened",
        "The time-to-pack and availability SLOs over their windows, and the budget each burnt this sprint",
        "time-to-pack p50 at most 8 min; uptime at least 99.95%; burn under 5% of the budget per sprint",
        "/slos",
    );
    let (Some(pack), Some(up)) = (pack, up) else {
        return no_data(k, "the time-to-pack or availability SLO is not configured".to_owned());
    };
    let missing: Vec<&str> = [pack, up].iter().filter_map(|s| s.no_data.as_deref()).collect();
    if !missing.is_empty() {
        return no_data(k, missing.join("; "));
    }
    let share = |s: &SloStatus| s.good_ppm.map_or_else(|| "-".to_owned(), percent_text);
    let spent = |s: &SloStatus| s.sprint_spent_ppm.map_or_else(|| "-".to_owned(), percent_text);
    let burn_ok = |s: &SloStatus| s.sprint_spent_ppm.is_some_and(|p| p < SPRINT_BURN_GOAL_PPM);
    let met = pack.meets == Some(true) && up.meets == Some(true) && burn_ok(pack) && burn_ok(up);
    measured(
        k,
        format!("packs within 8 min {}, uptime {}", share(pack), share(up)),
        met,
        format!(
            "{} of {} packs within 8 min (target {}); {} of {} probes up (target {}); sprint burn {} and {}",
            pack.window.good,
            pack.window.total,
            pack.slo.target_text(),
            up.window.good,
            up.window.total,
            up.slo.target_text(),
            spent(pack),
            spent(up),
        ),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Whole minutes and seconds: "41 min 5 s".
fn minutes_text(seconds: i64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::onboarding::{FunnelSession, funnel};

    fn empty() -> OkrFacts {
        OkrFacts {
            accepted_audits: vec![],
            audits_in_progress: 1,
            period: "2027-01".into(),
            metered_tenants: 0,
            metered_units: 0,
            adoption: Adoption { adopted: 0, active: 0 },
            funnel: funnel(&[], &[]),
            time_to_pack: None,
            availability: None,
        }
    }

    #[test]
    fn without_data_every_key_result_says_no_data_and_shows_no_value() {
        let b = board(&empty(), 1);
        assert_eq!(b.key_results.len(), 5);
        for k in &b.key_results {
            assert_eq!(k.status, KrStatus::NoData, "KR {}", k.number);
            assert_eq!(k.current, None, "KR {}", k.number);
            assert!(!k.detail.is_empty(), "KR {} says why", k.number);
        }
        assert_eq!(b.met(), 0);
    }

    #[test]
    fn metering_needs_two_tenants_and_adoption_exactly_95_percent_is_met() {
        let mut f = empty();
        f.metered_tenants = 1;
        f.metered_units = 40;
        f.adoption = Adoption { adopted: 19, active: 20 };
        let b = board(&f, 1);
        assert_eq!(b.key_results[1].status, KrStatus::Missed);
        assert_eq!(b.key_results[2].status, KrStatus::Met, "19/20 is exactly 95%");
        f.metered_tenants = 2;
        f.adoption = Adoption { adopted: 18, active: 20 };
        let b = board(&f, 1);
        assert_eq!(b.key_results[1].status, KrStatus::Met);
        assert_eq!(b.key_results[2].status, KrStatus::Missed);
        assert_eq!(b.key_results[2].current.as_deref(), Some("90.0%"));
    }

    #[test]
    fn onboarding_needs_both_the_time_and_the_success_goal() {
        let s = |minutes: i64, done: bool| FunnelSession {
            invited_at: 0,
            completed_at: done.then_some(minutes * 60_000),
            abandoned: !done,
            reached: 5,
            completed_through: if done { 5 } else { 2 },
        };
        let mut f = empty();
        f.funnel = funnel(&[s(20, true), s(40, true)], &[]);
        assert_eq!(board(&f, 1).key_results[3].status, KrStatus::Met);
        f.funnel = funnel(&[s(20, true), s(61, true)], &[]);
        assert_eq!(board(&f, 1).key_results[3].status, KrStatus::Missed, "p90 over an hour");
        let mut many: Vec<_> = (0..9).map(|_| s(10, true)).collect();
        many.push(s(10, false));
        f.funnel = funnel(&many, &[]);
        assert_eq!(board(&f, 1).key_results[3].status, KrStatus::Met, "9 of 10 is exactly 90%");
        many.push(s(10, false));
        f.funnel = funnel(&many, &[]);
        assert_eq!(board(&f, 1).key_results[3].status, KrStatus::Missed);
    }

    #[test]
    fn the_best_accepted_audit_speaks_for_key_result_one() {
        let rule = |items: usize, passed: bool| RuleOutcome {
            passed,
            remediation_items: items,
            above_low: 0,
            summary: format!("{items} items"),
        };
        let mut f = empty();
        f.accepted_audits = vec![
            AcceptedAudit { name: "A".into(), id: "eng_a".into(), rule: rule(3, false) },
            AcceptedAudit { name: "B".into(), id: "eng_b".into(), rule: rule(2, true) },
        ];
        let k = &board(&f, 1).key_results[0];
        assert_eq!(k.status, KrStatus::Met);
        assert_eq!(k.current.as_deref(), Some("accepted, 2 remediation items"));
        f.accepted_audits.remove(1);
        assert_eq!(board(&f, 1).key_results[0].status, KrStatus::Missed);
    }

    #[test]
    fn minutes_read_as_people_write_them() {
        assert_eq!(minutes_text(45), "45 s");
        assert_eq!(minutes_text(480), "8 min");
        assert_eq!(minutes_text(2465), "41 min 5 s");
    }
}
