//! Uploaded evidence packs (one per tenant, repository and release tag).

use super::{Db, StoreResult};
use crate::domain::status::Verdict;

/// A stored pack with its verification outcome (the zip is loaded separately).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PackRow {
    /// `pack_…` id.
    pub id: String,
    /// Owning tenant.
    pub org_id: String,
    /// Repository, `owner/name`.
    pub repo: String,
    /// Release tag.
    pub tag: String,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// Size of the zip in bytes.
    pub size_bytes: i64,
    /// `manifest.json` as uploaded.
    pub manifest: String,
    /// `verified` or `failed`.
    #[sqlx(try_from = "String")]
    pub status: Verdict,
    /// Reason code when failed.
    pub reason: Option<String>,
    /// JSON report: each file and check with its result.
    pub report: String,
    /// `sha256:` id of the key whose manifest signature verified.
    pub signer_key_id: Option<String>,
    /// Upload time (ms).
    pub created_at: i64,
    /// When the release was created (ms): the forge's release, else the manifest's `created_at`.
    pub release_created_at: Option<i64>,
    /// From the release's creation to its pack verifying here (ms); only for verified packs.
    pub time_to_pack_ms: Option<i64>,
}

const COLUMNS: &str = "id, org_id, repo, tag, sha256, size_bytes, manifest, status, reason, report, signer_key_id, \
     created_at, release_created_at, time_to_pack_ms";

impl Db {
    /// Stores a pack and its zip.
    pub async fn insert_pack(&self, p: &PackRow, zip: &[u8]) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO packs ({COLUMNS}, zip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(&p.id)
        .bind(&p.org_id)
        .bind(&p.repo)
        .bind(&p.tag)
        .bind(&p.sha256)
        .bind(p.size_bytes)
        .bind(&p.manifest)
        .bind(p.status.as_str())
        .bind(&p.reason)
        .bind(&p.report)
        .bind(&p.signer_key_id)
        .bind(p.created_at)
        .bind(p.release_created_at)
        .bind(p.time_to_pack_ms)
        .bind(zip)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A tenant's pack for a release.
    pub async fn pack(&self, org_id: &str, repo: &str, tag: &str) -> StoreResult<Option<PackRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM packs WHERE org_id = $1 AND repo = $2 AND tag = $3"))
            .bind(org_id)
            .bind(repo)
            .bind(tag)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A tenant's pack by id.
    pub async fn pack_by_id(&self, org_id: &str, id: &str) -> StoreResult<Option<PackRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM packs WHERE org_id = $1 AND id = $2"))
            .bind(org_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The zip of a tenant's pack.
    pub async fn pack_zip(&self, org_id: &str, id: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT zip FROM packs WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A tenant's packs uploaded since `since_ms`, and the bytes of all its packs.
    pub async fn pack_usage(&self, org_id: &str, since_ms: i64) -> StoreResult<(i64, i64)> {
        let row: (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(CASE WHEN created_at >= $2 THEN 1 END), CAST(SUM(size_bytes) AS BIGINT) FROM packs WHERE org_id = $1",
        )
        .bind(org_id)
        .bind(since_ms)
        .fetch_one(self.pool())
        .await?;
        Ok((row.0, row.1.unwrap_or(0)))
    }

    /// A tenant's newest pack that verified.
    pub async fn newest_verified_pack(&self, org_id: &str) -> StoreResult<Option<PackRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM packs WHERE org_id = $1 AND status = 'verified' \
             ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A tenant's newest pack of one repository, whatever its outcome.
    pub async fn latest_pack(&self, org_id: &str, repo: &str) -> StoreResult<Option<PackRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM packs WHERE org_id = $1 AND repo = $2 ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(org_id)
        .bind(repo)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A tenant's packs, newest first.
    pub async fn packs(&self, org_id: &str, limit: i64) -> StoreResult<Vec<PackRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM packs WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
