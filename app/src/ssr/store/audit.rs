//! The append-only, hash-chained audit log.

use super::{Db, StoreError, StoreResult};

/// One audit-log entry as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// Position in the chain.
    pub seq: i64,
    /// `aud_…` id.
    pub id: String,
    /// Time (ms).
    pub at: i64,
    /// Who acted (e-mail, key id or `system`).
    pub actor: String,
    /// What happened (`login`, `api_key.created`, …).
    pub action: String,
    /// The organisation concerned.
    pub org_id: Option<String>,
    /// The object concerned.
    pub target: Option<String>,
    /// Free-form detail (no secrets).
    pub detail: String,
    /// Hash of the previous entry (genesis: 64 zeros).
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

const COLUMNS: &str = "seq, id, at, actor, action, org_id, target, detail, prev_hash, hash";

impl Db {
    /// The hash of the newest entry, if any.
    pub async fn audit_head(&self) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(self.pool()).await?;
        Ok(row.map(|r| r.0))
    }

    /// Appends an entry. `Conflict` when another writer extended the chain
    /// first (`prev_hash` is unique), in which case the caller retries.
    pub async fn insert_audit(&self, e: &AuditRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, action, org_id, target, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&e.id)
        .bind(e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.org_id)
        .bind(&e.target)
        .bind(&e.detail)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(self.pool())
        .await
        .map_err(StoreError::from)?;
        Ok(())
    }

    /// Newest entries first, optionally for one organisation.
    pub async fn audit_entries(&self, org_id: Option<&str>, limit: i64) -> StoreResult<Vec<AuditRow>> {
        let q = match org_id {
            Some(_) => format!("SELECT {COLUMNS} FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT $2"),
            None => format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1"),
        };
        let mut query = sqlx::query_as(&q);
        if let Some(org) = org_id {
            query = query.bind(org);
        }
        Ok(query.bind(limit).fetch_all(self.pool()).await?)
    }

    /// Entries in chain order from `after_seq`, a page at a time (for verification).
    pub async fn audit_page(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
    }
}
