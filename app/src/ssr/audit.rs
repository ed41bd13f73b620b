//! Appends to and verifies the hash-chained audit log.
//!
//! Each entry's hash is SHA-256 over the previous hash and the entry's fields,
//! each length-prefixed, so an edit, insertion or deletion breaks the chain.

use crate::domain::ids::AuditId;
use crate::ssr::state::AppState;
use crate::ssr::store::{AuditRow, Db, StoreError, StoreResult, Tx};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What to record.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    /// Who acted.
    pub actor: &'a str,
    /// What happened.
    pub action: &'a str,
    /// The organisation concerned.
    pub org_id: Option<&'a str>,
    /// The object concerned.
    pub target: Option<&'a str>,
    /// Detail; never secrets.
    pub detail: &'a str,
}

impl<'a> AuditEvent<'a> {
    /// An event with no organisation, target or detail yet.
    pub fn new(actor: &'a str, action: &'a str) -> Self {
        Self { actor, action, org_id: None, target: None, detail: "" }
    }

    /// The organisation and object concerned.
    pub fn about(mut self, org_id: &'a str, target: &'a str) -> Self {
        self.org_id = Some(org_id);
        self.target = Some(target);
        self
    }

    /// The object concerned, with no organisation (operator-wide actions).
    pub fn about_target(mut self, target: &'a str) -> Self {
        self.target = Some(target);
        self
    }

    /// Free-form detail (never secrets).
    pub fn detail(mut self, detail: &'a str) -> Self {
        self.detail = detail;
        self
    }

    /// Appends the event; a storage failure is logged and answered as an internal error.
    pub async fn log(self, state: &AppState) -> Result<(), crate::domain::AppError> {
        record(state, self).await.map_err(crate::ssr::error::log_internal)
    }

    /// Appends the event as part of `tx` (see [`append`]).
    pub async fn log_in(&self, tx: &mut Tx<'_>, state: &AppState) -> Result<(), crate::domain::AppError> {
        append(tx, state, self).await.map_err(crate::ssr::error::log_internal)
    }
}

/// The chain hash of an entry.
pub fn entry_hash(prev_hash: &str, id: &str, at: i64, e: &AuditEvent<'_>) -> String {
    let mut h = Sha256::new();
    let at = at.to_string();
    for field in [prev_hash, id, &at, e.actor, e.action, e.org_id.unwrap_or(""), e.target.unwrap_or(""), e.detail] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an event in its own unit of work.
pub async fn record(state: &AppState, e: AuditEvent<'_>) -> StoreResult<()> {
    let mut tx = state.db.transaction().await?;
    append(&mut tx, state, &e).await?;
    tx.commit().await
}

/// Appends an event as part of `tx`: it is in the log exactly when the
/// change it describes is committed.
pub async fn append(tx: &mut Tx<'_>, state: &AppState, e: &AuditEvent<'_>) -> StoreResult<()> {
    let id = state.new_id(AuditId::from_parts).to_string();
    let at = state.now_ms();
    tx.append_audit(|head| {
        let prev_hash = head.unwrap_or_else(|| GENESIS.to_owned());
        AuditRow {
            seq: 0,
            hash: entry_hash(&prev_hash, &id, at, e),
            id: id.clone(),
            at,
            actor: e.actor.to_owned(),
            action: e.action.to_owned(),
            org_id: e.org_id.map(str::to_owned),
            target: e.target.map(str::to_owned),
            detail: e.detail.to_owned(),
            prev_hash,
        }
    })
    .await
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq} ({id}): {reason}")]
pub struct ChainBreak {
    /// Sequence number of the first bad entry.
    pub seq: i64,
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub reason: String,
}

/// Checks a run of entries that follows `prev_hash`; returns the last hash.
pub fn verify_entries(mut prev_hash: String, rows: &[AuditRow]) -> Result<String, ChainBreak> {
    for r in rows {
        let brk = |reason: &str| ChainBreak { seq: r.seq, id: r.id.clone(), reason: reason.into() };
        if r.prev_hash != prev_hash {
            return Err(brk("previous-hash link does not match the entry before it (entry removed or reordered)"));
        }
        let e = AuditEvent {
            actor: &r.actor,
            action: &r.action,
            org_id: r.org_id.as_deref(),
            target: r.target.as_deref(),
            detail: &r.detail,
        };
        if entry_hash(&r.prev_hash, &r.id, r.at, &e) != r.hash {
            return Err(brk("content does not match its hash (entry edited)"));
        }
        prev_hash = r.hash.clone();
    }
    Ok(prev_hash)
}

/// Verifies the whole chain; returns the number of entries checked.
pub async fn verify_chain(db: &Db) -> Result<Result<u64, ChainBreak>, StoreError> {
    let (mut prev, mut after, mut n) = (GENESIS.to_owned(), 0i64, 0u64);
    loop {
        let page = db.audit_page(after, 1000).await?;
        let Some(last) = page.last() else { return Ok(Ok(n)) };
        after = last.seq;
        n += page.len() as u64;
        match verify_entries(prev, &page) {
            Ok(h) => prev = h,
            Err(b) => return Ok(Err(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditRow> {
        let mut prev = GENESIS.to_owned();
        (0..n)
            .map(|i| {
                let id = format!("aud_{i}");
                let e = AuditEvent { actor: "a@b.c", action: "login", org_id: None, target: None, detail: "" };
                let hash = entry_hash(&prev, &id, 1000 + i as i64, &e);
                let row = AuditRow {
                    seq: i as i64 + 1,
                    id,
                    at: 1000 + i as i64,
                    actor: "a@b.c".into(),
                    action: "login".into(),
                    org_id: None,
                    target: None,
                    detail: String::new(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                row
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert!(verify_entries(GENESIS.into(), &chain(5)).is_ok());
    }

    #[test]
    fn edited_entry_is_found() {
        let mut c = chain(5);
        c[2].actor = "mallory@evil.example".into();
        assert_eq!(verify_entries(GENESIS.into(), &c).unwrap_err().seq, 3);
    }

    #[test]
    fn removed_entry_is_found() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify_entries(GENESIS.into(), &c).unwrap_err().seq, 3);
    }

    #[test]
    fn field_boundaries_matter() {
        let a = AuditEvent { actor: "ab", action: "c", org_id: None, target: None, detail: "" };
        let b = AuditEvent { actor: "a", action: "bc", org_id: None, target: None, detail: "" };
        assert_ne!(entry_hash(GENESIS, "x", 1, &a), entry_hash(GENESIS, "x", 1, &b));
    }
}
