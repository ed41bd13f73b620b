//! What an API key may do. A key carries a set of scopes; every machine
//! route names the one it needs, and a key without it gets 403
//! `insufficient_scope`. New keys get the least they need: the portal's form
//! starts at `verify` + `read`; the first key of an onboarding (a CI key) gets
//! `verify` + `evidence` + `read`. Keys made before scopes existed keep all four.

use super::identity::string_enum;
use serde::{Deserialize, Serialize};

string_enum!(
    /// One permission of an API key.
    ApiScope {
        /// `POST /api/v1/verify`.
        Verify = "verify",
        /// Uploading release packs and policy bundles.
        Evidence = "evidence",
        /// Adding and revoking signing keys and policies; replaying webhook messages.
        Admin = "admin",
        /// Reading receipts, packs, keys, policies, webhook messages and invoices.
        Read = "read",
    }
);

impl ApiScope {
    /// What the scope allows, for people.
    pub fn label(self) -> &'static str {
        match self {
            ApiScope::Verify => "Verify evidence (Attestation API)",
            ApiScope::Evidence => "Upload release packs and policy bundles",
            ApiScope::Admin => "Manage signing keys, policies and webhook replays",
            ApiScope::Read => "Read receipts, packs, keys, policies and invoices",
        }
    }
}

/// A set of scopes, stored as their names separated by spaces.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scopes(Vec<ApiScope>);

impl Scopes {
    /// Scopes from a list, in the canonical order, without repeats.
    pub fn of(list: &[ApiScope]) -> Self {
        Self(ApiScope::ALL.iter().copied().filter(|s| list.contains(s)).collect())
    }

    /// Parses the stored form (`"verify read"`); an empty set is refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        let list =
            text.split([' ', ',']).filter(|s| !s.is_empty()).map(ApiScope::parse).collect::<Result<Vec<_>, _>>()?;
        if list.is_empty() {
            return Err("a key needs at least one scope".into());
        }
        Ok(Self::of(&list))
    }

    /// Whether the set holds `scope`.
    pub fn allows(&self, scope: ApiScope) -> bool {
        self.0.contains(&scope)
    }

    /// The scopes, in order.
    pub fn list(&self) -> &[ApiScope] {
        &self.0
    }

    /// The stored form.
    pub fn to_stored(&self) -> String {
        self.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_order_and_refuse_nonsense() {
        let s = Scopes::parse("read verify read").unwrap();
        assert_eq!(s.to_stored(), "verify read");
        assert!(s.allows(ApiScope::Verify) && !s.allows(ApiScope::Admin));
        assert!(Scopes::parse("").is_err());
        assert!(Scopes::parse("verify root").unwrap_err().contains("root"));
        assert_eq!(Scopes::parse("verify,evidence").unwrap().list(), &[ApiScope::Verify, ApiScope::Evidence]);
    }
}
