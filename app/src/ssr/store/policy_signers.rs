//! Who may sign policy bundles besides the org policy keys: the org
//! workflow's keyless identities and per-repository overrides.

use super::{Db, StoreResult};

/// An org workflow identity: bundles signed keylessly by it verify for every repository.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeylessSignerRow {
    /// `pks_…` id.
    pub id: String,
    /// Certificate identity (SAN): the workflow's URI, or an e-mail address.
    pub identity: String,
    /// OIDC issuer.
    pub issuer: String,
    /// The trusted root its certificates chain to (`public-good` or a stored root's name).
    pub trusted_root: String,
    /// Who added it.
    pub added_by: String,
    /// When (ms).
    pub added_at: i64,
    /// Who removed it.
    pub removed_by: Option<String>,
    /// When (ms); from then on bundles it signs are refused.
    pub removed_at: Option<i64>,
}

/// One more signer for one repository, with a reason and an expiry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignerOverrideRow {
    /// `pso_…` id.
    pub id: String,
    /// The tenant that owns the repository.
    pub org_id: String,
    /// The repository (its owning row).
    pub repo_id: String,
    /// `key` or `keyless`.
    pub kind: String,
    /// For `key`: PEM public key (canonical).
    pub public_key_pem: Option<String>,
    /// For `key`: `sha256:` key id.
    pub key_id: Option<String>,
    /// For `keyless`: certificate identity.
    pub identity: Option<String>,
    /// For `keyless`: OIDC issuer.
    pub issuer: Option<String>,
    /// For `keyless`: trusted root name.
    pub trusted_root: Option<String>,
    /// Why the exception exists.
    pub reason: String,
    /// Until when (ms, exclusive).
    pub expires_at: i64,
    /// Who allowed it.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
    /// Who revoked it.
    pub revoked_by: Option<String>,
    /// When (ms).
    pub revoked_at: Option<i64>,
}

impl SignerOverrideRow {
    /// The allowed signer, for people and the audit log.
    pub fn signer(&self) -> String {
        match (self.kind.as_str(), &self.key_id) {
            ("key", Some(key_id)) => format!("key {key_id}"),
            _ => format!(
                "keyless {} ({}) on {}",
                self.identity.as_deref().unwrap_or("?"),
                self.issuer.as_deref().unwrap_or("?"),
                self.trusted_root.as_deref().unwrap_or("?")
            ),
        }
    }
}

const SIGNER_COLUMNS: &str = "id, identity, issuer, trusted_root, added_by, added_at, removed_by, removed_at";
const OVERRIDE_COLUMNS: &str = "id, org_id, repo_id, kind, public_key_pem, key_id, identity, issuer, trusted_root, \
     reason, expires_at, created_by, created_at, revoked_by, revoked_at";

impl Db {
    /// Adds an org workflow identity; a live one with the same identity, issuer and root is a conflict.
    pub async fn insert_keyless_signer(&self, s: &KeylessSignerRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO policy_keyless_signers ({SIGNER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&s.id)
        .bind(&s.identity)
        .bind(&s.issuer)
        .bind(&s.trusted_root)
        .bind(&s.added_by)
        .bind(s.added_at)
        .bind(&s.removed_by)
        .bind(s.removed_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The org workflow identities not removed, oldest first.
    pub async fn keyless_signers(&self) -> StoreResult<Vec<KeylessSignerRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SIGNER_COLUMNS} FROM policy_keyless_signers WHERE removed_at IS NULL ORDER BY added_at, id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// Removes an org workflow identity; false when it is unknown or already removed.
    pub async fn remove_keyless_signer(&self, id: &str, actor: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE policy_keyless_signers SET removed_at = $1, removed_by = $2 WHERE id = $3 AND removed_at IS NULL",
        )
        .bind(now)
        .bind(actor)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores an override.
    pub async fn insert_signer_override(&self, o: &SignerOverrideRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO policy_signer_overrides ({OVERRIDE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(&o.id)
        .bind(&o.org_id)
        .bind(&o.repo_id)
        .bind(&o.kind)
        .bind(&o.public_key_pem)
        .bind(&o.key_id)
        .bind(&o.identity)
        .bind(&o.issuer)
        .bind(&o.trusted_root)
        .bind(&o.reason)
        .bind(o.expires_at)
        .bind(&o.created_by)
        .bind(o.created_at)
        .bind(&o.revoked_by)
        .bind(o.revoked_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The overrides of one repository row that are in force at `now`.
    pub async fn active_overrides(&self, repo_id: &str, now: i64) -> StoreResult<Vec<SignerOverrideRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {OVERRIDE_COLUMNS} FROM policy_signer_overrides \
             WHERE repo_id = $1 AND expires_at > $2 AND revoked_at IS NULL ORDER BY created_at, id"
        ))
        .bind(repo_id)
        .bind(now)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every override, newest first (at most `limit`).
    pub async fn signer_overrides(&self, limit: i64) -> StoreResult<Vec<SignerOverrideRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {OVERRIDE_COLUMNS} FROM policy_signer_overrides ORDER BY created_at DESC, id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// One override by id.
    pub async fn signer_override(&self, id: &str) -> StoreResult<Option<SignerOverrideRow>> {
        Ok(sqlx::query_as(&format!("SELECT {OVERRIDE_COLUMNS} FROM policy_signer_overrides WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Revokes an override still in force; false when it is unknown, expired or already revoked.
    pub async fn revoke_signer_override(&self, id: &str, actor: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE policy_signer_overrides SET revoked_at = $1, revoked_by = $2 \
             WHERE id = $3 AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(actor)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores `json` as the trusted root `name`, replacing one of that name
    /// (the keyless drill's throwaway instance is re-keyed every run).
    pub async fn replace_trusted_root(&self, row: &super::TrustedRootRow) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM trusted_roots WHERE name = $1").bind(&row.name).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO trusted_roots (id, name, root_json, sha256, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&row.id)
            .bind(&row.name)
            .bind(&row.root_json)
            .bind(&row.sha256)
            .bind(row.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
