//! Entitlements bound to verified evidence.
//!
//! Each plan grants features. A paid plan's features are active only while the
//! tenant's newest verified evidence (its most recent release pack that
//! verified) is younger than the evidence age limit; otherwise the
//! tenant has the Starter features and [`Entitlements::reason`] says why. The
//! price plan itself does not change: billing follows the contract.

use super::identity::{Plan, string_enum};
use serde::{Deserialize, Serialize};

string_enum!(
    /// Something a plan unlocks.
    Feature {
        /// Signed webhook deliveries to the tenant's endpoints.
        Webhooks = "webhooks",
        /// Org-wide signed policy bundles and the adoption badge.
        PolicyBundles = "policy_bundles",
        /// Read-only, expiring auditor access to the tenant's evidence.
        AuditorAccess = "auditor_access",
        /// Ten times the Attestation API rate limit of Starter.
        HighRateLimit = "high_rate_limit",
    }
);

impl Feature {
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Feature::Webhooks => "Webhooks",
            Feature::PolicyBundles => "Policy bundles",
            Feature::AuditorAccess => "Auditor access",
            Feature::HighRateLimit => "High rate limit",
        }
    }
}

/// How much higher the Attestation API rate limit is with [`Feature::HighRateLimit`].
pub const HIGH_RATE_FACTOR: u32 = 10;

impl Plan {
    /// The features this plan grants when its evidence verifies.
    pub fn features(self) -> &'static [Feature] {
        match self {
            Plan::Starter => &[Feature::Webhooks],
            Plan::Pro => &[Feature::Webhooks, Feature::PolicyBundles, Feature::HighRateLimit],
            Plan::Enterprise => {
                &[Feature::Webhooks, Feature::PolicyBundles, Feature::AuditorAccess, Feature::HighRateLimit]
            }
        }
    }

    /// Whether the plan grants more than Starter (and so needs verified evidence).
    pub fn is_paid(self) -> bool {
        self != Plan::Starter
    }
}

/// The newest piece of evidence a tenant has, and how it verified.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// What it is, for people: "release pack acme/firmware@v1.2.0".
    pub label: String,
    /// The evidence's id (`pack_…`).
    pub id: String,
    /// Whether it verified.
    pub verified: bool,
    /// The reason code when it did not.
    pub reason: Option<String>,
    /// When it was verified (ms).
    pub verified_at: i64,
}

/// What a tenant may use right now, and why.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    /// The contracted (and billed) plan.
    pub plan: Plan,
    /// The plan whose features are active: `plan`, or Starter while evidence is missing, failing or expired.
    pub effective: Plan,
    /// The active features.
    pub features: Vec<Feature>,
    /// The evidence the decision rests on.
    pub evidence: Option<Evidence>,
    /// Why the paid features are off (None when `effective == plan`).
    pub reason: Option<String>,
}

impl Entitlements {
    /// Whether `feature` is active.
    pub fn allows(&self, feature: Feature) -> bool {
        self.features.contains(&feature)
    }

    /// Decides a tenant's entitlements from its plan and its newest evidence.
    /// Evidence older than `max_age_days` (at `now_ms`) has expired.
    pub fn decide(plan: Plan, evidence: Option<Evidence>, now_ms: i64, max_age_days: u32) -> Self {
        let reason =
            if plan.is_paid() { Self::withheld_because(evidence.as_ref(), now_ms, max_age_days) } else { None };
        let effective = if reason.is_some() { Plan::Starter } else { plan };
        Self { plan, effective, features: effective.features().to_vec(), evidence, reason }
    }

    fn withheld_because(evidence: Option<&Evidence>, now_ms: i64, max_age_days: u32) -> Option<String> {
        const DAY_MS: i64 = 86_400_000;
        let Some(e) = evidence else {
            return Some(
                "No verified evidence yet: upload a signed release pack to activate the plan's features.".to_owned(),
            );
        };
        if !e.verified {
            let why = e.reason.as_deref().unwrap_or("not verified");
            return Some(format!(
                "The latest evidence, {}, failed verification ({why}): upload a release pack that verifies.",
                e.label
            ));
        }
        let age_days = (now_ms - e.verified_at).max(0) / DAY_MS;
        if age_days >= i64::from(max_age_days) {
            return Some(format!(
                "The latest evidence, {}, expired: verified {age_days} days ago, limit {max_age_days} days. Upload a new release pack.",
                e.label
            ));
        }
        None
    }

    /// One line for people and the audit log: "pro (webhooks, policy_bundles, …)".
    pub fn summary(&self) -> String {
        let features: Vec<&str> = self.features.iter().map(|f| f.as_str()).collect();
        format!("{} ({})", self.effective.as_str(), features.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn pack(verified: bool, at: i64) -> Option<Evidence> {
        Some(Evidence {
            label: "release pack acme/fw@v1".into(),
            id: "pack_1".into(),
            verified,
            reason: (!verified).then(|| "signature_mismatch".into()),
            verified_at: at,
        })
    }

    #[test]
    fn starter_needs_no_evidence() {
        let e = Entitlements::decide(Plan::Starter, None, 0, 90);
        assert_eq!(e.effective, Plan::Starter);
        assert_eq!(e.reason, None);
        assert!(e.allows(Feature::Webhooks));
        assert!(!e.allows(Feature::HighRateLimit));
    }

    #[test]
    fn paid_plans_are_active_while_the_latest_evidence_verifies() {
        let e = Entitlements::decide(Plan::Enterprise, pack(true, 10 * DAY), 11 * DAY, 90);
        assert_eq!(e.effective, Plan::Enterprise);
        assert_eq!(e.reason, None);
        assert!(e.allows(Feature::AuditorAccess));
        assert_eq!(e.summary(), "enterprise (webhooks, policy_bundles, auditor_access, high_rate_limit)");
    }

    #[test]
    fn paid_plans_drop_to_starter_without_evidence_on_failure_and_on_expiry() {
        let none = Entitlements::decide(Plan::Pro, None, 0, 90);
        assert_eq!((none.plan, none.effective), (Plan::Pro, Plan::Starter));
        assert!(none.reason.as_deref().is_some_and(|r| r.contains("No verified evidence")));

        let failed = Entitlements::decide(Plan::Pro, pack(false, 0), DAY, 90);
        assert_eq!(failed.effective, Plan::Starter);
        assert!(failed.reason.as_deref().is_some_and(|r| r.contains("signature_mismatch")), "{failed:?}");
        assert!(!failed.allows(Feature::PolicyBundles));

        let fresh = Entitlements::decide(Plan::Pro, pack(true, 0), 90 * DAY - 1, 90);
        assert_eq!(fresh.effective, Plan::Pro, "89.99 days old is still valid");
        let expired = Entitlements::decide(Plan::Pro, pack(true, 0), 90 * DAY, 90);
        assert_eq!(expired.effective, Plan::Starter);
        assert!(expired.reason.as_deref().is_some_and(|r| r.contains("expired: verified 90 days ago")));
    }

    #[test]
    fn every_plan_grants_at_least_the_starter_features() {
        for plan in Plan::ALL {
            for f in Plan::Starter.features() {
                assert!(plan.features().contains(f), "{plan} lacks {f}");
            }
        }
    }
}
