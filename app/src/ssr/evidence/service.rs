//! Evidence packs as a service: upload (verify with the tenant's valid
//! signing keys, store with the report), read, and download (metered as
//! `portal.download`). The REST API and the portal's pages call these.

use crate::domain::ids::{PackId, UsageEventId};
use crate::domain::status::Verdict;
use crate::domain::text::{ReleaseTag, RepoName};
use crate::domain::{AppError, ErrorCode};
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::evidence::packs;
use crate::ssr::state::AppState;
use crate::ssr::store::{PackRow, StoreError, UsageEventRow};
use crate::ssr::verification::trust::check_window;
use sha2::{Digest, Sha256};

/// What an upload did.
#[derive(Debug)]
pub enum Uploaded {
    /// A new pack was stored (verified or not; see its status).
    Created(PackRow),
    /// The identical pack was already there (a retry).
    Unchanged(PackRow),
}

/// Verifies and stores a pack for `repo@tag`. A pack that fails verification is
/// stored too (status `failed`, with the report) so it shows in signature
/// status; a different pack for a release that already has one is a conflict.
pub async fn upload(
    state: &AppState,
    actor: &str,
    org_id: &str,
    repo: &str,
    tag: &str,
    zip: Vec<u8>,
) -> Result<Uploaded, AppError> {
    upload_release(state, actor, org_id, repo, tag, zip, None).await
}

/// Like [`upload`], for a release whose creation time the forge told
/// (`release_created_at`, ms). Time-to-pack is measured from it, else from
/// the pack manifest's `created_at`, to the moment the pack verified here.
pub async fn upload_release(
    state: &AppState,
    actor: &str,
    org_id: &str,
    repo: &str,
    tag: &str,
    zip: Vec<u8>,
    release_created_at: Option<i64>,
) -> Result<Uploaded, AppError> {
    RepoName::parse(repo)?;
    ReleaseTag::parse(tag)?;
    crate::ssr::policy::ingest::check_ownership(state, org_id, repo).await?;
    let sha256 = hex::encode(Sha256::digest(&zip));
    if let Some(existing) = state.db.pack(org_id, repo, tag).await? {
        return if existing.sha256 == sha256 {
            Ok(Uploaded::Unchanged(existing))
        } else {
            Err(AppError::new(
                ErrorCode::Conflict,
                format!(
                    "{repo}@{tag} already has a pack (sha256 {}); a release's evidence is immutable",
                    existing.sha256
                ),
            ))
        };
    }
    let now = state.now_ms();
    check_quota(state, org_id, zip.len(), now).await?;
    let keys: Vec<String> = state
        .db
        .signing_keys(org_id)
        .await?
        .into_iter()
        .filter(|k| check_window(k, now).is_ok())
        .map(|k| k.public_key_pem)
        .collect();
    let trust = crate::ssr::policy::signers::repo_trust(state, org_id, repo).await?;
    let (repo_owned, tag_owned) = (repo.to_owned(), tag.to_owned());
    let (report, zip) = tokio::task::spawn_blocking(move || {
        let report = packs::verify(&zip, &keys, Some((&repo_owned, &tag_owned)), Some(&trust));
        (report, zip)
    })
    .await
    .map_err(log_internal)?;
    let row = PackRow {
        id: state.new_id(PackId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        repo: repo.to_owned(),
        tag: tag.to_owned(),
        sha256,
        size_bytes: i64::try_from(zip.len()).unwrap_or(i64::MAX),
        manifest: report.manifest.as_ref().and_then(|m| serde_json::to_string(m).ok()).unwrap_or_default(),
        status: Verdict::of(report.verified),
        reason: report.reason.clone(),
        report: serde_json::to_string(&report).map_err(log_internal)?,
        signer_key_id: report.signer_key_id.clone(),
        created_at: now,
        release_created_at: None,
        time_to_pack_ms: None,
    };
    let release_created_at = release_created_at
        .or_else(|| report.manifest.as_ref().and_then(|m| crate::ssr::clock::parse_rfc3339(&m.created_at)));
    let row = PackRow {
        release_created_at,
        // Only a verified pack ends the wait; a release "created" after its pack arrived measures nothing.
        time_to_pack_ms: release_created_at.filter(|c| *c <= now && row.status == Verdict::Verified).map(|c| now - c),
        ..row
    };
    match state.db.insert_pack(&row, &zip).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::new(ErrorCode::Conflict, format!("{repo}@{tag} already has a pack")));
        }
        other => other?,
    }
    let detail = format!("{repo}@{tag} status={} sha256={}", row.status, row.sha256);
    AuditEvent::new(actor, "pack.uploaded").about(org_id, &row.id).detail(&detail).log(state).await?;
    crate::ssr::policy::ingest::touch(state, org_id, repo).await?; // a release is activity: the repo counts as active
    if row.status == Verdict::Verified {
        // Verified evidence signed with this tenant's keys proves the name is its own.
        crate::ssr::policy::ingest::prove(state, actor, org_id, repo, &format!("verified pack {}", row.id)).await?;
    }
    // The newest pack is the tenant's evidence: paid features follow it at once.
    crate::ssr::billing::entitlements::for_org(state, org_id, actor).await?;
    let event = if row.status == Verdict::Verified { "pack.verified" } else { "pack.failed" };
    let data = serde_json::json!({ "repo": repo, "tag": tag, "sha256": row.sha256, "reason": row.reason });
    crate::ssr::webhooks::delivery::enqueue(state, org_id, event, &data).await?;
    Ok(Uploaded::Created(row))
}

/// A tenant's pack quota: at most `PORTAL_PACK_UPLOADS_PER_DAY` new packs in
/// 24 hours and `PORTAL_PACK_STORAGE_MB` stored in all (429, nothing stored).
async fn check_quota(state: &AppState, org_id: &str, incoming: usize, now: i64) -> Result<(), AppError> {
    let (today, stored) = state.db.pack_usage(org_id, now - 86_400_000).await?;
    let per_day = i64::from(state.config.pack_uploads_per_day);
    if today >= per_day {
        return Err(AppError::new(
            ErrorCode::RateLimited,
            format!("Pack quota: {today} packs uploaded in the last 24 hours (at most {per_day}). Try again later."),
        ));
    }
    let cap = i64::from(state.config.pack_storage_mb) * 1024 * 1024;
    if stored.saturating_add(i64::try_from(incoming).unwrap_or(i64::MAX)) > cap {
        return Err(AppError::new(
            ErrorCode::RateLimited,
            format!(
                "Pack quota: this tenant stores {} MiB of packs; this one would pass its {} MiB.",
                stored / (1024 * 1024),
                state.config.pack_storage_mb
            ),
        ));
    }
    Ok(())
}

/// A tenant's pack zip, metered as one `portal.download`.
pub async fn download(state: &AppState, org_id: &str, repo: &str, tag: &str) -> Result<(PackRow, Vec<u8>), AppError> {
    let row = state.db.pack(org_id, repo, tag).await?.ok_or_else(|| AppError::not_found("Pack"))?;
    let zip = state.db.pack_zip(org_id, &row.id).await?.ok_or_else(|| AppError::not_found("Pack"))?;
    let now = state.now_ms();
    let event = UsageEventRow {
        idempotency_key: None,
        id: state.new_id(UsageEventId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        event: "portal.download".into(),
        units: 1,
        ts: now,
        receipt_id: None,
        subject: Some(row.id.clone()),
        created_at: now,
    };
    crate::ssr::billing::schema::validate(&event).map_err(log_internal)?;
    state.db.insert_usage(&event).await?;
    Ok((row, zip))
}
