//! The append-only, hash-chained audit log.

use super::{Db, StoreError, StoreResult, Tx};
use crate::domain::audit_log::AuditFilter;
use sqlx::Connection;

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

/// Which entries a reader may see.
#[derive(Debug, Clone, Copy)]
pub enum AuditScope<'a> {
    /// Every entry (operator admins and security).
    All,
    /// Entries about any of `orgs` or with `target` as their object (an
    /// auditor: the engagement's tenants and the engagement).
    About {
        /// Organisation ids.
        orgs: &'a [String],
        /// The engagement id.
        target: &'a str,
    },
}

/// A value bound to a query built at run time.
enum Bind {
    Text(String),
    Int(i64),
}

impl Db {
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

    /// Newest entries first that `filter` matches, within `scope`.
    pub async fn audit_search(
        &self,
        scope: AuditScope<'_>,
        filter: &AuditFilter,
        limit: i64,
    ) -> StoreResult<Vec<AuditRow>> {
        let mut clauses: Vec<String> = Vec::new();
        let mut binds: Vec<Bind> = Vec::new();
        let next = |b: Bind, binds: &mut Vec<Bind>| {
            binds.push(b);
            format!("${}", binds.len())
        };
        if let AuditScope::About { orgs, target } = scope {
            let mut any = vec![format!("target = {}", next(Bind::Text(target.to_owned()), &mut binds))];
            for o in orgs {
                any.push(format!("org_id = {}", next(Bind::Text(o.clone()), &mut binds)));
            }
            clauses.push(format!("({})", any.join(" OR ")));
        }
        if let Some(actor) = &filter.actor {
            clauses.push(format!("actor = {}", next(Bind::Text(actor.clone()), &mut binds)));
        }
        if let Some(action) = &filter.action {
            // The action itself, or any under it: `api_key` matches `api_key.revoked`.
            let exact = next(Bind::Text(action.clone()), &mut binds);
            let under = next(Bind::Text(format!("{}.%", action.replace('_', "\\_"))), &mut binds);
            clauses.push(format!("(action = {exact} OR action LIKE {under} ESCAPE '\\')"));
        }
        if let Some(from) = filter.from {
            clauses.push(format!("at >= {}", next(Bind::Int(from.start_ms()), &mut binds)));
        }
        if let Some(to) = filter.to {
            clauses.push(format!("at < {}", next(Bind::Int(to.end_ms()), &mut binds)));
        }
        let limit_at = next(Bind::Int(limit), &mut binds);
        let filter_sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let sql = format!("SELECT {COLUMNS} FROM audit_log {filter_sql} ORDER BY seq DESC LIMIT {limit_at}");
        let mut q = sqlx::query_as(&sql);
        for b in binds {
            q = match b {
                Bind::Text(t) => q.bind(t),
                Bind::Int(i) => q.bind(i),
            };
        }
        Ok(q.fetch_all(self.pool()).await?)
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

impl Tx<'_> {
    /// Appends the entry `entry(head)` builds after the chain's head (`None`
    /// for the first entry). Inside a savepoint: when a concurrent writer
    /// extends the chain first (`prev_hash` is unique), only the savepoint is
    /// rolled back and the entry is built again on the new head.
    pub async fn append_audit(&mut self, mut entry: impl FnMut(Option<String>) -> AuditRow) -> StoreResult<()> {
        for _ in 0..20 {
            let mut savepoint = self.conn().begin().await?;
            let head: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *savepoint)
                .await?;
            let e = entry(head);
            let inserted = sqlx::query(
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
            .execute(&mut *savepoint)
            .await
            .map_err(StoreError::from);
            match inserted {
                Ok(_) => return Ok(savepoint.commit().await?),
                Err(StoreError::Conflict) => {
                    savepoint.rollback().await?;
                    tokio::task::yield_now().await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Corrupt("audit log: too much contention appending".into()))
    }
}
