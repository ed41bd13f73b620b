//! Who may sign policy bundles and who did: an org policy key, the org
//! workflow (the keyless identity of `org.policy.sign.yml`), or a
//! per-repository override (the escape hatch for repositories with custom
//! policies: one more signer for one repository, with a reason and an
//! expiry). Also where a repository's policy evidence came from (an upload or
//! a release pack) and what a pack's policy check found.

use serde::{Deserialize, Serialize};

/// The longest an override may last, in days: an exception, not a second signing path.
pub const MAX_OVERRIDE_DAYS: i64 = 90;
/// The longest reason an override may carry, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// Which kind of signer signed a policy bundle.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySignerKind {
    /// One of the organisation's policy-signing keys.
    OrgKey,
    /// The organisation's reusable signing workflow (a keyless identity).
    OrgWorkflow,
    /// A signer allowed for this one repository by an override.
    Override,
}

impl PolicySignerKind {
    /// The stored and machine form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrgKey => "org_key",
            Self::OrgWorkflow => "org_workflow",
            Self::Override => "override",
        }
    }

    /// The stored form back; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::OrgKey, Self::OrgWorkflow, Self::Override].into_iter().find(|k| k.as_str() == text)
    }

    /// A column value: "org key", "org workflow", "override".
    pub fn short(self) -> &'static str {
        match self {
            Self::OrgKey => "org key",
            Self::OrgWorkflow => "org workflow",
            Self::Override => "override",
        }
    }

    /// For people: "signed by the org workflow".
    pub fn label(self) -> &'static str {
        match self {
            Self::OrgKey => "an org key",
            Self::OrgWorkflow => "the org workflow",
            Self::Override => "an override",
        }
    }
}

/// Where a repository's policy evidence came from.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// A policy bundle upload (`POST /api/v1/repos/{repo}/policy`).
    Upload,
    /// The `policy.tar.gz` + `policy.sig` inside the repository's latest release pack.
    Pack,
}

impl PolicySource {
    /// The machine form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "upload",
            Self::Pack => "pack",
        }
    }
}

/// What a release pack's policy check found (the pack carried `policy.sig`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackPolicy {
    /// The bundle verified: archive rules, signature and version.
    pub verified: bool,
    /// Reason code when it did not.
    pub reason: Option<String>,
    /// The org policy version the bundle is (declared in the manifest or found among published versions).
    pub version: Option<i64>,
    /// SHA-256 of `policy.tar.gz`.
    pub sha256: Option<String>,
    /// Who signed it (key name and id, or identity), when verified.
    pub signer: Option<String>,
    /// Which kind of signer that is.
    pub signer_kind: Option<PolicySignerKind>,
}

impl PackPolicy {
    /// One line for people and CSV: "v3 signed by the org workflow (…)" or "failed: reason".
    pub fn summary(&self) -> String {
        if self.verified {
            format!(
                "v{} signed by {} ({})",
                self.version.unwrap_or_default(),
                self.signer_kind.map_or("?", PolicySignerKind::label),
                self.signer.as_deref().unwrap_or("?")
            )
        } else {
            format!("failed: {}", self.reason.as_deref().unwrap_or("?"))
        }
    }
}

/// An org-wide policy signer in force now.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSignerView {
    /// [`PolicySignerKind::OrgKey`] or [`PolicySignerKind::OrgWorkflow`].
    pub kind: PolicySignerKind,
    /// The key's or identity's id.
    pub id: String,
    /// Key name, or workflow identity.
    pub name: String,
    /// Key id (`sha256:…`), or "issuer · trusted root".
    pub detail: String,
    /// In force since (ms).
    pub since: i64,
    /// Until (ms), when it expires.
    pub until: Option<i64>,
}

/// Where an override stands.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideState {
    /// Its signer is accepted for its repository until it expires.
    Active,
    /// Past its expiry: its signer is refused again.
    Expired,
    /// Revoked before its expiry.
    Revoked,
}

impl OverrideState {
    /// The machine form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }

    /// The state at `now` of an override that expires at `expires_at` and may have been revoked.
    pub fn at(now: i64, expires_at: i64, revoked_at: Option<i64>) -> Self {
        if revoked_at.is_some_and(|t| t <= now) {
            Self::Revoked
        } else if expires_at <= now {
            Self::Expired
        } else {
            Self::Active
        }
    }
}

/// A per-repository signer override, as signature status lists it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideView {
    /// `pso_…` id.
    pub id: String,
    /// Tenant handle.
    pub tenant: String,
    /// `owner/name`.
    pub repo: String,
    /// The allowed signer: `key sha256:…`, or `keyless IDENTITY (ISSUER) on ROOT`.
    pub signer: String,
    /// Why the exception exists.
    pub reason: String,
    /// Active, expired or revoked.
    pub state: OverrideState,
    /// Expiry (ms).
    pub expires_at: i64,
    /// Who allowed it.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
    /// Who revoked it, if anyone.
    pub revoked_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_override_states_follow_time() {
        for k in [PolicySignerKind::OrgKey, PolicySignerKind::OrgWorkflow, PolicySignerKind::Override] {
            assert_eq!(PolicySignerKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(PolicySignerKind::parse("somebody"), None);
        assert_eq!(OverrideState::at(10, 20, None), OverrideState::Active);
        assert_eq!(OverrideState::at(20, 20, None), OverrideState::Expired, "expiry is exclusive");
        assert_eq!(OverrideState::at(10, 20, Some(5)), OverrideState::Revoked);
        assert_eq!(OverrideState::at(10, 20, Some(15)), OverrideState::Active, "a revocation takes effect at its time");
    }
}
