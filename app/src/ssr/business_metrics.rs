//! The business gauges `/metrics` exports beside request latency, in the
//! Prometheus text exposition format: usage events by tenant and event,
//! signed-policy adoption, open alerts by kind, ledger lag, outbox depth, the
//! tenant webhook queue and each SLO's error budget left. Counted from the
//! database at each scrape; a value with nothing to measure (an SLO without
//! events, a lag with nothing waiting) is left out or zero, never made up.

use crate::domain::AppError;
use crate::ssr::AppState;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One metric family being written: its `# HELP` and `# TYPE` lines, then samples.
struct Family<'a> {
    out: &'a mut String,
    name: &'static str,
}

impl<'a> Family<'a> {
    fn new(out: &'a mut String, name: &'static str, kind: &str, help: &str) -> Self {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        Self { out, name }
    }

    /// A sample with `labels` (name, value) pairs; values are escaped.
    fn sample(&mut self, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
        let braces = if labels.is_empty() { String::new() } else { format!("{{{}}}", labels.join(",")) };
        let _ = writeln!(self.out, "{}{braces} {value}", self.name);
    }
}

/// Escapes a label value (backslash, double quote, newline).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Parts per million as a decimal ratio without floats: -3615384 → "-3.615384".
fn ratio(ppm: i64) -> String {
    let sign = if ppm < 0 { "-" } else { "" };
    let abs = ppm.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

/// Every business gauge, in exposition format.
pub async fn render(state: &AppState) -> Result<String, AppError> {
    let db = &state.db;
    let now = state.now_ms();
    let slugs: BTreeMap<String, String> = db.tenants().await?.into_iter().map(|t| (t.id, t.slug)).collect();
    let mut out = String::new();

    let mut f = Family::new(
        &mut out,
        "trust_portal_usage_events_total",
        "counter",
        "Usage events recorded, by tenant and event.",
    );
    for (org, event, n) in db.usage_counts_by_event().await? {
        f.sample(&[("tenant", slugs.get(&org).map_or(org.as_str(), String::as_str)), ("event", &event)], n);
    }

    let adoption = crate::ssr::policy::status::report(state, None).await?.adoption;
    let mut f = Family::new(
        &mut out,
        "trust_portal_policy_repos",
        "gauge",
        "Active repositories, and those adopted (current signed policy bundle).",
    );
    f.sample(&[("state", "active")], adoption.active);
    f.sample(&[("state", "adopted")], adoption.adopted);

    let mut open: BTreeMap<String, i64> = BTreeMap::new();
    for a in db.open_alerts().await? {
        *open.entry(a.kind).or_default() += 1;
    }
    let mut f = Family::new(&mut out, "trust_portal_alerts_open", "gauge", "Open alerts, by kind.");
    for (kind, n) in &open {
        f.sample(&[("kind", kind)], n);
    }

    let lag_ms = db.oldest_unledgered().await?.map_or(0, |at| (now - at).max(0));
    let mut f = Family::new(
        &mut out,
        "trust_portal_ledger_lag_seconds",
        "gauge",
        "Age of the oldest usage event not yet in the ledger (0: none waiting).",
    );
    f.sample(&[], lag_ms / 1000);
    let depth = db.outbox_depth(crate::ssr::billing::ledger::MAX_ATTEMPTS).await?;
    let mut f = Family::new(
        &mut out,
        "trust_portal_outbox_depth",
        "gauge",
        "Usage events waiting for the ledger (not parked).",
    );
    f.sample(&[], depth);
    let parked = db.dead_letters(None).await?.len();
    let mut f = Family::new(
        &mut out,
        "trust_portal_dead_letters",
        "gauge",
        "Usage events parked by the ledger, waiting for a replay.",
    );
    f.sample(&[], parked);

    let mut f = Family::new(&mut out, "trust_portal_webhook_messages", "gauge", "Tenant webhook messages, by status.");
    for (status, n) in db.webhook_queue().await? {
        f.sample(&[("status", &status)], n);
    }

    let mut f = Family::new(
        &mut out,
        "trust_portal_slo_budget_remaining_ratio",
        "gauge",
        "Error budget left over each SLO's window (1: untouched; below 0: overspent). SLOs without events are left out.",
    );
    for s in crate::ssr::slo::status::report(state).await? {
        if let Some(ppm) = s.budget_remaining_ppm {
            f.sample(&[("slo", &s.slo.name)], ratio(ppm));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_labels_are_written_exactly() {
        assert_eq!(ratio(1_000_000), "1.000000");
        assert_eq!(ratio(-3_615_384), "-3.615384");
        assert_eq!(ratio(999), "0.000999");
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
