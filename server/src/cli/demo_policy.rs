//! Demo policy rollout: Topicality's org policy (version 3, current) signed
//! for 21 repositories of Acme and Globex through real uploads and release
//! packs, so adoption reads 95.2% (20 of 21) and the badge is green.
//!
//! The org workflow signs keylessly. The demo cannot reach GitHub's Fulcio
//! and Rekor, so Topicality runs its own Sigstore instance on this machine
//! ([`LocalSigstore`]; its trusted root is stored as [`DEMO_ROOT`]) and the
//! org workflow identity is registered on that root. Also shown: an org
//! policy key (`policy-2026`, which signs the published versions and a few
//! repositories), two release packs whose `policy.sig` carries the policy
//! (one keyless, one key-signed), a repository with custom policies signed
//! under a 30-day override, and `acme/robot-docs`, whose latest upload was
//! signed by a key nobody trusts (the failing repository auditors find).

use app::domain::AppError;
use app::domain::workflow::GITHUB_ISSUER;
use app::ssr::AppState;
use app::ssr::policy::{bundle, identities, ingest, overrides};
use app::ssr::verification::local_sigstore::LocalSigstore;
use app::ssr::verification::signing::KeyPair;
use base64::Engine;

/// The org workflow's keyless identity in the demo.
pub const ORG_WORKFLOW: &str =
    "https://github.com/topicality/.github/.github/workflows/org.policy.sign.yml@refs/heads/main";
/// The trusted root of the demo's own Sigstore instance.
pub const DEMO_ROOT: &str = "topicality-sigstore";
/// The org policy version every repository should run.
pub const CURRENT_VERSION: i64 = 3;
/// Who seeds.
const ACTOR: &str = "demo-seed";
/// Who allows the demo override.
const SECURITY: &str = "security@operator.demo";

/// The org policy, as `policies/org.rego`.
const ORG_POLICY: &str = "package org.release\n\ndefault allow := false\n\nallow if {\n\tinput.pack.verified\n\tinput.pack.signer in data.required_signers\n}\n";

/// How a demo repository's bundle is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignedWith {
    /// The org workflow, keylessly.
    Workflow,
    /// The org policy key.
    Key,
    /// A key nobody trusts: the upload fails.
    Stray,
}

/// Repositories signed by policy uploads: (tenant, repository, signer).
const UPLOADS: [(&str, &str, SignedWith); 18] = [
    ("acme-robotics", "acme/robot-sdk", SignedWith::Workflow),
    ("acme-robotics", "acme/robot-docs", SignedWith::Stray),
    ("acme-robotics", "acme/robot-arm-controller", SignedWith::Workflow),
    ("acme-robotics", "acme/robot-vision", SignedWith::Key),
    ("acme-robotics", "acme/robot-sim", SignedWith::Workflow),
    ("acme-robotics", "acme/robot-fleet", SignedWith::Workflow),
    ("acme-robotics", "acme/robot-ota", SignedWith::Workflow),
    ("acme-robotics", "acme/robot-cli", SignedWith::Key),
    ("acme-robotics", "acme/robot-hal", SignedWith::Workflow),
    ("globex", "globex/billing-api", SignedWith::Workflow),
    ("globex", "globex/ledger", SignedWith::Workflow),
    ("globex", "globex/invoicing", SignedWith::Workflow),
    ("globex", "globex/reporting", SignedWith::Workflow),
    ("globex", "globex/auth-service", SignedWith::Key),
    ("globex", "globex/web-portal", SignedWith::Workflow),
    ("globex", "globex/mobile-app", SignedWith::Workflow),
    ("globex", "globex/data-pipeline", SignedWith::Workflow),
    ("globex", "globex/notifications", SignedWith::Workflow),
];

/// The repository with custom policies, signed by its own workflow under an override.
const CUSTOM_REPO: &str = "globex/ledger-rules";
/// Its own workflow's identity.
const CUSTOM_WORKFLOW: &str = "https://github.com/globex/ledger-rules/.github/workflows/policy.yml@refs/heads/main";

/// The demo's policy signers, kept while seeding (their private halves never leave memory).
pub struct DemoPolicy {
    key: KeyPair,
    sigstore: LocalSigstore,
    /// The published org policy v3 (`policy.tar.gz`).
    pub v3: Vec<u8>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "demo policy seed failed");
    AppError::internal()
}

impl DemoPolicy {
    /// `policy.sig` by the org policy key (cosign base64).
    pub fn key_signature(&self, bytes: &[u8]) -> Result<String, AppError> {
        let sig = self.key.sign(bytes).map_err(internal)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(sig.as_bytes()))
    }

    /// `policy.sig` by the org workflow (a Sigstore bundle).
    pub fn workflow_signature(&self, bytes: &[u8]) -> Result<String, AppError> {
        self.sigstore.sign_blob(ORG_WORKFLOW, GITHUB_ISSUER, bytes).map_err(internal)
    }

    /// The `policy.tar.gz` + `policy.sig` files a release pack carries (v3, signed by the org workflow).
    pub fn pack_files(&self) -> Result<Vec<(String, Vec<u8>)>, AppError> {
        Ok(vec![
            ("policy.tar.gz".to_owned(), self.v3.clone()),
            ("policy.sig".to_owned(), self.workflow_signature(&self.v3)?.into_bytes()),
        ])
    }
}

/// Who may sign: the org policy key, the demo Sigstore root and the org
/// workflow identity on it; publishes versions 2 and 3 (current).
pub async fn seed_signers(state: &AppState) -> Result<DemoPolicy, AppError> {
    let (private, public) = app::ssr::verification::signing::generate_p256().map_err(internal)?;
    let key = app::ssr::verification::signing::load_private_key(&private).map_err(internal)?;
    ingest::add_policy_key(state, ACTOR, "policy-2026", &public, None).await?;
    let sigstore = LocalSigstore::new("topicality").map_err(internal)?;
    let root = sigstore.trusted_root_json().map_err(internal)?;
    app::ssr::verification::trust::add_trusted_root(state, ACTOR, DEMO_ROOT, &root).await?;
    identities::add(state, ACTOR, ORG_WORKFLOW, GITHUB_ISSUER, DEMO_ROOT).await?;
    let v2 = bundle::build(&[("policies/org.rego", ORG_POLICY.as_bytes())]).map_err(internal)?;
    let v3 = bundle::build(&[
        ("policies/org.rego", ORG_POLICY.as_bytes()),
        ("policies/data.json", br#"{"required_signers":["release-2026"]}"#),
    ])
    .map_err(internal)?;
    let demo = DemoPolicy { key, sigstore, v3 };
    // Published versions: 2 (superseded) and 3 (current, the one partners pick when onboarding).
    for (version, b) in [(2, &v2), (CURRENT_VERSION, &demo.v3)] {
        ingest::publish_release(state, ACTOR, version, b.clone(), demo.key_signature(b)?).await?;
    }
    let mut rollout = state.db.rollout().await?;
    rollout.current_version = CURRENT_VERSION;
    rollout.updated_by = Some(ACTOR.into());
    rollout.updated_at = state.now_ms();
    state.db.set_rollout(&rollout).await?;
    Ok(demo)
}

/// Signed uploads for every repository in [`UPLOADS`], Globex's release pack
/// carrying the policy, and the custom-policy repository under its override.
pub async fn seed_adoption(state: &AppState, demo: &DemoPolicy) -> Result<(), AppError> {
    let (stray_private, _) = app::ssr::verification::signing::generate_p256().map_err(internal)?;
    let stray = app::ssr::verification::signing::load_private_key(&stray_private).map_err(internal)?;
    for (tenant, repo, signed_with) in UPLOADS {
        let org = state.db.org_by_slug(tenant).await?.ok_or_else(AppError::internal)?;
        let signature = match signed_with {
            SignedWith::Workflow => demo.workflow_signature(&demo.v3)?,
            SignedWith::Key => demo.key_signature(&demo.v3)?,
            SignedWith::Stray => {
                base64::engine::general_purpose::STANDARD.encode(stray.sign(&demo.v3).map_err(internal)?.as_bytes())
            }
        };
        let done = ingest::upload(state, ACTOR, &org.id, repo, CURRENT_VERSION, demo.v3.clone(), signature).await?;
        if matches!(done, ingest::Uploaded::Failed(_)) != (signed_with == SignedWith::Stray) {
            return Err(internal(format!("{repo}: the demo upload did not verify as planned")));
        }
        if state.db.repo_owner(repo).await?.is_none() {
            ingest::assign_repo(state, ACTOR, repo, tenant).await?;
        }
    }
    seed_globex_pack(state, demo).await?;
    seed_override(state, demo).await
}

/// Globex's payments gateway ships the policy in its release pack, signed with the org policy key.
async fn seed_globex_pack(state: &AppState, demo: &DemoPolicy) -> Result<(), AppError> {
    let globex = state.db.org_by_slug("globex").await?.ok_or_else(AppError::internal)?;
    let (private, public) = app::ssr::verification::signing::generate_p256().map_err(internal)?;
    let release = app::ssr::verification::signing::load_private_key(&private).map_err(internal)?;
    let key = app::ssr::verification::trust::NewSigningKey {
        name: "globex-release-2026",
        pem: &public,
        not_before: None,
        not_after: None,
    };
    app::ssr::verification::trust::add_signing_key(state, ACTOR, &globex.id, key).await?;
    let files = vec![
        ("policy.tar.gz".to_owned(), demo.v3.clone()),
        ("policy.sig".to_owned(), demo.key_signature(&demo.v3)?.into_bytes()),
        ("RELEASE-NOTES.md".to_owned(), b"# payments-gateway v5.1.0\n".to_vec()),
    ];
    let created = app::ssr::clock::rfc3339(state.now_ms() - 4 * 60_000);
    let repo = "globex/payments-gateway";
    let zip = app::ssr::evidence::packs::build(repo, "v5.1.0", &created, &files, |m| {
        release.sign(m).map(|s| s.as_bytes().to_vec()).unwrap_or_default()
    })
    .map_err(internal)?;
    match app::ssr::evidence::service::upload(state, ACTOR, &globex.id, repo, "v5.1.0", zip).await? {
        app::ssr::evidence::service::Uploaded::Created(row) if row.status == app::domain::status::Verdict::Verified => {
            Ok(())
        }
        _ => Err(internal("globex/payments-gateway: the demo pack did not verify")),
    }
}

/// Globex's ledger rules carry custom policies: security allowed the repository's own
/// workflow as a signer for 30 days, and its bundle (version 3 of its own rules) is signed that way.
async fn seed_override(state: &AppState, demo: &DemoPolicy) -> Result<(), AppError> {
    let globex = state.db.org_by_slug("globex").await?.ok_or_else(AppError::internal)?;
    ingest::assign_repo(state, ACTOR, CUSTOM_REPO, "globex").await?;
    let signer = overrides::OverrideSigner::Keyless {
        identity: CUSTOM_WORKFLOW.into(),
        issuer: GITHUB_ISSUER.into(),
        trusted_root: DEMO_ROOT.into(),
    };
    let reason =
        "Double-entry ledger rules the org policy does not cover yet; back on org.policy.sign.yml once v4 ships them.";
    let o = overrides::NewOverride { repo: CUSTOM_REPO.into(), signer, reason: reason.into(), days: 30 };
    overrides::allow(state, SECURITY, o).await?;
    let custom = bundle::build(&[
        ("policies/org.rego", ORG_POLICY.as_bytes()),
        ("policies/ledger.rego", b"package ledger\n\ndefault balanced := false\n"),
    ])
    .map_err(internal)?;
    let sig = demo.sigstore.sign_blob(CUSTOM_WORKFLOW, GITHUB_ISSUER, &custom).map_err(internal)?;
    match ingest::upload(state, ACTOR, &globex.id, CUSTOM_REPO, CURRENT_VERSION, custom, sig).await? {
        ingest::Uploaded::Verified(_) => Ok(()),
        _ => Err(internal("globex/ledger-rules: the override did not let its signer through")),
    }
}
