//! Repositories, their policy bundles, and the org-wide rollout settings.

use super::{Db, StoreResult};
use crate::domain::status::Verdict;

/// A repository known to the portal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RepoRow {
    /// `repo_…` id.
    pub id: String,
    /// Owning tenant.
    pub org_id: String,
    /// `owner/name`.
    pub name: String,
    /// First seen (ms).
    pub created_at: i64,
    /// Last release pack or policy bundle upload (ms).
    pub last_activity_at: i64,
    /// `Some(1)` always active, `Some(0)` never, `None` by activity.
    pub active_override: Option<i64>,
    /// When this tenant proved the name is its own (ms); `None` while unproven.
    pub proven_at: Option<i64>,
    /// How: "verified pack pack_…", "assigned by …".
    pub proof: Option<String>,
}

/// One policy bundle upload and how it verified.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyBundleRow {
    /// `pb_…` id.
    pub id: String,
    /// Owning tenant.
    pub org_id: String,
    /// The repository.
    pub repo_id: String,
    /// Bundle version (monotonic per repository).
    pub version: i64,
    /// SHA-256 of `policy.tar.gz`.
    pub sha256: String,
    /// Size of `policy.tar.gz`.
    pub size_bytes: i64,
    /// `verified` or `failed`.
    #[sqlx(try_from = "String")]
    pub status: Verdict,
    /// Reason code when failed.
    pub reason: Option<String>,
    /// What exactly failed, for people.
    pub detail: Option<String>,
    /// Who signed: the policy key's name and id, or the keyless identity.
    pub signer: Option<String>,
    /// `org_key`, `org_workflow` or `override` (see [`PolicyBundleRow::signer_kind`]).
    pub signer_kind: Option<String>,
    /// The override whose signer signed it.
    pub override_id: Option<String>,
    /// JSON list of the policy files (path, size, sha256).
    pub files: String,
    /// Upload time (ms).
    pub created_at: i64,
}

/// The org-wide rollout settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RolloutRow {
    /// The policy version every repository should run.
    pub current_version: i64,
    /// How many versions behind a repository may be and still count as adopted.
    pub allowed_lag: i64,
    /// Days of inactivity after which a repository stops counting as active.
    pub active_days: i64,
    /// 1: only bundles signed by the org workflow count towards adoption.
    pub require_org_workflow: i64,
    /// Who changed them last.
    pub updated_by: Option<String>,
    /// When (ms).
    pub updated_at: i64,
}

const REPO_COLUMNS: &str = "id, org_id, name, created_at, last_activity_at, active_override, proven_at, proof";
const BUNDLE_COLUMNS: &str = "id, org_id, repo_id, version, sha256, size_bytes, status, reason, detail, signer, files, \
     created_at, signer_kind, override_id";

impl PolicyBundleRow {
    /// Which kind of signer signed it (verified bundles only).
    pub fn signer_kind(&self) -> Option<crate::domain::policy_signers::PolicySignerKind> {
        self.signer_kind.as_deref().and_then(crate::domain::policy_signers::PolicySignerKind::parse)
    }
}

impl Db {
    /// Registers a repository or records new activity on it; returns it.
    pub async fn touch_repo(&self, id: &str, org_id: &str, name: &str, now: i64) -> StoreResult<RepoRow> {
        sqlx::query(
            "INSERT INTO repos (id, org_id, name, created_at, last_activity_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (org_id, name) DO UPDATE SET last_activity_at = excluded.last_activity_at",
        )
        .bind(id)
        .bind(org_id)
        .bind(name)
        .bind(now)
        .execute(self.pool())
        .await?;
        self.repo(org_id, name).await?.ok_or_else(|| super::StoreError::Corrupt(format!("repo {name} vanished")))
    }

    /// A tenant's repository by name.
    pub async fn repo(&self, org_id: &str, name: &str) -> StoreResult<Option<RepoRow>> {
        Ok(sqlx::query_as(&format!("SELECT {REPO_COLUMNS} FROM repos WHERE org_id = $1 AND name = $2"))
            .bind(org_id)
            .bind(name)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The tenant row that owns a name: the first to prove it.
    pub async fn repo_owner(&self, name: &str) -> StoreResult<Option<RepoRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {REPO_COLUMNS} FROM repos WHERE name = $1 AND proven_at IS NOT NULL ORDER BY proven_at, id LIMIT 1"
        ))
        .bind(name)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The ids of the rows that own their names (the first proven per name).
    pub async fn repo_owner_ids(&self) -> StoreResult<std::collections::HashSet<String>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, id FROM repos WHERE proven_at IS NOT NULL ORDER BY name, proven_at, id")
                .fetch_all(self.pool())
                .await?;
        let mut seen = std::collections::HashSet::new();
        Ok(rows.into_iter().filter(|(name, _)| seen.insert(name.clone())).map(|(_, id)| id).collect())
    }

    /// Marks a tenant's repository as proven, unless it already is; true when it changed.
    pub async fn prove_repo(&self, org_id: &str, name: &str, proof: &str, now: i64) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE repos SET proven_at = $1, proof = $2 WHERE org_id = $3 AND name = $4 AND proven_at IS NULL",
        )
        .bind(now)
        .bind(proof)
        .bind(org_id)
        .bind(name)
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Gives a name to one tenant (an operator's assignment): its row is
    /// proven now and every other tenant's claim on the name is cleared, in
    /// one transaction.
    pub async fn assign_repo(&self, org_id: &str, name: &str, proof: &str, now: i64) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE repos SET proven_at = NULL, proof = NULL WHERE name = $1 AND org_id <> $2")
            .bind(name)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE repos SET proven_at = $1, proof = $2 WHERE name = $3 AND org_id = $4")
            .bind(now)
            .bind(proof)
            .bind(name)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every repository, or one tenant's, by name.
    pub async fn repos(&self, org_id: Option<&str>) -> StoreResult<Vec<RepoRow>> {
        let sql = match org_id {
            Some(_) => format!("SELECT {REPO_COLUMNS} FROM repos WHERE org_id = $1 ORDER BY name"),
            None => format!("SELECT {REPO_COLUMNS} FROM repos ORDER BY name, org_id"),
        };
        let mut q = sqlx::query_as(&sql);
        if let Some(org) = org_id {
            q = q.bind(org);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Sets or clears a repository's manual active flag.
    pub async fn set_repo_active(&self, org_id: &str, name: &str, active: Option<bool>) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE repos SET active_override = $1 WHERE org_id = $2 AND name = $3")
            .bind(active.map(i64::from))
            .bind(org_id)
            .bind(name)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores an upload and records the activity on its repository (registering
    /// it, with `new_repo_id`, if new) in one transaction, so nobody ever sees a
    /// new repository without its first bundle. Returns the bundle as stored.
    /// A second verified bundle of the same version is a conflict.
    pub async fn insert_policy_bundle(
        &self,
        new_repo_id: &str,
        repo: &str,
        b: &PolicyBundleRow,
    ) -> StoreResult<PolicyBundleRow> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO repos (id, org_id, name, created_at, last_activity_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (org_id, name) DO UPDATE SET last_activity_at = excluded.last_activity_at",
        )
        .bind(new_repo_id)
        .bind(&b.org_id)
        .bind(repo)
        .bind(b.created_at)
        .execute(&mut *tx)
        .await?;
        let repo_id: String = sqlx::query_scalar("SELECT id FROM repos WHERE org_id = $1 AND name = $2")
            .bind(&b.org_id)
            .bind(repo)
            .fetch_one(&mut *tx)
            .await?;
        let b = PolicyBundleRow { repo_id, ..b.clone() };
        sqlx::query(&format!(
            "INSERT INTO policy_bundles ({BUNDLE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(&b.id)
        .bind(&b.org_id)
        .bind(&b.repo_id)
        .bind(b.version)
        .bind(&b.sha256)
        .bind(b.size_bytes)
        .bind(b.status.as_str())
        .bind(&b.reason)
        .bind(&b.detail)
        .bind(&b.signer)
        .bind(&b.files)
        .bind(b.created_at)
        .bind(&b.signer_kind)
        .bind(&b.override_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(b)
    }

    /// The verified bundle in force for a repository: its highest verified version.
    pub async fn bundle_in_force(&self, repo_id: &str) -> StoreResult<Option<PolicyBundleRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM policy_bundles WHERE repo_id = $1 AND status = 'verified' \
             ORDER BY version DESC LIMIT 1"
        ))
        .bind(repo_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// A repository's latest upload, whatever its outcome.
    pub async fn latest_bundle(&self, repo_id: &str) -> StoreResult<Option<PolicyBundleRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM policy_bundles WHERE repo_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(repo_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// One of a repository's uploads by id.
    pub async fn policy_bundle(&self, repo_id: &str, id: &str) -> StoreResult<Option<PolicyBundleRow>> {
        Ok(sqlx::query_as(&format!("SELECT {BUNDLE_COLUMNS} FROM policy_bundles WHERE repo_id = $1 AND id = $2"))
            .bind(repo_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Stores a drill report.
    pub async fn insert_drill(
        &self,
        id: &str,
        kind: &str,
        actor: &str,
        started_at: i64,
        passed: bool,
        body: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO drill_reports (id, kind, actor, started_at, passed, body) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(kind)
        .bind(actor)
        .bind(started_at)
        .bind(i64::from(passed))
        .bind(body)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Drill reports (JSON), newest first.
    pub async fn drill_reports(&self, limit: i64) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT body FROM drill_reports ORDER BY started_at DESC, id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
    }

    /// One drill report (JSON).
    pub async fn drill_report(&self, id: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT body FROM drill_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The rollout settings.
    pub async fn rollout(&self) -> StoreResult<RolloutRow> {
        Ok(sqlx::query_as(
            "SELECT current_version, allowed_lag, active_days, require_org_workflow, updated_by, updated_at \
             FROM policy_rollout WHERE id = 1",
        )
        .fetch_one(self.pool())
        .await?)
    }

    /// Replaces the rollout settings.
    pub async fn set_rollout(&self, r: &RolloutRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE policy_rollout SET current_version = $1, allowed_lag = $2, active_days = $3, \
             require_org_workflow = $4, updated_by = $5, updated_at = $6 WHERE id = 1",
        )
        .bind(r.current_version)
        .bind(r.allowed_lag)
        .bind(r.active_days)
        .bind(r.require_org_workflow)
        .bind(&r.updated_by)
        .bind(r.updated_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
