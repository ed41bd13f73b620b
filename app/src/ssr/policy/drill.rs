//! The policy-key rotation drill (a rehearsal): with two throwaway
//! policy-signing keys it walks through a rotation end to end against the
//! live database and services: a bundle signed by the old key verifies; the
//! new key is added and both verify during the overlap; a new bundle signed
//! by the new key is accepted; the old key is revoked; a bundle signed by it
//! afterwards is refused while the earlier verification keeps its recorded
//! result; the audit log's hash chain still verifies. Every step is written
//! to the audit log; the report (with the log excerpt) is stored for download.
//! The drill repository belongs to the operator, so it never counts towards
//! adoption, and both drill keys end revoked.

use crate::domain::AppError;
use crate::domain::drill::DrillReport;
use crate::domain::status::Verdict;
use crate::ssr::AppState;
use crate::ssr::drill_run::DrillRun;
use crate::ssr::error::log_internal;
use crate::ssr::policy::ingest::{self, Uploaded};
use crate::ssr::policy::signers::{Refusal, SignedBy};
use crate::ssr::store::SigningKeyRow;
use crate::ssr::verification::trust::revoke_signing_key;
use base64::Engine;

/// The operator-owned repository the drill uploads to.
pub const DRILL_REPO: &str = "drill/policy-key-rotation";

struct Key {
    row: SigningKeyRow,
    pair: sigstore_verify::crypto::KeyPair,
}

impl Key {
    fn sign(&self, bytes: &[u8]) -> String {
        let sig = self.pair.sign(bytes).map(|s| s.as_bytes().to_vec()).unwrap_or_default();
        base64::engine::general_purpose::STANDARD.encode(sig)
    }
}

async fn new_key(state: &AppState, actor: &str, name: &str) -> Result<Key, AppError> {
    let (private, public) = crate::ssr::verification::signing::generate_p256().map_err(log_internal)?;
    let pair = crate::ssr::verification::signing::load_private_key(&private).map_err(log_internal)?;
    Ok(Key { row: ingest::add_policy_key(state, actor, name, &public, None).await?, pair })
}

/// A one-file policy bundle for a drill step, saying what it rehearses.
pub fn policy_bundle(note: &str) -> Result<Vec<u8>, AppError> {
    let rego = format!("package drill\n\n# {note}\ndefault allow := false\n");
    crate::ssr::policy::bundle::build(&[("policies/drill.rego", rego.as_bytes())]).map_err(log_internal)
}

/// Runs the drill; returns its report (also stored). Errors only when storage fails:
/// a step that does not behave as it should is a failed step in the report.
pub async fn rotate_policy_key(state: &AppState, actor: &str) -> Result<DrillReport, AppError> {
    let operator = crate::ssr::policy::signers::operator_id(state).await?;
    let mut s = DrillRun::start(state, actor, "rotate-policy-key", "policy-key rotation").await?;
    let tag = s.id.trim_start_matches("drill_").chars().rev().take(8).collect::<String>();
    let repo = DRILL_REPO;
    // 1. The old key signs a bundle, which is accepted.
    let old = new_key(state, actor, &format!("drill-{tag}-old")).await?;
    let b1 = policy_bundle("signed by the old key before the rotation")?;
    let v1 = next_version(state, &operator, repo).await?;
    let first = ingest::upload(state, actor, &operator, repo, v1, b1.clone(), old.sign(&b1)).await?;
    let first_id = match &first {
        Uploaded::Verified(row) => Some(row.id.clone()),
        _ => None,
    };
    s.record(
        "a bundle signed by the old key is accepted",
        first_id.is_some(),
        format!("version {v1} signed by {} ({})", old.row.name, old.row.key_id),
    )
    .await?;

    // 2. The new key is added; during the overlap both verify.
    let new = new_key(state, actor, &format!("drill-{tag}-new")).await?;
    let probe = policy_bundle("overlap probe")?;
    let by_old = ingest::verify_signature(state, &probe, &old.sign(&probe)).await?;
    let by_new = ingest::verify_signature(state, &probe, &new.sign(&probe)).await?;
    s.record(
        "overlap window: both keys verify",
        by_old.is_ok() && by_new.is_ok(),
        format!("old key: {}; new key: {}", outcome(&by_old), outcome(&by_new)),
    )
    .await?;

    // 3. A new bundle signed by the new key is accepted.
    let b2 = policy_bundle("signed by the new key")?;
    let v2 = next_version(state, &operator, repo).await?;
    let second = ingest::upload(state, actor, &operator, repo, v2, b2.clone(), new.sign(&b2)).await?;
    s.record(
        "a new bundle signed by the new key is accepted",
        matches!(second, Uploaded::Verified(_)),
        format!("version {v2} signed by {} ({})", new.row.name, new.row.key_id),
    )
    .await?;

    // 4. The old key is revoked.
    revoke_signing_key(state, actor, &operator, &old.row.id).await?;
    s.record("the old key is revoked", true, format!("{} revoked", old.row.name)).await?;

    // 5. A bundle the old key signs after its revocation is refused.
    let b3 = policy_bundle("signed by the old key after its revocation")?;
    let v3 = next_version(state, &operator, repo).await?;
    let third = ingest::upload(state, actor, &operator, repo, v3, b3.clone(), old.sign(&b3)).await?;
    let (was_refused, refused) = refusal(&third);
    s.record("a bundle signed by the revoked key is refused", was_refused, format!("version {v3}: {refused}")).await?;

    // 6. The verification made before the revocation keeps its recorded result.
    let (ok, detail) = kept(state, &operator, repo, first_id.as_deref()).await?;
    s.record("earlier verifications keep their recorded results", ok, detail).await?;

    // 7. Rehearsal keys never stay valid.
    revoke_signing_key(state, actor, &operator, &new.row.id).await?;
    s.record("clean-up: the drill's new key is revoked too", true, format!("{} revoked", new.row.name)).await?;

    // 8. The audit log chain verifies end to end.
    s.check_audit_chain().await?;
    s.finish(None).await
}

/// The version after the bundle in force for the operator's drill repository `repo`.
pub async fn next_version(state: &AppState, operator: &str, repo: &str) -> Result<i64, AppError> {
    let db = &state.db;
    let in_force = match db.repo(operator, repo).await? {
        Some(r) => db.bundle_in_force(&r.id).await?.map_or(0, |b| b.version),
        None => 0,
    };
    Ok(in_force + 1)
}

/// "verifies (signer)" or "refused (code)", for a drill step's detail.
pub fn outcome(r: &Result<SignedBy, Refusal>) -> String {
    match r {
        Ok(signed) => format!("verifies ({})", signed.signer),
        Err(refusal) => format!("refused ({})", refusal.code),
    }
}

/// Whether a drill upload was refused, with "refused: reason" (or "ACCEPTED") for the step's detail.
pub fn refusal(upload: &Uploaded) -> (bool, String) {
    match upload {
        Uploaded::Failed(row) => (true, format!("refused: {}", row.reason.as_deref().unwrap_or("?"))),
        _ => (false, "ACCEPTED".to_owned()),
    }
}

/// Whether the bundle `first_id` verified earlier in a drill is still recorded
/// as verified in the operator's `repo`, with the step's detail.
pub async fn kept(
    state: &AppState,
    operator: &str,
    repo: &str,
    first_id: Option<&str>,
) -> Result<(bool, String), AppError> {
    let db = &state.db;
    let kept = match (first_id, db.repo(operator, repo).await?) {
        (Some(id), Some(r)) => db.policy_bundle(&r.id, id).await?.filter(|b| b.status == Verdict::Verified),
        _ => None,
    };
    Ok(match kept {
        Some(b) => (
            true,
            format!(
                "version {} still recorded as verified, signed by {}",
                b.version,
                b.signer.as_deref().unwrap_or("?")
            ),
        ),
        None => (false, "the earlier verification is missing or changed".to_owned()),
    })
}
