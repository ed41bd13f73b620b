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
use crate::ssr::store::{Db, IdempotencyRow, StoreError};
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

/// What a stored key says about a request.
#[derive(Debug)]
pub enum Prior {
    /// Never seen (or expired): go ahead.
    New,
    /// Seen with the same body: answer with this.
    Replay(IdempotencyRow),
    /// Seen with a different body: refuse (409).
    Conflict,
}

/// Looks the key up; a different body under the same key is a conflict.
pub async fn prior(db: &Db, org_id: &str, key: &str, body_sha256: &str, now: i64) -> Result<Prior, AppError> {
    match db.idempotent_answer(org_id, key, now).await? {
        None => Ok(Prior::New),
        Some(row) if row.request_sha256 == body_sha256 => Ok(Prior::Replay(row)),
        Some(_) => Ok(Prior::Conflict),
    }
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

/// Whether a failed write lost an idempotency race (answer from the stored row).
pub fn lost_race(e: &StoreError) -> bool {
    matches!(e, StoreError::Conflict)
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
