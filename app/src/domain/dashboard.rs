//! What the operations dashboards show, as data the server measures and the
//! page draws: usage per minute by tenant with anomaly marks, adoption over
//! time, the onboarding funnel, each SLO's error budget over the sprint, and
//! where the audit engagements stand.

use crate::domain::onboarding::Funnel;
use serde::{Deserialize, Serialize};

/// Minutes in the usage chart.
pub const USAGE_MINUTES: usize = 60;
/// Days in the budget burn-down (one sprint).
pub const BURN_DOWN_DAYS: usize = 14;

/// One tenant's usage events per minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantUsage {
    /// The tenant's slug.
    pub tenant: String,
    /// Events in each minute, oldest first ([`USAGE_MINUTES`] of them).
    pub per_minute: Vec<u64>,
    /// Minutes (indexes) in which a usage-anomaly alert opened for the tenant.
    pub anomalies: Vec<usize>,
}

/// Signed-policy adoption at one moment (the upkeep records it hourly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdoptionPoint {
    /// When (ms).
    pub at: i64,
    /// Adopted repositories.
    pub adopted: i64,
    /// Active repositories.
    pub active: i64,
}

/// One SLO's error budget left at the end of each day of the sprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurnDown {
    /// The SLO's name.
    pub slo: String,
    /// Its display name.
    pub display_name: String,
    /// Budget left (ppm of the window's budget) at each day's end, oldest first; `None`: no events then.
    pub remaining_ppm: Vec<Option<i64>>,
}

/// Audit engagements by state, with their findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditSummary {
    /// Being scoped.
    pub scoping: usize,
    /// In fieldwork.
    pub fieldwork: usize,
    /// Accepted.
    pub accepted: usize,
    /// Findings waiting for remediation.
    pub open_findings: usize,
    /// Of those, past their due date.
    pub overdue_findings: usize,
}

/// Everything on the dashboards, measured at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// When (ms).
    pub measured_at: i64,
    /// The first minute of the usage chart (ms).
    pub usage_from: i64,
    /// Usage per tenant (tenants with events in the hour).
    pub usage: Vec<TenantUsage>,
    /// Adoption over time, oldest first.
    pub adoption: Vec<AdoptionPoint>,
    /// The onboarding funnel.
    pub funnel: Funnel,
    /// Each SLO's budget over the sprint.
    pub burn_down: Vec<BurnDown>,
    /// Audit engagements.
    pub audits: AuditSummary,
}
