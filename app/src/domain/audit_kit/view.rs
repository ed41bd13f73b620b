//! What the audit pages and the REST API show: plain data, built on the server
//! from the stored rows, the same for the browser and for machines.

use super::checklist::ChecklistItem;
use super::sbom::RepoSbomDiff;
use super::{
    AcceptanceDecision, DecisionKind, DocumentKind, EngagementState, FindingKind, FindingStatus, Level, RequestStatus,
    RuleOutcome, Severity,
};
use serde::{Deserialize, Serialize};

/// An engagement in a list, with its audit status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EngagementCard {
    /// `eng_…` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Audit firm.
    pub firm: String,
    /// Whose evidence (organisation name).
    pub owner: String,
    /// Scoping, fieldwork, accepted.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub state: EngagementState,
    /// First day under review.
    pub period_start: String,
    /// Last day under review.
    pub period_end: String,
    /// Auditors' access ends (ms).
    pub access_ends_at: i64,
    /// Checklist items passed, of all items (evaluated now).
    pub checklist: (usize, usize),
    /// Findings still open or remediating.
    pub open_findings: usize,
    /// Of those, past their due date.
    pub overdue_findings: usize,
    /// The sprint's acceptance rule ("≤ 2 remediation items, low severity only"), evaluated now.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub rule: RuleOutcome,
    /// Opened (ms).
    pub created_at: i64,
}

/// One version of the scope, in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeVersionView {
    /// 1, 2, …
    pub version: i64,
    /// SHA-256 of the version.
    pub sha256: String,
    /// Who wrote it.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
    /// The scope-delta decision that allowed it (`DEC-002 v1`).
    pub decision: Option<String>,
}

/// An engagement, whole, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EngagementView {
    /// The card (status).
    pub card: EngagementCard,
    /// Tenants in scope: (slug, name).
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Vec<String>>))]
    pub tenants: Vec<(String, String)>,
    /// Repositories in scope; empty: every repository of those tenants.
    pub repos: Vec<String>,
    /// The current scope document (Markdown).
    pub scope_markdown: String,
    /// The same, rendered and sanitised.
    pub scope_html: String,
    /// Every scope version, oldest first.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub scope_versions: Vec<ScopeVersionView>,
    /// The scope is locked (fieldwork started).
    pub locked: bool,
    /// The current NDA's version.
    pub nda_version: i64,
    /// Its SHA-256.
    pub nda_sha256: String,
    /// Its text, rendered and sanitised.
    pub nda_html: String,
    /// The caller may manage the engagement (operator side).
    pub can_manage: bool,
    /// The caller is its auditor.
    pub is_auditor: bool,
}

/// The checklist with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistView {
    /// Items: the five automatic ones, then the manual ones (key, title, status, reason, link).
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub items: Vec<ChecklistItem>,
    /// Items passed.
    pub passed: usize,
}

/// A comment in a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    /// Author (e-mail).
    pub author: String,
    /// Their role.
    pub role: String,
    /// Text.
    pub body: String,
    /// When (ms).
    pub at: i64,
}

/// A document as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    /// `doc_…` id.
    pub id: String,
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// The document's own version.
    pub version: String,
    /// Owner.
    pub owner: String,
    /// Next review due.
    pub review_date: Option<String>,
    /// Review date not passed today.
    pub current: bool,
    /// The date the evidence is about.
    pub evidence_date: Option<String>,
    /// File name.
    pub filename: String,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When (ms).
    pub uploaded_at: i64,
    /// Where to download it.
    pub href: String,
}

/// A sample as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleView {
    /// `smp_…` id.
    pub id: String,
    /// `packs` or `verifications`.
    pub population: String,
    /// Items in the population when drawn.
    pub population_size: i64,
    /// The seed (the draw can be performed again).
    pub seed: String,
    /// Drawn items: (id, label, digest).
    pub items: Vec<(String, String, String)>,
    /// Who drew it.
    pub drawn_by: String,
    /// When (ms).
    pub drawn_at: i64,
}

/// An evidence request, with its evidence and thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// `req_…` id.
    pub id: String,
    /// `REQ-001`.
    pub reference: String,
    /// What is asked for.
    pub title: String,
    /// More.
    pub detail: String,
    /// Who answers it.
    pub owner: Option<String>,
    /// Status.
    pub status: RequestStatus,
    /// The date the evidence is about.
    pub evidence_date: Option<String>,
    /// Who raised it.
    pub raised_by: String,
    /// When (ms).
    pub raised_at: i64,
    /// Evidence supplied.
    pub documents: Vec<DocumentView>,
    /// Samples drawn for it.
    pub samples: Vec<SampleView>,
    /// The thread.
    pub comments: Vec<CommentView>,
}

/// Requests and the samples not tied to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsView {
    /// Requests, oldest first.
    pub requests: Vec<RequestView>,
    /// Samples drawn without a request.
    pub samples: Vec<SampleView>,
}

/// A finding with its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FindingView {
    /// `fnd_…` id.
    pub id: String,
    /// `FND-001`.
    pub reference: String,
    /// Title.
    pub title: String,
    /// The condition found.
    pub detail: String,
    /// Kind.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub kind: FindingKind,
    /// Severity.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub severity: Severity,
    /// Root cause.
    pub root_cause: Option<String>,
    /// Corrective action.
    pub corrective_action: Option<String>,
    /// Remediation owner.
    pub owner: Option<String>,
    /// Due date.
    pub due_date: Option<String>,
    /// Status.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: FindingStatus,
    /// Effectiveness check.
    pub effectiveness: Option<String>,
    /// Who raised it.
    pub raised_by: String,
    /// When (ms).
    pub raised_at: i64,
    /// Closed or risk accepted (ms).
    pub closed_at: Option<i64>,
    /// Outstanding after its due date.
    pub overdue: bool,
    /// Decisions about it (`DEC-003`).
    pub decisions: Vec<String>,
    /// The thread.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub comments: Vec<CommentView>,
}

/// The findings and the acceptance rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FindingsView {
    /// The rule, evaluated now.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub rule: RuleOutcome,
    /// Findings, oldest first.
    pub findings: Vec<FindingView>,
}

/// One version of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DecisionView {
    /// `DEC-001`.
    pub reference: String,
    /// 1, 2, …
    pub version: i64,
    /// Kind.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub kind: DecisionKind,
    /// What was decided.
    pub title: String,
    /// Why.
    pub rationale: String,
    /// Owner.
    pub owner: String,
    /// When decided.
    pub decided_on: String,
    /// The finding it is about.
    pub finding: Option<String>,
    /// The scope version it allowed.
    pub scope_version: Option<i64>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (ms).
    pub recorded_at: i64,
}

/// A risk of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskView {
    /// `risk_…` id.
    pub id: String,
    /// `RISK-001`.
    pub reference: String,
    /// The risk.
    pub title: String,
    /// Likelihood.
    pub likelihood: Level,
    /// Impact.
    pub impact: Level,
    /// Mitigation.
    pub mitigation: String,
    /// Owner.
    pub owner: String,
    /// Next review.
    pub review_date: Option<String>,
}

/// Decisions (every version, newest version of each first) and the engagement's risks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DecisionsView {
    /// Each decision's versions, newest first; decisions by reference.
    pub decisions: Vec<Vec<DecisionView>>,
    /// Risks linked to the engagement.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub risks: Vec<RiskView>,
    /// Risks of the register not linked yet (for managers).
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub other_risks: Vec<RiskView>,
}

/// An auditor of an engagement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditorView {
    /// The account.
    pub user_id: String,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Joined (ms).
    pub joined_at: i64,
    /// Revoked (ms).
    pub revoked_at: Option<i64>,
    /// Latest NDA version accepted.
    pub nda_version: Option<i64>,
}

/// An invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    /// `ainv_…` id.
    pub id: String,
    /// Invitee.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Created (ms).
    pub created_at: i64,
    /// Expires (ms).
    pub expires_at: i64,
    /// Used (ms).
    pub used_at: Option<i64>,
    /// Withdrawn (ms).
    pub revoked_at: Option<i64>,
}

/// One access-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccessView {
    /// When (ms).
    pub at: i64,
    /// Who.
    pub email: String,
    /// `view` or `download`.
    pub kind: String,
    /// What.
    pub object: String,
    /// SHA-256 of what was served.
    pub sha256: String,
}

/// Auditors, invitations and the access log (operator side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditorsView {
    /// Auditors.
    pub auditors: Vec<AuditorView>,
    /// Invitations.
    pub invitations: Vec<InvitationView>,
    /// The access log, newest first.
    pub access_log: Vec<AccessView>,
    /// The current NDA version.
    pub nda_version: i64,
}

/// A built sign-off pack and the answers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffView {
    /// SHA-256 of the zip.
    pub sha256: String,
    /// Size.
    pub size_bytes: i64,
    /// The state it shows (ms).
    pub as_of: i64,
    /// Who built it first.
    pub built_by: String,
    /// When (ms).
    pub built_at: i64,
}

/// An answer to a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    /// The pack's SHA-256.
    pub pack_sha256: String,
    /// Accepted or rejected.
    pub decision: AcceptanceDecision,
    /// Statement or reason.
    pub statement: String,
    /// Who.
    pub email: String,
    /// When (ms).
    pub at: i64,
}

/// The sign-off tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffsView {
    /// Packs built, newest first.
    pub packs: Vec<SignoffView>,
    /// Answers, oldest first.
    pub answers: Vec<AnswerView>,
}

/// A release pack in the evidence tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackView {
    /// `pack_…` id.
    pub id: String,
    /// Tenant slug.
    pub tenant: String,
    /// `owner/name`.
    pub repo: String,
    /// Tag.
    pub tag: String,
    /// SHA-256.
    pub sha256: String,
    /// `verified` or `failed`.
    pub status: String,
    /// Why it failed.
    pub reason: Option<String>,
    /// From release to verified pack (ms).
    pub time_to_pack_ms: Option<i64>,
    /// Uploaded (ms).
    pub uploaded_at: i64,
    /// Where to download it.
    pub href: String,
}

/// A signed receipt of a tenant's verification, in the evidence tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    /// `ver_…` id (the verification's).
    pub id: String,
    /// Tenant slug.
    pub tenant: String,
    /// SHA-256 of the verified subject.
    pub subject_sha256: String,
    /// The receipt key that signed it.
    pub key_id: String,
    /// Issued (ms).
    pub created_at: i64,
    /// Where to download the signed envelope.
    pub href: String,
}

/// A vendor attestation in the evidence tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorView {
    /// `vatt_…` id.
    pub id: String,
    /// Vendor.
    pub vendor: String,
    /// What it attests.
    pub title: String,
    /// Kind of evidence.
    pub kind: String,
    /// SHA-256 of the artifact.
    pub subject_sha256: String,
    /// Verified.
    pub verified: bool,
    /// Why not.
    pub reason: Option<String>,
    /// Who signed, for people.
    pub signer: Option<String>,
    /// The checks that ran and passed.
    pub checks: Vec<String>,
    /// Uploaded (ms).
    pub uploaded_at: i64,
}

/// Recovery targets and the last restore drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrView {
    /// RPO target (minutes).
    pub rpo_minutes: Option<i64>,
    /// RTO target (minutes).
    pub rto_minutes: Option<i64>,
    /// Last restore drill: id, passed, started (ms), measured RTO (ms), data-loss window (ms), rows checked.
    pub last_drill: Option<(String, bool, i64, i64, i64, i64)>,
}

/// The evidence tab: the compliance pack's contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    /// In-scope repositories' policy bundles.
    pub repos: Vec<crate::domain::adoption::RepoPolicyStatus>,
    /// Adoption over the scope.
    pub adoption: crate::domain::adoption::Adoption,
    /// Release packs.
    pub packs: Vec<PackView>,
    /// The latest signed receipts of each tenant in scope.
    pub receipts: Vec<ReceiptView>,
    /// SBOM diffs.
    pub sbom: Vec<RepoSbomDiff>,
    /// Vendor attestations.
    pub vendors: Vec<VendorView>,
    /// Documents.
    pub documents: Vec<DocumentView>,
    /// DR metrics.
    pub dr: DrView,
}

/// The evidence library page (operator side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryView {
    /// Documents of the operator's library.
    pub documents: Vec<DocumentView>,
    /// Vendor attestations.
    pub vendors: Vec<VendorView>,
    /// Recovery targets and the last drill.
    pub dr: DrView,
    /// Restore drills: id, passed, started (ms), measured RTO (ms), data-loss window (ms), rows checked.
    pub drills: Vec<(String, bool, i64, i64, i64, i64)>,
    /// The risk register.
    pub risks: Vec<RiskView>,
}

/// What the join page shows an invited auditor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinView {
    /// Engagement name.
    pub engagement: String,
    /// Audit firm.
    pub firm: String,
    /// Whose evidence.
    pub owner: String,
    /// Period under review.
    pub period: String,
    /// Access ends (ms).
    pub access_ends_at: i64,
    /// The invited e-mail.
    pub email: String,
    /// The invited name.
    pub name: String,
    /// NDA version.
    pub nda_version: i64,
    /// Its SHA-256 (sent back on acceptance).
    pub nda_sha256: String,
    /// Its text, rendered and sanitised.
    pub nda_html: String,
}
