//! Policy adoption: which active repositories run the organisation's signed
//! policy, the adoption ratio and its badge. Integer arithmetic only.

use crate::domain::policy_signers::{OrgSignerView, OverrideView, PackPolicy, PolicySignerKind, PolicySource};
use serde::{Deserialize, Serialize};

/// The adoption goal in percent (sprint OKR 3).
pub const GOAL_PERCENT: i64 = 95;
/// Below this percent the badge is red.
pub const RED_BELOW_PERCENT: i64 = 80;

/// Where a repository stands with the organisation's policy.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyState {
    /// Its bundle verifies and is the current version (or within the allowed lag).
    Signed,
    /// No bundle was ever uploaded or shipped in a release pack.
    Unsigned,
    /// Its verified bundle is older than the current version allows.
    Stale,
    /// Its latest upload, or the policy in its latest release pack, failed verification.
    Failed,
    /// Its bundle verifies, but the rollout requires the org workflow and another signer signed it.
    OffWorkflow,
}

impl PolicyState {
    /// The word shown to people and in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyState::Signed => "signed",
            PolicyState::Unsigned => "unsigned",
            PolicyState::Stale => "stale",
            PolicyState::Failed => "failed",
            PolicyState::OffWorkflow => "off_workflow",
        }
    }

    /// Not adopted, and needs someone to act (everything but signed).
    pub fn is_failing(self) -> bool {
        matches!(self, PolicyState::Failed | PolicyState::Unsigned | PolicyState::OffWorkflow)
    }
}

/// What one source (uploads, or the latest release pack) says about a repository's policy bundle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BundleFacts {
    /// Version of the verified bundle in force, if any.
    pub in_force: Option<i64>,
    /// Who signed the bundle in force.
    pub signer_kind: Option<PolicySignerKind>,
    /// The latest item failed, with this reason code (a failed upload never replaces the one in force).
    pub latest_failed: Option<String>,
}

/// The rollout's rules a bundle is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdoptionRules {
    /// The org policy version every repository should run.
    pub current_version: i64,
    /// Versions a repository may lag.
    pub allowed_lag: i64,
    /// Only bundles signed by the org workflow count.
    pub require_org_workflow: bool,
}

/// Classifies one source of a repository's policy evidence against the rules.
/// Returns the state and, unless signed, why.
pub fn classify(facts: &BundleFacts, rules: &AdoptionRules) -> (PolicyState, Option<String>) {
    let (current_version, allowed_lag) = (rules.current_version, rules.allowed_lag);
    if let Some(reason) = &facts.latest_failed {
        return (PolicyState::Failed, Some(format!("latest policy bundle failed verification: {reason}")));
    }
    match facts.in_force {
        None => (PolicyState::Unsigned, Some("no signed policy bundle uploaded".to_owned())),
        Some(v) if v < current_version - allowed_lag => (
            PolicyState::Stale,
            Some(format!(
                "version {v} in force; the org policy is version {current_version} (allowed lag {allowed_lag})"
            )),
        ),
        Some(_) if rules.require_org_workflow && facts.signer_kind != Some(PolicySignerKind::OrgWorkflow) => (
            PolicyState::OffWorkflow,
            Some(format!(
                "signed by {}; the rollout requires the org workflow (org.policy.sign.yml)",
                facts.signer_kind.map_or("an unknown signer", PolicySignerKind::label)
            )),
        ),
        Some(_) => (PolicyState::Signed, None),
    }
}

/// Which of a repository's two sources of policy evidence decides its state
/// (`upload` and `pack` as [`classify`] found them). A repository is signed
/// when either source carries a verified, current bundle: the signed one wins
/// (both signed: the caller keeps the higher version). Otherwise the more
/// urgent state wins: failed, then off the org workflow, then stale, then
/// unsigned (only when neither source has anything). Ties go to the upload.
pub fn decide(upload: &(PolicyState, Option<String>), pack: &(PolicyState, Option<String>)) -> PolicySource {
    let rank = |s: PolicyState| match s {
        PolicyState::Signed => 0,
        PolicyState::Failed => 1,
        PolicyState::OffWorkflow => 2,
        PolicyState::Stale => 3,
        PolicyState::Unsigned => 4,
    };
    if rank(pack.0) < rank(upload.0) { PolicySource::Pack } else { PolicySource::Upload }
}

/// Adopted repositories out of the active ones.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adoption {
    /// Active repositories in state [`PolicyState::Signed`].
    pub adopted: i64,
    /// Active repositories.
    pub active: i64,
}

/// The badge colours, shields.io style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeColour {
    /// At or above the goal.
    Green,
    /// Below the goal.
    Amber,
    /// Below [`RED_BELOW_PERCENT`].
    Red,
    /// Nothing to measure.
    Grey,
}

impl BadgeColour {
    /// The fill colour.
    pub fn hex(self) -> &'static str {
        match self {
            BadgeColour::Green => "#4c1",
            BadgeColour::Amber => "#dfb317",
            BadgeColour::Red => "#e05d44",
            BadgeColour::Grey => "#9f9f9f",
        }
    }
}

impl Adoption {
    /// Green at or above the goal (exactly 95% is green), amber below, red below 80%.
    pub fn colour(self) -> BadgeColour {
        if self.active <= 0 {
            BadgeColour::Grey
        } else if self.adopted * 100 >= GOAL_PERCENT * self.active {
            BadgeColour::Green
        } else if self.adopted * 100 >= RED_BELOW_PERCENT * self.active {
            BadgeColour::Amber
        } else {
            BadgeColour::Red
        }
    }

    /// "95.0%", rounded down to a tenth (never shows the goal met when it is not); "n/a" without active repos.
    pub fn percent_text(self) -> String {
        if self.active <= 0 {
            return "n/a".to_owned();
        }
        let tenths = self.adopted * 1000 / self.active;
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// A shields.io-style flat badge: grey label, coloured message.
pub fn badge_svg(label: &str, message: &str, colour: BadgeColour) -> String {
    // Verdana 11px averages about 7 px a character; 10 px padding each side.
    let width = |s: &str| i64::try_from(s.chars().count()).unwrap_or(0) * 7 + 10;
    let (lw, mw) = (width(label), width(message));
    let total = lw + mw;
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let (label, message) = (esc(label), esc(message));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {message}"><title>{label}: {message}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{mw}" height="20" fill="{fill}"/><rect width="{total}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="{lx}" y="14">{label}</text><text x="{mx}" y="14">{message}</text></g></svg>"##,
        fill = colour.hex(),
        lx = lw / 2,
        mx = lw + mw / 2,
    )
}

/// One repository's policy bundle status, as auditors see it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoPolicyStatus {
    /// Tenant handle.
    pub tenant: String,
    /// `owner/name`.
    pub repo: String,
    /// Counts towards adoption (recent activity, or set by hand).
    pub active: bool,
    /// Signed, unsigned, stale or failed.
    pub state: PolicyState,
    /// Why, unless signed.
    pub reason: Option<String>,
    /// Version of the bundle in force.
    pub version: Option<i64>,
    /// SHA-256 of the bundle in force.
    pub sha256: Option<String>,
    /// Who signed the bundle in force.
    pub signer: Option<String>,
    /// Which kind of signer that is (org key, org workflow, override).
    pub signer_kind: Option<PolicySignerKind>,
    /// Where the deciding evidence came from: an upload or the latest release pack.
    pub source: Option<PolicySource>,
    /// The release pack's tag, when the evidence came from a pack.
    pub release: Option<String>,
    /// When the bundle in force was verified (ms).
    pub verified_at: Option<i64>,
}

/// One release pack's signature status.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackStatus {
    /// Tenant handle.
    pub tenant: String,
    /// `owner/name`.
    pub repo: String,
    /// Release tag.
    pub tag: String,
    /// `verified` or `failed`.
    pub status: String,
    /// Reason code when failed.
    pub reason: Option<String>,
    /// Key whose manifest signature verified.
    pub signer_key_id: Option<String>,
    /// The policy bundle it carries (`policy.tar.gz` + `policy.sig`), as checked.
    pub policy: Option<PackPolicy>,
    /// When it was uploaded and verified (ms).
    pub verified_at: i64,
}

/// The signature status report: adoption, every repository, every pack.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureStatus {
    /// Adopted out of active repositories.
    pub adoption: Adoption,
    /// The org policy version every repository should run.
    pub current_version: i64,
    /// Versions a repository may lag behind.
    pub allowed_lag: i64,
    /// Days of inactivity after which a repository stops counting.
    pub active_days: i64,
    /// Only bundles signed by the org workflow count towards adoption.
    pub require_org_workflow: bool,
    /// Who may sign policy bundles for every repository now: org keys and org workflow identities.
    pub org_signers: Vec<OrgSignerView>,
    /// Per-repository signer overrides (active, expired and revoked), newest first.
    pub overrides: Vec<OverrideView>,
    /// Repositories, by tenant and name.
    pub repos: Vec<RepoPolicyStatus>,
    /// Release packs, newest first.
    pub packs: Vec<PackStatus>,
    /// Open alerts, newest first.
    pub alerts: Vec<AlertView>,
}

/// An open alert.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertView {
    /// `policy.unsigned`, `policy.failed`, `policy.stale`.
    pub kind: String,
    /// What it is about.
    pub subject: String,
    /// For people.
    pub message: String,
    /// Raised (ms).
    pub opened_at: i64,
    /// Webhook deliveries done, if any.
    pub delivered: Option<String>,
}

impl SignatureStatus {
    /// CSV of repositories and packs, one row each (`kind` says which).
    pub fn to_csv(&self) -> String {
        let cell = super::text::csv_cell;
        let opt = |v: &Option<String>| v.as_deref().map(cell).unwrap_or_default();
        let mut out = String::from(
            "kind,tenant,repo,tag_or_version,state,reason,sha256,signer,verified_at_ms,active,signer_kind,source,policy\n",
        );
        for r in &self.repos {
            out.push_str(&format!(
                "policy_bundle,{},{},{},{},{},{},{},{},{},{},{},\n",
                cell(&r.tenant),
                cell(&r.repo),
                r.version.map(|v| v.to_string()).unwrap_or_default(),
                r.state.as_str(),
                opt(&r.reason),
                opt(&r.sha256),
                opt(&r.signer),
                r.verified_at.map(|t| t.to_string()).unwrap_or_default(),
                r.active,
                r.signer_kind.map(PolicySignerKind::as_str).unwrap_or_default(),
                match (r.source, &r.release) {
                    (Some(PolicySource::Pack), Some(tag)) => cell(&format!("pack {tag}")),
                    (source, _) => source.map(PolicySource::as_str).unwrap_or_default().to_owned(),
                },
            ));
        }
        for p in &self.packs {
            out.push_str(&format!(
                "release_pack,{},{},{},{},{},,{},{},,,,{}\n",
                cell(&p.tenant),
                cell(&p.repo),
                cell(&p.tag),
                cell(&p.status),
                opt(&p.reason),
                opt(&p.signer_key_id),
                p.verified_at,
                p.policy.as_ref().map(|pp| cell(&pp.summary())).unwrap_or_default()
            ));
        }
        out
    }
}

/// Which rows the signature status shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Show {
    /// Everything.
    #[default]
    All,
    /// Unsigned, failed or off-workflow repositories and failed packs.
    Failing,
    /// Repositories behind the current policy version.
    Stale,
}

impl Show {
    /// Parses `all`, `failing` or `stale` (empty is `all`).
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "all" => Ok(Show::All),
            "failing" => Ok(Show::Failing),
            "stale" => Ok(Show::Stale),
            other => Err(format!("'{other}': use all, failing or stale")),
        }
    }
}

impl SignatureStatus {
    /// Keeps only what `keep(tenant_slug, repo)` allows (an auditor's
    /// engagement scope), with adoption counted over the repositories kept.
    /// Alerts are about `tenant/owner/name` and are kept the same way.
    pub fn restricted(mut self, keep: impl Fn(&str, &str) -> bool) -> Self {
        self.repos.retain(|r| keep(&r.tenant, &r.repo));
        self.packs.retain(|p| keep(&p.tenant, &p.repo));
        self.overrides.retain(|o| keep(&o.tenant, &o.repo));
        self.alerts.retain(|a| a.subject.split_once('/').is_some_and(|(tenant, repo)| keep(tenant, repo)));
        let active: Vec<&RepoPolicyStatus> = self.repos.iter().filter(|r| r.active).collect();
        self.adoption = Adoption {
            adopted: i64::try_from(active.iter().filter(|r| r.state == PolicyState::Signed).count()).unwrap_or(0),
            active: i64::try_from(active.len()).unwrap_or(0),
        };
        self
    }

    /// Keeps the rows `show` asks for (adoption figures stay those of all repositories).
    pub fn filtered(mut self, show: Show) -> Self {
        match show {
            Show::All => {}
            Show::Failing => {
                self.repos.retain(|r| r.state.is_failing());
                self.packs.retain(|p| p.status != "verified");
            }
            Show::Stale => {
                self.repos.retain(|r| r.state == PolicyState::Stale);
                self.packs.clear();
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_goal_is_green_just_below_is_amber_and_below_80_is_red() {
        assert_eq!(Adoption { adopted: 19, active: 20 }.colour(), BadgeColour::Green, "95% exactly");
        assert_eq!(Adoption { adopted: 20, active: 20 }.colour(), BadgeColour::Green);
        assert_eq!(Adoption { adopted: 949, active: 1000 }.colour(), BadgeColour::Amber, "94.9%");
        assert_eq!(Adoption { adopted: 8, active: 10 }.colour(), BadgeColour::Amber, "80% exactly");
        assert_eq!(Adoption { adopted: 79, active: 100 }.colour(), BadgeColour::Red);
        assert_eq!(Adoption { adopted: 0, active: 0 }.colour(), BadgeColour::Grey);
        assert_eq!(Adoption { adopted: 19, active: 20 }.percent_text(), "95.0%");
        assert_eq!(Adoption { adopted: 2, active: 3 }.percent_text(), "66.6%", "rounded down");
        assert_eq!(Adoption { adopted: 0, active: 0 }.percent_text(), "n/a");
    }

    #[test]
    fn repositories_are_classified_with_a_reason() {
        let f = |in_force, failed: Option<&str>| BundleFacts {
            in_force,
            signer_kind: Some(PolicySignerKind::OrgKey),
            latest_failed: failed.map(str::to_owned),
        };
        let rules =
            |current_version, allowed_lag| AdoptionRules { current_version, allowed_lag, require_org_workflow: false };
        assert_eq!(classify(&f(Some(5), None), &rules(5, 0)), (PolicyState::Signed, None));
        assert_eq!(classify(&f(Some(4), None), &rules(5, 1)).0, PolicyState::Signed, "within the allowed lag");
        let (state, why) = classify(&f(Some(3), None), &rules(5, 1));
        assert_eq!(state, PolicyState::Stale);
        assert!(why.unwrap().contains("version 3 in force"));
        assert_eq!(classify(&f(None, None), &rules(5, 0)).0, PolicyState::Unsigned);
        let (state, why) = classify(&f(Some(5), Some("signature_mismatch")), &rules(5, 0));
        assert_eq!(state, PolicyState::Failed, "a failed latest upload is an alert even with an older one in force");
        assert!(why.unwrap().contains("signature_mismatch"));
        // Requiring the org workflow: a key-signed bundle is verified but does not count.
        let strict = AdoptionRules { require_org_workflow: true, ..rules(5, 0) };
        let (state, why) = classify(&f(Some(5), None), &strict);
        assert_eq!(state, PolicyState::OffWorkflow);
        assert!(why.unwrap().contains("signed by an org key"));
        let by_workflow = BundleFacts { signer_kind: Some(PolicySignerKind::OrgWorkflow), ..f(Some(5), None) };
        assert_eq!(classify(&by_workflow, &strict).0, PolicyState::Signed);
        assert_eq!(classify(&f(Some(3), None), &strict).0, PolicyState::Stale, "stale before off-workflow");
    }

    #[test]
    fn either_source_signed_wins_else_the_more_urgent_state() {
        let s = |state| (state, None::<String>);
        use PolicyState::*;
        assert_eq!(decide(&s(Signed), &s(Failed)), PolicySource::Upload);
        assert_eq!(decide(&s(Unsigned), &s(Signed)), PolicySource::Pack, "a verified pack alone adopts");
        assert_eq!(decide(&s(Stale), &s(Signed)), PolicySource::Pack);
        assert_eq!(decide(&s(Stale), &s(Failed)), PolicySource::Pack, "a failed pack is an alert");
        assert_eq!(decide(&s(Unsigned), &s(Stale)), PolicySource::Pack);
        assert_eq!(decide(&s(Failed), &s(Unsigned)), PolicySource::Upload);
        assert_eq!(decide(&s(Signed), &s(Signed)), PolicySource::Upload, "a tie goes to the upload");
        assert_eq!(decide(&s(OffWorkflow), &s(Stale)), PolicySource::Upload);
    }

    #[test]
    fn a_restricted_report_counts_adoption_over_what_it_keeps() {
        let repo = |tenant: &str, name: &str, state| RepoPolicyStatus {
            tenant: tenant.into(),
            repo: name.into(),
            active: true,
            state,
            reason: None,
            version: None,
            sha256: None,
            signer: None,
            signer_kind: None,
            source: None,
            release: None,
            verified_at: None,
        };
        let all = SignatureStatus {
            adoption: Adoption { adopted: 1, active: 2 },
            current_version: 1,
            allowed_lag: 0,
            active_days: 30,
            require_org_workflow: false,
            org_signers: vec![],
            overrides: vec![],
            repos: vec![
                repo("acme", "acme/fw", PolicyState::Signed),
                repo("globex", "globex/api", PolicyState::Unsigned),
            ],
            packs: vec![],
            alerts: vec![AlertView {
                kind: "policy.unsigned".into(),
                subject: "globex/globex/api".into(),
                message: String::new(),
                opened_at: 0,
                delivered: None,
            }],
        };
        let acme = all.clone().restricted(|t, _| t == "acme");
        assert_eq!(acme.repos.len(), 1);
        assert_eq!(acme.adoption, Adoption { adopted: 1, active: 1 });
        assert!(acme.alerts.is_empty(), "globex's alert is outside");
        let globex = all.restricted(|t, r| t == "globex" && r == "globex/api");
        assert_eq!(globex.alerts.len(), 1);
        assert_eq!(globex.adoption, Adoption { adopted: 0, active: 1 });
    }

    #[test]
    fn badges_carry_the_colour_and_escape_text() {
        let svg = badge_svg("policy", "95.0%", BadgeColour::Green);
        assert!(svg.starts_with("<svg") && svg.contains("fill=\"#4c1\"") && svg.contains(">95.0%</text>"));
        assert!(badge_svg("a<b", "x", BadgeColour::Red).contains("a&lt;b"));
        assert!(badge_svg("p", "50.0%", BadgeColour::Red).contains("#e05d44"));
        assert!(badge_svg("p", "90.0%", BadgeColour::Amber).contains("#dfb317"));
    }
}
