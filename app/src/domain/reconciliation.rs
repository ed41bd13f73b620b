//! Reconciliation results: for a tenant and month, verified calls ==
//! usage events == ledger units == invoiced units, with the ids behind any
//! difference.

use serde::{Deserialize, Serialize};

/// One tenant's month, checked.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantReconciliation {
    /// Tenant handle.
    pub tenant: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Calls answered 200 (verified).
    pub verified_calls: i64,
    /// `attestation.verify` units metered.
    pub usage_units: i64,
    /// Units in the ledger.
    pub ledger_units: i64,
    /// Units still on their way to the ledger (not a discrepancy).
    pub pending_units: i64,
    /// Units on the invoice preview.
    pub invoiced_units: i64,
    /// Verified calls with no usage event (first ids).
    pub calls_without_event: Vec<String>,
    /// Usage events with no verified call (first ids).
    pub events_without_call: Vec<String>,
}

impl TenantReconciliation {
    /// True when every count agrees (units still pending count as agreeing).
    pub fn is_clean(&self) -> bool {
        self.verified_calls == self.usage_units
            && self.usage_units == self.ledger_units + self.pending_units
            && self.usage_units == self.invoiced_units
            && self.calls_without_event.is_empty()
            && self.events_without_call.is_empty()
    }

    /// A sentence for people.
    pub fn summary(&self) -> String {
        if self.is_clean() {
            let pending = if self.pending_units > 0 {
                format!(" ({} units on their way to the ledger)", self.pending_units)
            } else {
                String::new()
            };
            return format!(
                "{} {}: {} verified calls, all metered, ledgered and invoiced{pending}",
                self.tenant, self.period, self.verified_calls
            );
        }
        let mut parts = Vec::new();
        if !self.calls_without_event.is_empty() {
            parts.push(format!("verified calls without a usage event: {}", self.calls_without_event.join(", ")));
        }
        if !self.events_without_call.is_empty() {
            parts.push(format!("usage events without a verified call: {}", self.events_without_call.join(", ")));
        }
        format!(
            "{} {}: MISMATCH calls {} / events {} / ledger {} (+{} pending) / invoiced {}{}{}",
            self.tenant,
            self.period,
            self.verified_calls,
            self.usage_units,
            self.ledger_units,
            self.pending_units,
            self.invoiced_units,
            if parts.is_empty() { "" } else { "; " },
            parts.join("; ")
        )
    }
}
