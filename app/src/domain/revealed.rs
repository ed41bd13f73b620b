//! Secrets shown to their owner once (a new API key, a webhook signing
//! secret): serialised as the plain string so the owner can copy it, never
//! printed by `Debug`, so a log line or a panic message cannot carry it.

use serde::{Deserialize, Serialize};

/// A secret on its way to its owner.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Revealed(pub String);

impl std::fmt::Debug for Revealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Revealed(***)")
    }
}

impl Revealed {
    /// The secret itself, for the one place that shows it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Revealed;

    #[test]
    fn debug_never_shows_the_secret_but_the_wire_does() {
        let s = Revealed("whsec_c2VjcmV0".into());
        assert!(!format!("{s:?}").contains("whsec_"));
        assert!(!format!("{:?}", Some(s.clone())).contains("c2VjcmV0"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"whsec_c2VjcmV0\"");
    }
}
