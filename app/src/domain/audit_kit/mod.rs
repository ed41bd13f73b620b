//! The external audit dry-run kit, as pure types and rules (both targets).
//!
//! An **engagement** is one audit: a firm, a period under review, the tenants
//! and repositories in scope and a scope document. Its scope is locked when
//! fieldwork starts; a later change is a new scope version that names the
//! Decision ("scope delta") that allowed it. Auditors are invited to one
//! engagement and see only what it scopes. The engagement's **checklist** is
//! computed from live evidence ([`checklist`]); the auditor's **findings** are
//! judged against the sprint's acceptance rule ([`remediation_rule`]); a
//! **sign-off pack** is built from the whole state and accepted or rejected
//! by digest. [`sbom`] diffs the SBOMs of two releases.

pub mod checklist;
pub mod sbom;
pub mod view;

use crate::domain::identity::string_enum;
use serde::{Deserialize, Serialize};

string_enum!(
    /// Where an engagement is.
    EngagementState {
        /// Being scoped: the scope may change freely.
        Scoping = "scoping",
        /// Fieldwork: the scope is locked; a change needs a scope-delta decision.
        Fieldwork = "fieldwork",
        /// The auditor accepted a sign-off pack.
        Accepted = "accepted",
    }
);

impl EngagementState {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Scoping => "Scoping",
            Self::Fieldwork => "Fieldwork",
            Self::Accepted => "Accepted",
        }
    }
}

string_enum!(
    /// What kind of finding the auditor raised.
    FindingKind {
        /// Worth noting; needs no remediation.
        Observation = "observation",
        /// A minor nonconformity: a remediation item.
        Minor = "minor",
        /// A major nonconformity: a remediation item.
        Major = "major",
    }
);

impl FindingKind {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Observation => "Observation",
            Self::Minor => "Minor nonconformity",
            Self::Major => "Major nonconformity",
        }
    }

    /// Whether the finding needs remediation (observations do not).
    pub fn needs_remediation(self) -> bool {
        self != Self::Observation
    }
}

string_enum!(
    /// How severe a finding is.
    Severity {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
    }
);

string_enum!(
    /// Where a finding's remediation is.
    FindingStatus {
        /// Raised; nobody works on it yet.
        Open = "open",
        /// Being fixed by its owner.
        Remediating = "remediating",
        /// Fixed, with an effectiveness check.
        Closed = "closed",
        /// Not fixed: a recorded decision accepts the risk.
        AcceptedRisk = "accepted_risk",
    }
);

impl FindingStatus {
    /// Whether the finding still waits for its remediation (and can be overdue).
    pub fn is_outstanding(self) -> bool {
        matches!(self, Self::Open | Self::Remediating)
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Remediating => "Remediating",
            Self::Closed => "Closed",
            Self::AcceptedRisk => "Accepted risk",
        }
    }
}

string_enum!(
    /// Where an evidence request is.
    RequestStatus {
        /// Raised; no evidence yet.
        Outstanding = "outstanding",
        /// Evidence supplied; the auditor reviews it.
        InReview = "in_review",
        /// The auditor accepted the evidence.
        Accepted = "accepted",
        /// The auditor asked for more or other evidence.
        ChangesRequested = "changes_requested",
    }
);

impl RequestStatus {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Outstanding => "Outstanding",
            Self::InReview => "In review",
            Self::Accepted => "Accepted",
            Self::ChangesRequested => "Changes requested",
        }
    }
}

string_enum!(
    /// What a decision is about.
    DecisionKind {
        /// A decision of the engagement.
        General = "general",
        /// A change of the locked scope.
        ScopeDelta = "scope_delta",
        /// Accepting a finding's risk instead of fixing it.
        RiskAcceptance = "risk_acceptance",
    }
);

string_enum!(
    /// A document's kind.
    DocumentKind {
        /// Data processing agreement.
        Dpa = "dpa",
        /// Data protection impact assessment.
        Dpia = "dpia",
        /// Evidence answering a request or a checklist item.
        Evidence = "evidence",
        /// Anything else.
        Other = "other",
    }
);

impl DocumentKind {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dpa => "DPA",
            Self::Dpia => "DPIA",
            Self::Evidence => "Evidence",
            Self::Other => "Other",
        }
    }
}

string_enum!(
    /// A risk's likelihood or impact.
    Level {
        /// Low.
        Low = "low",
        /// Medium.
        Med = "med",
        /// High.
        High = "high",
    }
);

string_enum!(
    /// An auditor's answer to a sign-off pack.
    AcceptanceDecision {
        /// The pack is accepted.
        Accepted = "accepted",
        /// The pack is rejected (with a reason).
        Rejected = "rejected",
    }
);

/// What an auditor may see: their one engagement's scope. Resolved with every
/// request (so a revocation or the end of access applies at once) and
/// checked by every page, server function and route an auditor can reach;
/// anything outside answers "not found".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditorScope {
    /// The engagement (`eng_…`).
    pub engagement_id: String,
    /// Whose evidence it audits.
    pub owner_org_id: String,
    /// The owner is the operator: its own evidence (policy keys, drills, DR
    /// metrics, documents) is in scope too. A tenant-side engagement sees
    /// only that tenant.
    pub operator_owned: bool,
    /// The tenants in scope (`org_…` ids).
    pub tenants: std::collections::BTreeSet<String>,
    /// The repositories in scope; empty: every repository of those tenants.
    pub repos: std::collections::BTreeSet<String>,
    /// The auditor accepted the engagement's current NDA version.
    pub nda_accepted: bool,
    /// Access ends (ms).
    pub ends_at: i64,
}

impl AuditorScope {
    /// Whether the tenant `org_id` is in scope.
    pub fn sees_tenant(&self, org_id: &str) -> bool {
        self.tenants.contains(org_id)
    }

    /// Whether repository `repo` of tenant `org_id` is in scope.
    pub fn sees_repo(&self, org_id: &str, repo: &str) -> bool {
        self.sees_tenant(org_id) && (self.repos.is_empty() || self.repos.contains(repo))
    }
}

/// The most remediation items the sprint's acceptance rule allows.
pub const MAX_REMEDIATION_ITEMS: usize = 2;

/// What the acceptance rule looks at in a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingFacts {
    /// Its kind.
    pub kind: FindingKind,
    /// Its severity.
    pub severity: Severity,
}

/// The sprint's acceptance rule, evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// Whether the rule holds.
    pub passed: bool,
    /// Remediation items (findings that are not observations).
    pub remediation_items: usize,
    /// Findings above low severity, of any kind.
    pub above_low: usize,
    /// The rule and how it came out, in words.
    pub summary: String,
}

/// OKR 1's rule: "at most 2 remediation items, low severity only". A
/// remediation item is a finding that is not an observation; every finding,
/// observations included, must be of low severity. Withdrawn findings do not
/// exist (findings are never deleted), so every finding counts.
pub fn remediation_rule(findings: &[FindingFacts]) -> RuleOutcome {
    let remediation_items = findings.iter().filter(|f| f.kind.needs_remediation()).count();
    let above_low = findings.iter().filter(|f| f.severity != Severity::Low).count();
    let passed = remediation_items <= MAX_REMEDIATION_ITEMS && above_low == 0;
    let summary = format!(
        "{remediation_items} remediation item{} (at most {MAX_REMEDIATION_ITEMS}); {above_low} finding{} above low severity (none allowed): {}",
        if remediation_items == 1 { "" } else { "s" },
        if above_low == 1 { "" } else { "s" },
        if passed { "met" } else { "not met" }
    );
    RuleOutcome { passed, remediation_items, above_low, summary }
}

/// A per-engagement reference: `REQ-001`, `FND-001`, `DEC-001`.
pub fn reference(prefix: &str, n: i64) -> String {
    format!("{prefix}-{n:03}")
}

/// The number in a reference made by [`reference`] (`FND-012` → 12).
pub fn reference_number(prefix: &str, text: &str) -> Option<i64> {
    text.strip_prefix(prefix)?.strip_prefix('-')?.parse().ok().filter(|n| *n > 0)
}

/// The scope template (the sprint plan's `auditor/dryrun.scope.md`), the
/// starting text of every new engagement's scope document.
pub const SCOPE_TEMPLATE: &str = "# External Audit Dry-run — Scope\n\n\
- Access: auditor-tenant (read-only, expiring)\n\
- Evidence: sign-off pack + policy sigs + SBOM diff + vendor attestations\n\
- Acceptance: ≤2 low-severity notes; all Decisions logged with owners/dates\n";

/// The starting NDA of every new engagement (the operator may publish a new version).
pub const NDA_TEMPLATE: &str = "# Confidentiality agreement\n\n\
By accepting, you agree to use what this engagement shows you only for the audit it names, \
to keep it confidential, not to copy it outside the portal except the sign-off pack, \
and to return or destroy any copy when the engagement ends.\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn f(kind: FindingKind, severity: Severity) -> FindingFacts {
        FindingFacts { kind, severity }
    }

    #[test]
    fn two_low_remediation_items_pass_and_one_medium_fails() {
        use FindingKind::{Minor, Observation};
        use Severity::{Low, Medium};
        assert!(remediation_rule(&[]).passed);
        let two_low = remediation_rule(&[f(Minor, Low), f(Minor, Low)]);
        assert!(two_low.passed, "{}", two_low.summary);
        assert_eq!(two_low.remediation_items, 2);
        assert!(!remediation_rule(&[f(Minor, Low), f(Minor, Low), f(Minor, Low)]).passed, "three items");
        let medium = remediation_rule(&[f(Minor, Medium)]);
        assert!(!medium.passed);
        assert_eq!(medium.above_low, 1);
        assert!(medium.summary.contains("not met"));
        // Observations are not remediation items, but must be low too.
        assert!(remediation_rule(&[f(Minor, Low), f(Minor, Low), f(Observation, Low)]).passed);
        assert!(!remediation_rule(&[f(Observation, Medium)]).passed);
    }

    #[test]
    fn an_auditor_sees_only_the_scope() {
        let scope = AuditorScope {
            engagement_id: "eng_1".into(),
            owner_org_id: "org_op".into(),
            operator_owned: true,
            tenants: ["org_acme".to_owned()].into(),
            repos: ["acme/fw".to_owned()].into(),
            nda_accepted: true,
            ends_at: 0,
        };
        assert!(scope.sees_tenant("org_acme"));
        assert!(!scope.sees_tenant("org_globex"));
        assert!(scope.sees_repo("org_acme", "acme/fw"));
        assert!(!scope.sees_repo("org_acme", "acme/docs"), "a repository outside the list");
        assert!(!scope.sees_repo("org_globex", "acme/fw"), "the name under another tenant");
        let every_repo = AuditorScope { repos: Default::default(), ..scope };
        assert!(every_repo.sees_repo("org_acme", "acme/docs"));
    }

    #[test]
    fn references_roundtrip() {
        assert_eq!(reference("FND", 7), "FND-007");
        assert_eq!(reference("REQ", 1234), "REQ-1234");
        assert_eq!(reference_number("FND", "FND-007"), Some(7));
        assert_eq!(reference_number("FND", "REQ-007"), None);
        assert_eq!(reference_number("FND", "FND-000"), None);
        assert_eq!(reference_number("FND", "FND-x"), None);
    }

    #[test]
    fn states_parse() {
        for s in EngagementState::ALL {
            assert_eq!(EngagementState::parse(s.as_str()), Ok(*s));
        }
        assert!(FindingStatus::Open.is_outstanding());
        assert!(!FindingStatus::AcceptedRisk.is_outstanding());
    }
}
