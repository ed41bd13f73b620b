//! The alert centre as people and the API see it: every kind of alert in one
//! model (policy, SLO burn, overdue remediation, usage anomaly, dead letters,
//! onboarding drop-off), open or cleared, with who acknowledged it.

use serde::{Deserialize, Serialize};

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertItem {
    /// `alert_…` id.
    pub id: String,
    /// `policy.unsigned`, `slo.burn`, `usage.anomaly`, `dead_letters.ledger`…
    pub kind: String,
    /// What it is about (a tenant, a repository, an SLO rule); one open alert per kind and subject.
    pub subject: String,
    /// For people.
    pub message: String,
    /// Opened (ms since the epoch).
    pub opened_at: i64,
    /// Cleared by the portal when the condition was gone (ms), if it was.
    pub cleared_at: Option<i64>,
    /// Who acknowledged it.
    pub acked_by: Option<String>,
    /// When (ms).
    pub acked_at: Option<i64>,
    /// Webhook deliveries done: `opened`, `opened,cleared`.
    pub delivered: Option<String>,
    /// The last webhook delivery failure.
    pub delivery_error: Option<String>,
}

impl AlertItem {
    /// The family: the kind up to its first dot (`slo`, `usage`, `policy`…).
    pub fn family(&self) -> &str {
        self.kind.split('.').next().unwrap_or(&self.kind)
    }
}

/// The alert centre: what is open now and what happened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlertCentre {
    /// Open alerts, newest first.
    pub open: Vec<AlertItem>,
    /// Cleared alerts, newest first (the most recent ones).
    pub history: Vec<AlertItem>,
}
