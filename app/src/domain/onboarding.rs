//! Self-serve onboarding: the five steps, what a session shows, and the funnel
//! computed from its telemetry. Pure rules; the server drives the state.

use super::identity::string_enum;
use serde::{Deserialize, Serialize};

/// The sprint goal for time from invitation to a working integration (seconds).
pub const TARGET_SECONDS: i64 = 3600;
/// The sprint goal for the share of sessions that complete (percent).
pub const TARGET_SUCCESS_PCT: u32 = 90;

/// What a link that was already used up says.
pub const LINK_USED: &str = "This invitation was already used to complete onboarding. Log in with the tenant admin account, or ask the portal team for a new invitation.";
/// What an unknown link says.
pub const LINK_UNKNOWN: &str =
    "This invitation link is not valid. Check you copied all of it, or ask the portal team for a new one.";
/// What an expired link says.
pub const LINK_EXPIRED: &str = "This invitation link has expired. Ask for a new one below; your progress is kept.";

/// One step of onboarding, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    /// Tenant details and plan; creates the tenant and its admin login.
    Details,
    /// Webhook URL and a signed test delivery.
    Webhook,
    /// Pick a policy version; its signature is verified.
    Policy,
    /// A repository whose latest release's pack verifies.
    Repository,
    /// Entitlements on and the first API key (shown once).
    Finish,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 5] = [Step::Details, Step::Webhook, Step::Policy, Step::Repository, Step::Finish];

    /// 1 to 5.
    pub fn number(self) -> u8 {
        match self {
            Step::Details => 1,
            Step::Webhook => 2,
            Step::Policy => 3,
            Step::Repository => 4,
            Step::Finish => 5,
        }
    }

    /// The step numbered `n` (1 to 5).
    pub fn from_number(n: i64) -> Option<Step> {
        Step::ALL.into_iter().find(|s| i64::from(s.number()) == n)
    }

    /// Short title.
    pub fn title(self) -> &'static str {
        match self {
            Step::Details => "Tenant details and plan",
            Step::Webhook => "Webhook and test delivery",
            Step::Policy => "Policy version",
            Step::Repository => "Repository and release pack",
            Step::Finish => "Entitlements and API key",
        }
    }

    /// The step's wire name (`details`, `webhook`, `policy`, `repository`, `finish`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Details => "details",
            Step::Webhook => "webhook",
            Step::Policy => "policy",
            Step::Repository => "repository",
            Step::Finish => "finish",
        }
    }

    /// Parses a wire name or number.
    pub fn parse(text: &str) -> Result<Step, String> {
        let t = text.trim();
        Step::ALL
            .into_iter()
            .find(|s| s.as_str() == t || s.number().to_string() == t)
            .ok_or_else(|| format!("unknown step '{t}' (expected 1-5 or details, webhook, policy, repository, finish)"))
    }
}

/// Whether `step` may be completed now, given the highest step completed so far:
/// steps go in order (earlier ones may be redone).
pub fn check_order(step: Step, completed_through: u8) -> Result<(), String> {
    if step.number() <= completed_through.saturating_add(1) {
        return Ok(());
    }
    let missing = Step::ALL[usize::from(completed_through)];
    Err(format!(
        "step {} ({}) comes after step {} ({}): complete that first",
        step.number(),
        step.title(),
        missing.number(),
        missing.title()
    ))
}

string_enum!(
    /// Where step 4 finds the release pack.
    RepoSource {
        /// The repository host's releases API (GitHub, GitHub Enterprise, Gitea, Forgejo).
        Releases = "releases",
        /// A pack already uploaded to the portal for that repository.
        Portal = "portal",
        /// A pack file sent with the step itself (the wizard's upload).
        Upload = "upload",
    }
);

string_enum!(
    /// What happened in a session, for the funnel.
    EventKind {
        /// A step was shown.
        Viewed = "viewed",
        /// A step's checks passed.
        Completed = "completed",
        /// A step's checks failed (with a reason).
        Failed = "failed",
        /// The partner went back to an earlier step.
        Back = "back",
        /// No activity for the inactivity window.
        Abandoned = "abandoned",
        /// Activity again after being abandoned.
        Resumed = "resumed",
    }
);

/// What a session has gathered so far (stored as JSON; never secrets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardingData {
    /// Tenant display name.
    pub tenant_name: Option<String>,
    /// Tenant slug.
    pub tenant_slug: Option<String>,
    /// Chosen plan.
    pub plan: Option<String>,
    /// The tenant admin's name.
    pub admin_name: Option<String>,
    /// The tenant admin's login e-mail.
    pub admin_email: Option<String>,
    /// Webhook endpoint URL.
    pub webhook_url: Option<String>,
    /// The test delivery's `webhook-id`.
    pub webhook_test_id: Option<String>,
    /// Chosen policy version.
    pub policy_version: Option<i64>,
    /// Who signed it (key name and id).
    pub policy_signer: Option<String>,
    /// SHA-256 of the policy bundle.
    pub policy_sha256: Option<String>,
    /// `owner/name`.
    pub repo: Option<String>,
    /// Where the pack came from.
    pub repo_source: Option<String>,
    /// The release tag found.
    pub release_tag: Option<String>,
    /// SHA-256 of the verified pack.
    pub pack_sha256: Option<String>,
    /// The key that signed the pack's manifest.
    pub pack_signer: Option<String>,
    /// Features on at the end.
    pub features: Vec<String>,
    /// Visible start of the first API key.
    pub api_key_prefix: Option<String>,
}

/// The last failed check: what, why, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The step (1-5).
    pub step: u8,
    /// Machine-readable reason (`webhook_unreachable`, `signature_mismatch`, …).
    pub reason: String,
    /// What exactly failed.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// A published policy version a partner may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionOption {
    /// Version number.
    pub version: i64,
    /// SHA-256 of `policy.tar.gz`.
    pub sha256: String,
    /// The organisation's current version.
    pub current: bool,
}

/// A plan as step 1 offers it: its price per verification this month and
/// its features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOffer {
    /// The plan.
    pub plan: super::Plan,
    /// Price of one `attestation.verify` this month (`None` when no price is set).
    pub verify_price: Option<super::money::UnitPrice>,
}

impl PlanOffer {
    /// "Pro: $0.005 per verification; Webhooks, Policy bundles, High rate limit".
    pub fn in_words(&self) -> String {
        let features = self.plan.features().iter().map(|f| f.label()).collect::<Vec<_>>().join(", ");
        match self.verify_price {
            Some(price) => format!("{}: {price} per verification; {features}", self.plan.label()),
            None => format!("{}: {features}", self.plan.label()),
        }
    }
}

/// A session as the wizard and the CLI see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnboardingView {
    /// `onb_…` id.
    pub id: String,
    /// Who the invitation is for.
    pub label: String,
    /// The step to show (1-5).
    pub current_step: u8,
    /// Highest step completed (0-5).
    pub completed_through: u8,
    /// Onboarding is done.
    pub completed: bool,
    /// When the invitation link stops working (ms).
    pub expires_at: i64,
    /// What was entered and found.
    pub data: OnboardingData,
    /// The last failed check, if the step shown failed.
    pub failure: Option<Failure>,
    /// The webhook signing secret (`whsec_…`), for the session holder to configure their receiver.
    pub webhook_secret: Option<super::revealed::Revealed>,
    /// Policy versions that may be picked (newest first).
    pub policy_versions: Vec<PolicyVersionOption>,
    /// The tenant already has a signing key (step 4 needs none entered).
    pub has_signing_key: bool,
    /// The plans step 1 offers, with this month's prices.
    #[serde(default)]
    pub plans: Vec<PlanOffer>,
}

impl OnboardingView {
    /// The status of `step` in this session.
    pub fn status(&self, step: Step) -> StepStatus {
        let n = step.number();
        if self.failure.as_ref().is_some_and(|f| f.step == n) {
            StepStatus::Failed
        } else if n <= self.completed_through {
            StepStatus::Done
        } else if n == self.completed_through + 1 {
            StepStatus::Ready
        } else {
            StepStatus::Locked
        }
    }
}

/// How a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepStatus {
    /// Its checks passed.
    Done,
    /// Next to do.
    Ready,
    /// Its last check failed.
    Failed,
    /// Earlier steps first.
    Locked,
}

impl StepStatus {
    /// Words for people (and screen readers).
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Ready => "to do",
            StepStatus::Failed => "failed",
            StepStatus::Locked => "locked",
        }
    }
}

/// One session, for the funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelSession {
    /// Invitation created (ms).
    pub invited_at: i64,
    /// Completed (ms).
    pub completed_at: Option<i64>,
    /// Abandoned and not resumed.
    pub abandoned: bool,
    /// Highest step reached (viewed or worked on), 1-5.
    pub reached: u8,
    /// Highest step completed, 0-5.
    pub completed_through: u8,
}

/// One step's row of the funnel.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    /// 1-5.
    pub step: u8,
    /// Title.
    pub title: String,
    /// Sessions that reached it.
    pub reached: u32,
    /// Sessions that completed it.
    pub completed: u32,
    /// Sessions that reached it and went no further, abandoned.
    pub dropped: u32,
}

/// The onboarding funnel and its targets.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// Per step.
    pub steps: Vec<FunnelStep>,
    /// Sessions started.
    pub started: u32,
    /// Sessions completed.
    pub completed: u32,
    /// Sessions abandoned.
    pub abandoned: u32,
    /// Sessions in progress.
    pub in_progress: u32,
    /// Completed / (completed + abandoned), percent rounded down; none before any ended.
    pub success_pct: Option<u32>,
    /// Median seconds from invitation to completion.
    pub median_seconds: Option<i64>,
    /// 90th percentile (nearest rank) of the same.
    pub p90_seconds: Option<i64>,
    /// Failure reasons, most common first: (reason, count).
    pub failure_reasons: Vec<(String, u32)>,
}

impl Funnel {
    /// The time goal is met: p90 within [`TARGET_SECONDS`].
    pub fn time_target_met(&self) -> Option<bool> {
        self.p90_seconds.map(|s| s <= TARGET_SECONDS)
    }

    /// The success goal is met.
    pub fn success_target_met(&self) -> Option<bool> {
        self.success_pct.map(|p| p >= TARGET_SUCCESS_PCT)
    }
}

/// Nearest-rank percentile (`pct` in 1-100) of sorted values.
fn percentile(sorted: &[i64], pct: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (pct * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Builds the funnel from sessions and the reasons of failed checks.
pub fn funnel(sessions: &[FunnelSession], failure_reasons: &[String]) -> Funnel {
    let count = |f: &dyn Fn(&FunnelSession) -> bool| {
        u32::try_from(sessions.iter().filter(|s| f(s)).count()).unwrap_or(u32::MAX)
    };
    let steps = Step::ALL
        .iter()
        .map(|step| {
            let n = step.number();
            FunnelStep {
                step: n,
                title: step.title().into(),
                reached: count(&|s| s.reached >= n || s.completed_through >= n),
                completed: count(&|s| s.completed_through >= n),
                dropped: count(&|s| {
                    s.abandoned && s.completed_at.is_none() && s.reached.max(s.completed_through + 1) == n
                }),
            }
        })
        .collect();
    let completed = count(&|s| s.completed_at.is_some());
    let abandoned = count(&|s| s.completed_at.is_none() && s.abandoned);
    let ended = completed + abandoned;
    let mut durations: Vec<i64> =
        sessions.iter().filter_map(|s| s.completed_at.map(|c| (c - s.invited_at).max(0) / 1000)).collect();
    durations.sort_unstable();
    let mut reasons: Vec<(String, u32)> = Vec::new();
    for r in failure_reasons {
        match reasons.iter_mut().find(|(x, _)| x == r) {
            Some((_, n)) => *n += 1,
            None => reasons.push((r.clone(), 1)),
        }
    }
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Funnel {
        steps,
        started: u32::try_from(sessions.len()).unwrap_or(u32::MAX),
        completed,
        abandoned,
        in_progress: u32::try_from(sessions.len()).unwrap_or(u32::MAX) - ended,
        success_pct: (ended > 0).then(|| completed * 100 / ended),
        median_seconds: percentile(&durations, 50),
        p90_seconds: percentile(&durations, 90),
        failure_reasons: reasons,
    }
}

/// Minutes and seconds for people: `34 min 5 s`, `2 h 3 min`.
pub fn human_duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_in_order_and_may_be_redone() {
        assert!(check_order(Step::Details, 0).is_ok());
        assert!(check_order(Step::Webhook, 1).is_ok());
        assert!(check_order(Step::Details, 4).is_ok(), "going back is allowed");
        let e = check_order(Step::Repository, 2).unwrap_err();
        assert!(e.contains("step 3 (Policy version)"), "{e}");
        assert!(check_order(Step::Finish, 3).is_err());
        assert_eq!(Step::parse("3"), Ok(Step::Policy));
        assert_eq!(Step::parse("repository"), Ok(Step::Repository));
        assert!(Step::parse("6").is_err());
        assert_eq!(Step::from_number(5), Some(Step::Finish));
        assert_eq!(Step::from_number(0), None);
    }

    fn session(invited_at: i64, done_after_s: Option<i64>, abandoned: bool, reached: u8, through: u8) -> FunnelSession {
        FunnelSession {
            invited_at,
            completed_at: done_after_s.map(|s| invited_at + s * 1000),
            abandoned,
            reached,
            completed_through: through,
        }
    }

    #[test]
    fn funnel_counts_drop_off_times_and_reasons() {
        let sessions = [
            session(0, Some(600), false, 5, 5),
            session(0, Some(1200), false, 5, 5),
            session(0, Some(5400), false, 5, 5),
            session(0, None, true, 3, 2),
            session(0, None, false, 2, 1),
        ];
        let reasons = ["webhook_unreachable", "signature_mismatch", "webhook_unreachable"].map(String::from);
        let f = funnel(&sessions, &reasons);
        assert_eq!((f.started, f.completed, f.abandoned, f.in_progress), (5, 3, 1, 1));
        assert_eq!(f.success_pct, Some(75));
        assert_eq!(f.success_target_met(), Some(false));
        assert_eq!(f.median_seconds, Some(1200));
        assert_eq!(f.p90_seconds, Some(5400));
        assert_eq!(f.time_target_met(), Some(false));
        let reached: Vec<u32> = f.steps.iter().map(|s| s.reached).collect();
        assert_eq!(reached, [5, 5, 4, 3, 3]);
        let dropped: Vec<u32> = f.steps.iter().map(|s| s.dropped).collect();
        assert_eq!(dropped, [0, 0, 1, 0, 0]);
        assert_eq!(f.failure_reasons[0], ("webhook_unreachable".into(), 2));
    }

    #[test]
    fn empty_funnel_has_no_rates() {
        let f = funnel(&[], &[]);
        assert_eq!((f.success_pct, f.median_seconds, f.time_target_met()), (None, None, None));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 90), Some(9));
        assert_eq!(human_duration(2045), "34 min 5 s");
        assert_eq!(human_duration(7380), "2 h 3 min");
    }
}
