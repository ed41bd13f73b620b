//! Step 4: a repository whose latest release pack verifies.

use super::{Refusal, failed, invalid, org_of};
use crate::domain::onboarding::{RepoSource, Step};
use crate::domain::status::{CheckStatus, Verdict};
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::onboarding::model::Session;

pub(crate) fn pack_fix(reason: &str) -> &'static str {
    match reason {
        "signature_mismatch" | "manifest_signature_invalid" => {
            "the pack's manifest is not signed by the key given: enter the public key of the key that signed it, or re-sign the pack with `trust-portal pack build --key`"
        }
        "digest_mismatch" | "unlisted_file" => {
            "a file in the pack changed after signing: rebuild the pack and attach it to a new release"
        }
        "pack_release_mismatch" => "the manifest names another release: build the pack with this repository and tag",
        _ => "rebuild the pack with `trust-portal pack build` and attach it to a new release",
    }
}

/// Fetches (or takes the uploaded) latest release pack and verifies it with the tenant's keys.
pub(crate) async fn repository(
    state: &AppState,
    actor: &str,
    s: &mut Session,
    repo: &str,
    source: RepoSource,
    public_key: Option<&str>,
    pack: Option<Vec<u8>>,
) -> Result<Option<String>, Refusal> {
    let step = Step::Repository;
    let org_id = org_of(s)?;
    let repo = repo.trim();
    crate::domain::text::RepoName::parse(repo).map_err(invalid(step))?;
    let now = state.now_ms();
    let mut keys: Vec<String> = state
        .db
        .signing_keys(&org_id)
        .await?
        .into_iter()
        .filter(|k| crate::ssr::verification::trust::check_window(k, now).is_ok())
        .map(|k| k.public_key_pem)
        .collect();
    let new_key = match public_key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(pem) => {
            let der = crate::ssr::verification::engine::parse_key(pem).map_err(|e| {
                failed(
                    step,
                    "invalid_input",
                    format!("Public key: {}", e.message),
                    "paste the whole PEM (-----BEGIN PUBLIC KEY----- …)",
                )
            })?;
            keys.push(der.to_pem());
            Some(der.to_pem())
        }
        None => None,
    };
    if keys.is_empty() {
        return Err(failed(
            step,
            "signing_key_missing",
            "no pack-signing key is known for this tenant yet",
            "paste the public key (e.g. release-key.pub) whose private half signs your packs",
        ));
    }
    let (tag, zip, release_created_at) = match source {
        RepoSource::Releases => {
            let guard = &state.outbound.policy;
            let fetch = async {
                let release =
                    crate::ssr::evidence::releases::latest(guard, &state.config.releases_api_url, repo).await?;
                let zip = crate::ssr::evidence::releases::download(guard, &release).await?;
                Ok::<_, crate::ssr::evidence::releases::SourceError>((release.tag, zip, release.created_at))
            };
            fetch.await.map_err(|e| failed(step, e.reason, e.message, e.fix))?
        }
        RepoSource::Portal => {
            let packs = state.db.packs(&org_id, 100).await?;
            let Some(pack) = packs.into_iter().find(|p| p.repo == repo) else {
                return Err(failed(
                    step,
                    "pack_missing",
                    format!("no pack has been uploaded for {repo}"),
                    "upload one with `trust-portal pack verify --server …`, or fetch it from the repository's releases",
                ));
            };
            // Packs are immutable evidence: one that failed when uploaded stays failed.
            if pack.status != Verdict::Verified {
                return Err(failed(
                    step,
                    pack.reason.as_deref().unwrap_or("pack_failed"),
                    format!("{repo}@{} failed verification when it was uploaded", pack.tag),
                    "add your signing key (POST /api/v1/signing-keys) and upload a pack of a new release, or fetch it from the repository's releases",
                ));
            }
            let zip = state.db.pack_zip(&org_id, &pack.id).await?.unwrap_or_default();
            (pack.tag, zip, pack.release_created_at)
        }
        RepoSource::Upload => {
            let zip = pack.filter(|z| !z.is_empty()).ok_or_else(|| {
                failed(step, "pack_missing", "no pack file was attached", "choose the release's *.pack.zip file")
            })?;
            // The release is the one the pack's manifest names (its signature is checked below).
            let Some(manifest) = crate::ssr::evidence::packs::manifest_of(&zip) else {
                return Err(failed(
                    step,
                    "pack_invalid_manifest",
                    "the file is not a pack with a readable manifest.json",
                    "choose the *.pack.zip that `trust-portal pack build` wrote",
                ));
            };
            (manifest.tag, zip, None)
        }
    };
    let trust = crate::ssr::policy::signers::repo_trust(state, &org_id, repo).await.map_err(Refusal::Error)?;
    let (repo_owned, tag_owned, keys_owned) = (repo.to_owned(), tag.clone(), keys);
    let (report, zip) = tokio::task::spawn_blocking(move || {
        let report =
            crate::ssr::evidence::packs::verify(&zip, &keys_owned, Some((&repo_owned, &tag_owned)), Some(&trust));
        (report, zip)
    })
    .await
    .map_err(|e| Refusal::Error(log_internal(e)))?;
    if !report.verified {
        let reason = report.reason.clone().unwrap_or_else(|| "pack_failed".into());
        let first = report.checks.iter().find(|c| c.status == CheckStatus::Failed);
        let message = first.map_or_else(
            || format!("the pack of {repo}@{tag} does not verify"),
            |c| format!("{repo}@{tag}: {} failed: {}", c.check, c.detail),
        );
        return Err(failed(step, &reason, message, pack_fix(&reason)));
    }
    s.data.pack_sha256 = Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&zip)));
    if let Some(pem) = new_key {
        let known = state.db.signing_keys(&org_id).await?;
        if !known.iter().any(|k| k.public_key_pem == pem) {
            let name = format!("release-key-{}", known.len() + 1);
            crate::ssr::verification::trust::add_signing_key(
                state,
                actor,
                &org_id,
                crate::ssr::verification::trust::NewSigningKey {
                    name: &name,
                    pem: &pem,
                    not_before: None,
                    not_after: None,
                },
            )
            .await
            .map_err(invalid(step))?;
        }
    }
    if source != RepoSource::Portal {
        crate::ssr::evidence::service::upload_release(state, actor, &org_id, repo, &tag, zip, release_created_at)
            .await
            .map_err(invalid(step))?;
    }
    s.data.repo = Some(repo.to_owned());
    s.data.repo_source = Some(source.as_str().to_owned());
    s.data.release_tag = Some(tag);
    s.data.pack_signer = report.signer_key_id;
    Ok(None)
}
