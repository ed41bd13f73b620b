//! `Idempotency-Key` for the Attestation API. A retry with the same key and
//! body gets the first answer again (`Idempotent-Replayed: true`) and records,
//! meters and signs nothing new; the same key with another body is a 409.
//!
//! Exactly-once rests on the database, not on this process: the key's row is
//! written in the same transaction as the call, its receipt and its usage
//! event, under a primary key on (tenant, key). Two servers racing on one key
//! both verify, one commits, the other's whole transaction fails on the key
//! and it answers with the winner's stored response. Inside one process a
//! per-key lock makes concurrent identical requests wait for the first
//! instead of verifying in parallel.

use crate::domain::AppError;
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::{IdempotencyRow, StoreError};
use crate::ssr::verification::attestation::Outcome;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// How long a key is remembered: a billing month plus a 14-day grace period.
pub const KEY_TTL_MS: i64 = 45 * 24 * 60 * 60 * 1000;
/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// Checks a client's key: 1-255 visible ASCII characters.
pub fn check_key(raw: &[u8]) -> Result<String, AppError> {
    let ok = !raw.is_empty() && raw.len() <= MAX_KEY_LEN && raw.iter().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(AppError::invalid(
            "Idempotency-Key",
            format!("must be 1-{MAX_KEY_LEN} visible ASCII characters (a UUID is a good choice)"),
        ));
    }
    Ok(String::from_utf8_lossy(raw).into_owned())
}

/// An answer already given under a key, to send again.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Its HTTP status.
    pub status: u16,
    /// Its JSON body.
    pub body: serde_json::Value,
    /// The id of the call that gave it.
    pub verification_id: String,
}

/// What a stored key decides for a request before any work is done.
#[derive(Debug)]
pub enum Known {
    /// Seen with the same body: send the first answer again.
    Replay(Replay),
    /// Seen with a different body: refuse (409); nothing is recorded.
    Reused,
}

/// Where a request stands once its key was looked up.
#[derive(Debug)]
pub enum Start {
    /// New (or no key): do the work, then [`Attempt::commit`] it.
    Proceed(Attempt),
    /// The key already decided the answer.
    Known(Known),
}

/// How a committed attempt ended.
#[derive(Debug)]
pub enum Committed {
    /// This request's answer was recorded and is the answer.
    Fresh,
    /// Another server process committed the same key first: its answer stands.
    Known(Known),
}

/// A request going ahead under its key (or with none). While it lives,
/// identical requests in this process wait for it.
#[derive(Debug)]
pub struct Attempt {
    org_id: String,
    key: Option<String>,
    body_sha256: String,
    _held: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// Takes the key's turn in this process, then looks it up.
pub async fn start(state: &AppState, org_id: &str, key: Option<String>, body: &[u8]) -> Result<Start, AppError> {
    let body_sha256 = hex::encode(Sha256::digest(body));
    let held = match &key {
        Some(k) => Some(state.idempotency_locks.lock(org_id, k).await),
        None => None,
    };
    if let Some(k) = &key
        && let Some(known) = known(state, org_id, k, &body_sha256).await?
    {
        return Ok(Start::Known(known));
    }
    Ok(Start::Proceed(Attempt { org_id: org_id.to_owned(), key, body_sha256, _held: held }))
}

impl Attempt {
    /// Records the call with its key and the answer `status`/`body` to
    /// replay for it, in the call's own transaction (group commit).
    pub async fn commit(
        self,
        state: &AppState,
        mut outcome: Outcome,
        status: u16,
        body: &serde_json::Value,
    ) -> Result<Committed, AppError> {
        if let Some(k) = &self.key {
            let now = state.now_ms();
            if let Some((_, usage)) = &mut outcome.record.success {
                usage.idempotency_key = Some(k.clone());
            }
            outcome.record.idempotency = Some(IdempotencyRow {
                org_id: self.org_id.clone(),
                idem_key: k.clone(),
                request_sha256: self.body_sha256.clone(),
                verification_id: outcome.id.clone(),
                status: i64::from(status),
                response: body.to_string(),
                created_at: now,
                expires_at: now + KEY_TTL_MS,
            });
        }
        match (outcome.commit(state).await, &self.key) {
            (Ok(_), _) => Ok(Committed::Fresh),
            (Err(StoreError::Conflict), Some(k)) => match known(state, &self.org_id, k, &self.body_sha256).await? {
                Some(known) => Ok(Committed::Known(known)),
                None => Err(log_internal("idempotency key conflicted but no answer is stored")),
            },
            (Err(e), _) => Err(e.into()),
        }
    }
}

/// What the stored key says: `None` when never seen (or expired).
async fn known(state: &AppState, org_id: &str, key: &str, body_sha256: &str) -> Result<Option<Known>, AppError> {
    let Some(row) = state.db.idempotent_answer(org_id, key, state.now_ms()).await? else { return Ok(None) };
    if row.request_sha256 != body_sha256 {
        return Ok(Some(Known::Reused));
    }
    let body = serde_json::from_str(&row.response).map_err(log_internal)?;
    let status = u16::try_from(row.status).map_err(log_internal)?;
    Ok(Some(Known::Replay(Replay { status, body, verification_id: row.verification_id })))
}

/// Per-(tenant, key) locks, so concurrent retries in one process wait for the
/// first request instead of racing it. Entries vanish when unused.
#[derive(Debug, Default)]
pub struct KeyLocks(Mutex<HashMap<TenantKey, Weak<tokio::sync::Mutex<()>>>>);

/// (tenant id, idempotency key).
type TenantKey = (String, String);

impl KeyLocks {
    /// Waits for and holds the lock of this tenant's key.
    pub async fn lock(&self, org_id: &str, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            map.retain(|_, weak| weak.strong_count() > 0);
            let entry = map.entry((org_id.to_owned(), key.to_owned())).or_default();
            match entry.upgrade() {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    *entry = Arc::downgrade(&lock);
                    lock
                }
            }
        };
        lock.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_up_to_255() {
        assert!(check_key(b"9f1c2c1e-6c1b-4b7e-9f55-0e1f9b8d2a10").is_ok());
        assert!(check_key(b"").is_err());
        assert!(check_key(b"has space").is_err());
        assert!(check_key(&[b'a'; 256]).is_err());
        assert!(check_key("clé".as_bytes()).is_err());
    }
}
