//! Policy adoption: which active repositories run the organisation's signed
//! policy, the adoption ratio and its badge. Integer arithmetic only.

use serde::{Deserialize, Serialize};

/// The adoption goal in percent (sprint OKR 3).
pub const GOAL_PERCENT: i64 = 95;
/// Below this percent the badge is red.
pub const RED_BELOW_PERCENT: i64 = 80;

/// Where a repository stands with the organisation's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyState {
    /// Its bundle verifies and is the current version (or within the allowed lag).
    Signed,
    /// No bundle was ever uploaded.
    Unsigned,
    /// Its verified bundle is older than the current version allows.
    Stale,
    /// Its latest upload failed verification.
    Failed,
}

impl PolicyState {
    /// The word shown to people and in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyState::Signed => "signed",
            PolicyState::Unsigned => "unsigned",
            PolicyState::Stale => "stale",
            PolicyState::Failed => "failed",
        }
    }
}

/// What the portal knows about a repository's policy bundles.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BundleFacts {
    /// Version of the verified bundle in force, if any.
    pub in_force: Option<i64>,
    /// The latest upload failed, with this reason code (a failed upload never replaces the one in force).
    pub latest_failed: Option<String>,
}

/// Classifies a repository against the current org policy version.
/// Returns the state and, unless signed, why.
pub fn classify(facts: &BundleFacts, current_version: i64, allowed_lag: i64) -> (PolicyState, Option<String>) {
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
        Some(_) => (PolicyState::Signed, None),
    }
}

/// Adopted repositories out of the active ones.
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
    /// When the bundle in force was verified (ms).
    pub verified_at: Option<i64>,
}

/// One release pack's signature status.
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
    /// When it was uploaded and verified (ms).
    pub verified_at: i64,
}

/// The signature status report: adoption, every repository, every pack.
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
    /// Keyless signing: the accepted CI identity, if configured.
    pub keyless_identity: Option<String>,
    /// Keyless signing: the accepted OIDC issuer, if configured.
    pub keyless_issuer: Option<String>,
    /// Repositories, by tenant and name.
    pub repos: Vec<RepoPolicyStatus>,
    /// Release packs, newest first.
    pub packs: Vec<PackStatus>,
    /// Open alerts, newest first.
    pub alerts: Vec<AlertView>,
}

/// An open alert.
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
        let cell = |s: &str| {
            if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
        };
        let opt = |v: &Option<String>| v.as_deref().map(cell).unwrap_or_default();
        let mut out =
            String::from("kind,tenant,repo,tag_or_version,state,reason,sha256,signer,verified_at_ms,active\n");
        for r in &self.repos {
            out.push_str(&format!(
                "policy_bundle,{},{},{},{},{},{},{},{},{}\n",
                cell(&r.tenant),
                cell(&r.repo),
                r.version.map(|v| v.to_string()).unwrap_or_default(),
                r.state.as_str(),
                opt(&r.reason),
                opt(&r.sha256),
                opt(&r.signer),
                r.verified_at.map(|t| t.to_string()).unwrap_or_default(),
                r.active
            ));
        }
        for p in &self.packs {
            out.push_str(&format!(
                "release_pack,{},{},{},{},{},,{},{},\n",
                cell(&p.tenant),
                cell(&p.repo),
                cell(&p.tag),
                cell(&p.status),
                opt(&p.reason),
                opt(&p.signer_key_id),
                p.verified_at
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
    /// Unsigned or failed repositories and failed packs.
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
                self.repos.retain(|r| matches!(r.state, PolicyState::Failed | PolicyState::Unsigned));
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
        let f = |in_force, failed: Option<&str>| BundleFacts { in_force, latest_failed: failed.map(str::to_owned) };
        assert_eq!(classify(&f(Some(5), None), 5, 0), (PolicyState::Signed, None));
        assert_eq!(classify(&f(Some(4), None), 5, 1).0, PolicyState::Signed, "within the allowed lag");
        let (state, why) = classify(&f(Some(3), None), 5, 1);
        assert_eq!(state, PolicyState::Stale);
        assert!(why.unwrap().contains("version 3 in force"));
        assert_eq!(classify(&f(None, None), 5, 0).0, PolicyState::Unsigned);
        let (state, why) = classify(&f(Some(5), Some("signature_mismatch")), 5, 0);
        assert_eq!(state, PolicyState::Failed, "a failed latest upload is an alert even with an older one in force");
        assert!(why.unwrap().contains("signature_mismatch"));
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
            verified_at: None,
        };
        let all = SignatureStatus {
            adoption: Adoption { adopted: 1, active: 2 },
            current_version: 1,
            allowed_lag: 0,
            active_days: 30,
            keyless_identity: None,
            keyless_issuer: None,
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
