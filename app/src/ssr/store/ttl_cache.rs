//! Short-lived caches of rows the Attestation API reads on every request (an
//! API key by its hash, a tenant's stored keys by key id), so a busy client
//! does not cost a database read per call.
//!
//! A write through this process clears the cache at once; other server
//! processes (Postgres deployments) notice within [`CACHE_TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a cached row is trusted without asking the database again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);
/// Entries kept before a cache starts over (bounds memory).
const CACHE_MAX: usize = 10_000;

/// Values by string key, each trusted for [`CACHE_TTL`] after it was read.
#[derive(Debug)]
pub struct TtlCache<V>(Mutex<HashMap<String, (V, Instant)>>);

impl<V> Default for TtlCache<V> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<V: Clone> TtlCache<V> {
    /// The value read for `key` less than [`CACHE_TTL`] ago.
    pub fn get(&self, key: &str) -> Option<V> {
        let map = self.0.lock().ok()?;
        map.get(key).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(value, _)| value.clone())
    }

    /// Remembers the value just read for `key`.
    pub fn put(&self, key: &str, value: &V) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= CACHE_MAX {
                map.clear();
            }
            map.insert(key.to_owned(), (value.clone(), Instant::now()));
        }
    }

    /// Forgets every entry (after a write that may change them).
    pub fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TtlCache;

    #[test]
    fn a_value_is_kept_until_cleared() {
        let cache = TtlCache::<u32>::default();
        assert_eq!(cache.get("a"), None);
        cache.put("a", &1);
        assert_eq!(cache.get("a"), Some(1));
        cache.clear();
        assert_eq!(cache.get("a"), None);
    }
}
