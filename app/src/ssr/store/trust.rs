//! Trust material as data: the portal's receipt keys, trusted roots, and each
//! tenant's signing keys and named verification policies.

use super::{Db, StoreResult};
use crate::ssr::verification::rules::PolicyRules;

/// One of the portal's receipt-signing keys. (No derived `Debug`: it holds
/// the private key.)
#[derive(Clone, sqlx::FromRow)]
pub struct ReceiptKeyRow {
    /// `rk_…` id (the `keyid` in receipts).
    pub id: String,
    /// PEM public key.
    pub public_key_pem: String,
    /// Base64 PKCS#8 private key.
    pub private_pkcs8: String,
    /// Creation time (ms).
    pub created_at: i64,
    /// When it stopped signing (still published).
    pub retired_at: Option<i64>,
}

impl std::fmt::Debug for ReceiptKeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiptKeyRow")
            .field("id", &self.id)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// A trusted root added by an admin.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrustedRootRow {
    /// `root_…` id.
    pub id: String,
    /// Name used in requests and policies.
    pub name: String,
    /// The `trusted_root.json`.
    pub root_json: String,
    /// SHA-256 of `root_json`.
    pub sha256: String,
    /// Creation time (ms).
    pub created_at: i64,
}

/// A tenant's stored keys by `"{org_id} {key_id}"` (see [`super::ttl_cache`]).
pub type SigningKeyCache = super::ttl_cache::TtlCache<Vec<SigningKeyRow>>;

/// A tenant's stored artifact-signing public key with its validity window.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SigningKeyRow {
    /// `skey_…` id.
    pub id: String,
    /// Owning tenant.
    pub org_id: String,
    /// Name used in requests.
    pub name: String,
    /// PEM public key.
    pub public_key_pem: String,
    /// `sha256:` of the key's DER.
    pub key_id: String,
    /// Valid from (ms).
    pub not_before: i64,
    /// Valid until (ms), if bounded.
    pub not_after: Option<i64>,
    /// Revoked at (ms).
    pub revoked_at: Option<i64>,
    /// Creation time (ms).
    pub created_at: i64,
}

/// A tenant's named verification policy.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct PolicyRow {
    /// `pol_…` id.
    pub id: String,
    /// Owning tenant.
    pub org_id: String,
    /// Name used in requests.
    pub name: String,
    /// Its rules.
    #[sqlx(flatten)]
    pub rules: PolicyRules,
    /// Creation time (ms).
    pub created_at: i64,
}

const SIGNING_KEY_COLUMNS: &str =
    "id, org_id, name, public_key_pem, key_id, not_before, not_after, revoked_at, created_at";
const POLICY_COLUMNS: &str = "id, org_id, name, identity, issuer, trusted_root, predicate_type, builder_id, \
     source_repo, source_ref, created_at";

impl Db {
    /// Stores a new receipt key.
    pub async fn insert_receipt_key(&self, k: &ReceiptKeyRow) -> StoreResult<()> {
        sqlx::query("INSERT INTO receipt_keys (id, public_key_pem, private_pkcs8, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&k.id)
            .bind(&k.public_key_pem)
            .bind(&k.private_pkcs8)
            .bind(k.created_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Retires every receipt key except `keep`.
    pub async fn retire_receipt_keys_except(&self, keep: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE receipt_keys SET retired_at = $1 WHERE id <> $2 AND retired_at IS NULL")
            .bind(now)
            .bind(keep)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// All receipt keys, newest first (the first unretired one signs).
    pub async fn receipt_keys(&self) -> StoreResult<Vec<ReceiptKeyRow>> {
        Ok(sqlx::query_as(
            "SELECT id, public_key_pem, private_pkcs8, created_at, retired_at FROM receipt_keys \
             ORDER BY created_at DESC, id DESC",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Stores a trusted root.
    pub async fn insert_trusted_root(&self, r: &TrustedRootRow) -> StoreResult<()> {
        sqlx::query("INSERT INTO trusted_roots (id, name, root_json, sha256, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&r.id)
            .bind(&r.name)
            .bind(&r.root_json)
            .bind(&r.sha256)
            .bind(r.created_at)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A trusted root by name.
    pub async fn trusted_root(&self, name: &str) -> StoreResult<Option<TrustedRootRow>> {
        Ok(sqlx::query_as("SELECT id, name, root_json, sha256, created_at FROM trusted_roots WHERE name = $1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?)
    }

    /// All added trusted roots, by name.
    pub async fn trusted_roots(&self) -> StoreResult<Vec<TrustedRootRow>> {
        Ok(sqlx::query_as("SELECT id, name, root_json, sha256, created_at FROM trusted_roots ORDER BY name")
            .fetch_all(self.pool())
            .await?)
    }

    /// Stores a tenant's signing key.
    pub async fn insert_signing_key(&self, k: &SigningKeyRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO signing_keys ({SIGNING_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&k.id)
        .bind(&k.org_id)
        .bind(&k.name)
        .bind(&k.public_key_pem)
        .bind(&k.key_id)
        .bind(k.not_before)
        .bind(k.not_after)
        .bind(k.revoked_at)
        .bind(k.created_at)
        .execute(self.pool())
        .await?;
        self.signing_key_cache.clear();
        Ok(())
    }

    /// A tenant's signing keys, newest first.
    pub async fn signing_keys(&self, org_id: &str) -> StoreResult<Vec<SigningKeyRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(org_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// A tenant's stored keys with this `sha256:` key id (none for most inline
    /// keys). Cached for [`super::ttl_cache::CACHE_TTL`]: every Attestation API
    /// call with an inline key asks.
    pub async fn signing_keys_by_key_id(&self, org_id: &str, key_id: &str) -> StoreResult<Vec<SigningKeyRow>> {
        let cache_key = format!("{org_id} {key_id}");
        if let Some(rows) = self.signing_key_cache.get(&cache_key) {
            return Ok(rows);
        }
        let rows: Vec<SigningKeyRow> = sqlx::query_as(&format!(
            "SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys WHERE org_id = $1 AND key_id = $2"
        ))
        .bind(org_id)
        .bind(key_id)
        .fetch_all(self.pool())
        .await?;
        self.signing_key_cache.put(&cache_key, &rows);
        Ok(rows)
    }

    /// Every tenant's signing keys (for one-off maintenance such as re-encoding).
    pub async fn all_signing_keys(&self) -> StoreResult<Vec<SigningKeyRow>> {
        Ok(sqlx::query_as(&format!("SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys ORDER BY id"))
            .fetch_all(self.pool())
            .await?)
    }

    /// Replaces a stored key's PEM and key id (the same key, re-encoded).
    pub async fn set_signing_key_encoding(&self, id: &str, pem: &str, key_id: &str) -> StoreResult<()> {
        sqlx::query("UPDATE signing_keys SET public_key_pem = $1, key_id = $2 WHERE id = $3")
            .bind(pem)
            .bind(key_id)
            .bind(id)
            .execute(self.pool())
            .await?;
        self.signing_key_cache.clear();
        Ok(())
    }

    /// A tenant's signing key by name or `skey_…` id.
    pub async fn signing_key(&self, org_id: &str, name_or_id: &str) -> StoreResult<Option<SigningKeyRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SIGNING_KEY_COLUMNS} FROM signing_keys WHERE org_id = $1 AND (name = $2 OR id = $2)"
        ))
        .bind(org_id)
        .bind(name_or_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Revokes a tenant's key; false if there is no such unrevoked key.
    pub async fn revoke_signing_key(&self, org_id: &str, id: &str, now: i64) -> StoreResult<bool> {
        let r =
            sqlx::query("UPDATE signing_keys SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL")
                .bind(now)
                .bind(org_id)
                .bind(id)
                .execute(self.pool())
                .await?;
        self.signing_key_cache.clear();
        Ok(r.rows_affected() == 1)
    }

    /// Stores a tenant's policy.
    pub async fn insert_policy(&self, p: &PolicyRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO verify_policies ({POLICY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&p.id)
        .bind(&p.org_id)
        .bind(&p.name)
        .bind(&p.rules.identity)
        .bind(&p.rules.issuer)
        .bind(&p.rules.trusted_root)
        .bind(&p.rules.statement.predicate_type)
        .bind(&p.rules.statement.builder_id)
        .bind(&p.rules.statement.source_repo)
        .bind(&p.rules.statement.source_ref)
        .bind(p.created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A tenant's policies, by name.
    pub async fn policies(&self, org_id: &str) -> StoreResult<Vec<PolicyRow>> {
        Ok(sqlx::query_as(&format!("SELECT {POLICY_COLUMNS} FROM verify_policies WHERE org_id = $1 ORDER BY name"))
            .bind(org_id)
            .fetch_all(self.pool())
            .await?)
    }

    /// A tenant's policy by name.
    pub async fn policy(&self, org_id: &str, name: &str) -> StoreResult<Option<PolicyRow>> {
        Ok(sqlx::query_as(&format!("SELECT {POLICY_COLUMNS} FROM verify_policies WHERE org_id = $1 AND name = $2"))
            .bind(org_id)
            .bind(name)
            .fetch_optional(self.pool())
            .await?)
    }
}
