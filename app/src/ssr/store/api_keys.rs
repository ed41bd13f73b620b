//! Machine API keys, stored by the SHA-256 of the key.

use super::{Db, StoreResult, Tx};

/// Recently authenticated live keys by hash (see [`super::ttl_cache`]).
pub type KeyCache = super::ttl_cache::TtlCache<ApiKeyRow>;

/// An API key as stored (never the key itself).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    /// `key_…` id.
    pub id: String,
    /// Owning tenant.
    pub org_id: String,
    /// Label given at creation.
    pub name: String,
    /// The visible start of the key (for recognising it).
    pub prefix: String,
    /// Who created it.
    pub created_by: String,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last authenticated use.
    pub last_used_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
    /// What it may do: scope names separated by spaces ([`crate::domain::api_scope::Scopes`]).
    pub scopes: String,
}

const COLUMNS: &str = "id, org_id, name, prefix, created_by, created_at, last_used_at, revoked_at, scopes";

impl Db {
    /// A tenant's keys, newest first.
    pub async fn api_keys(&self, org_id: &str) -> StoreResult<Vec<ApiKeyRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(org_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A live key by hash, whose tenant is not suspended; records the use.
    pub async fn authenticate_api_key(&self, key_hash: &str, now: i64) -> StoreResult<Option<ApiKeyRow>> {
        if let Some(row) = self.key_cache.get(key_hash) {
            return Ok(Some(row));
        }
        let row: Option<ApiKeyRow> = sqlx::query_as(
            "SELECT k.id, k.org_id, k.name, k.prefix, k.created_by, k.created_at, k.last_used_at, k.revoked_at, k.scopes \
             FROM api_keys k JOIN orgs o ON o.id = k.org_id \
             WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND o.suspended_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(self.pool())
        .await?;
        if let Some(k) = &row {
            self.key_cache.put(key_hash, k);
            // Coarse (one minute) so a busy key does not write on every request.
            if k.last_used_at.is_none_or(|t| now - t > 60_000) {
                sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(&k.id)
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(row)
    }
}

impl Tx<'_> {
    /// Stores a new key by its hash.
    pub async fn insert_api_key(&mut self, k: &ApiKeyRow, key_hash: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, prefix, key_hash, created_by, created_at, scopes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&k.id)
        .bind(&k.org_id)
        .bind(&k.name)
        .bind(&k.prefix)
        .bind(key_hash)
        .bind(&k.created_by)
        .bind(k.created_at)
        .bind(&k.scopes)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Revokes a key of this tenant; false if there is no such live key.
    pub async fn revoke_api_key(&mut self, id: &str, org_id: &str, now: i64) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .bind(org_id)
            .execute(self.conn())
            .await?;
        self.forget_keys_on_commit();
        Ok(r.rows_affected() == 1)
    }
}
