//! The keyless-identity rotation drill (a rehearsal): the org workflow's
//! signing identity changes, e.g. when `org.policy.sign.yml` moves to another
//! repository or ref. A throwaway [`LocalSigstore`] instance stands in for
//! Fulcio and Rekor (nothing leaves the machine); its trusted root is stored
//! as [`DRILL_ROOT`], replaced every run, and its keys vanish with the run.
//! Against the live database and services: a bundle signed by the old
//! identity verifies; the new identity is added and both verify during the
//! overlap; a bundle signed by the new one is accepted; the old identity is
//! removed and a bundle it signs afterwards is refused while the earlier
//! verification keeps its recorded result; the drill's identities end
//! removed; the audit log's hash chain still verifies. Every step is audited
//! and the report is stored for download, as for the key drill. The drill
//! repository belongs to the operator, so it never counts towards adoption.

use crate::domain::AppError;
use crate::domain::drill::DrillReport;
use crate::domain::ids::TrustedRootId;
use crate::domain::workflow::GITHUB_ISSUER;
use crate::ssr::AppState;
use crate::ssr::drill_run::DrillRun;
use crate::ssr::error::log_internal;
use crate::ssr::policy::drill::{kept, next_version, outcome, policy_bundle, refusal};
use crate::ssr::policy::identities;
use crate::ssr::policy::ingest::{self, Uploaded};
use crate::ssr::store::TrustedRootRow;
use crate::ssr::verification::local_sigstore::LocalSigstore;
use crate::ssr::verification::trust::DRILL_ROOT;
use sha2::{Digest, Sha256};

/// The operator-owned repository the drill uploads to.
pub const DRILL_REPO: &str = "drill/policy-keyless-rotation";

/// Runs the drill; returns its report (also stored). Errors only when storage
/// fails: a step that does not behave as it should is a failed step in the report.
pub async fn rotate_keyless_identity(state: &AppState, actor: &str) -> Result<DrillReport, AppError> {
    let operator = crate::ssr::policy::signers::operator_id(state).await?;
    let mut s = DrillRun::start(state, actor, "rotate-keyless-identity", "keyless identity rotation").await?;
    let tag = s.id.trim_start_matches("drill_").chars().rev().take(8).collect::<String>();
    let repo = DRILL_REPO;

    // 1. A throwaway Sigstore instance is trusted for the drill.
    let local = LocalSigstore::new(&format!("drill-{tag}")).map_err(log_internal)?;
    let root_json = local.trusted_root_json().map_err(log_internal)?;
    let root = TrustedRootRow {
        id: state.new_id(TrustedRootId::from_parts).to_string(),
        name: DRILL_ROOT.into(),
        sha256: hex::encode(Sha256::digest(root_json.as_bytes())),
        root_json,
        created_at: state.now_ms(),
    };
    state.db.replace_trusted_root(&root).await?;
    s.record(
        "a throwaway Sigstore instance (CA, CT log, transparency log) is trusted for the drill",
        true,
        format!("trusted root {DRILL_ROOT} sha256 {}", root.sha256),
    )
    .await?;
    let sign = |identity: &str, bytes: &[u8]| local.sign_blob(identity, GITHUB_ISSUER, bytes).map_err(log_internal);
    let old_id =
        format!("https://github.com/drill-{tag}/.github/.github/workflows/org.policy.sign.yml@refs/heads/main");
    let new_id =
        format!("https://github.com/drill-{tag}/policy-signing/.github/workflows/org.policy.sign.yml@refs/tags/v2");

    // 2. The old identity signs a bundle, which is accepted.
    let old = identities::add(state, actor, &old_id, GITHUB_ISSUER, DRILL_ROOT).await?;
    let b1 = policy_bundle("signed keylessly by the old workflow identity")?;
    let v1 = next_version(state, &operator, repo).await?;
    let first = ingest::upload(state, actor, &operator, repo, v1, b1.clone(), sign(&old_id, &b1)?).await?;
    let first_id = match &first {
        Uploaded::Verified(row) => Some(row.id.clone()),
        _ => None,
    };
    s.record(
        "a bundle signed by the old workflow identity is accepted",
        first_id.is_some(),
        format!("version {v1} signed keylessly by {old_id}"),
    )
    .await?;

    // 3. The new identity is added; during the overlap both verify.
    let new = identities::add(state, actor, &new_id, GITHUB_ISSUER, DRILL_ROOT).await?;
    let probe = policy_bundle("overlap probe")?;
    let by_old = ingest::verify_signature(state, &probe, &sign(&old_id, &probe)?).await?;
    let by_new = ingest::verify_signature(state, &probe, &sign(&new_id, &probe)?).await?;
    s.record(
        "overlap window: both identities verify",
        by_old.is_ok() && by_new.is_ok(),
        format!("old identity: {}; new identity: {}", outcome(&by_old), outcome(&by_new)),
    )
    .await?;

    // 4. A new bundle signed by the new identity is accepted.
    let b2 = policy_bundle("signed keylessly by the new workflow identity")?;
    let v2 = next_version(state, &operator, repo).await?;
    let second = ingest::upload(state, actor, &operator, repo, v2, b2.clone(), sign(&new_id, &b2)?).await?;
    s.record(
        "a new bundle signed by the new workflow identity is accepted",
        matches!(second, Uploaded::Verified(_)),
        format!("version {v2} signed keylessly by {new_id}"),
    )
    .await?;

    // 5. The old identity is removed.
    identities::remove(state, actor, &old.id).await?;
    s.record("the old workflow identity is removed", true, format!("{old_id} ({}) removed", old.id)).await?;

    // 6. A bundle the old identity signs after its removal is refused.
    let b3 = policy_bundle("signed by the old workflow identity after its removal")?;
    let v3 = next_version(state, &operator, repo).await?;
    let third = ingest::upload(state, actor, &operator, repo, v3, b3.clone(), sign(&old_id, &b3)?).await?;
    let (was_refused, refused) = refusal(&third);
    s.record("a bundle signed by the removed identity is refused", was_refused, format!("version {v3}: {refused}"))
        .await?;

    // 7. The verification made before the removal keeps its recorded result.
    let (ok, detail) = kept(state, &operator, repo, first_id.as_deref()).await?;
    s.record("earlier verifications keep their recorded results", ok, detail).await?;

    // 8. Rehearsal identities never stay.
    identities::remove(state, actor, &new.id).await?;
    s.record("clean-up: the drill's new identity is removed too", true, format!("{new_id} ({}) removed", new.id))
        .await?;

    // 9. The audit log chain verifies end to end.
    s.check_audit_chain().await?;
    s.finish(None).await
}
