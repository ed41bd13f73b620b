//! Roles, organisation kinds and plans, and what each role may see.

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored or wire spelling.
            pub fn parse(s: &str) -> Result<Self, String> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} '{}' (expected one of: {})",
                        stringify!($name).to_lowercase(), other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// What a user may do. Operator roles belong to the operator organisation,
    /// tenant roles to a tenant; auditors are read-only and expire.
    Role {
        /// Runs the portal: tenants, users, everything.
        OperatorAdmin = "operator_admin",
        /// Security team: policy bundles, keys, audit log.
        Security = "security",
        /// Finance: usage and invoices across tenants.
        Finance = "finance",
        /// Administers one tenant: its API keys and users.
        TenantAdmin = "tenant_admin",
        /// A member of one tenant: reads its data.
        TenantMember = "tenant_member",
        /// External auditor: read-only, expiring access.
        Auditor = "auditor",
    }
);

string_enum!(
    /// The two kinds of organisation.
    OrgKind {
        /// The vendor running the portal.
        Operator = "operator",
        /// A partner company.
        Tenant = "tenant",
    }
);

string_enum!(
    /// A tenant's price plan.
    Plan {
        /// $0.01 per verification.
        Starter = "starter",
        /// $0.005 per verification.
        Pro = "pro",
        /// $0.0025 per verification.
        Enterprise = "enterprise",
    }
);

impl Plan {
    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Plan::Starter => "Starter",
            Plan::Pro => "Pro",
            Plan::Enterprise => "Enterprise",
        }
    }
}

/// A page a role can reach from the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    /// Route path.
    pub path: &'static str,
    /// Link text.
    pub label: &'static str,
}

const TENANTS: NavItem = NavItem { path: "/tenants", label: "Tenants" };
const USERS: NavItem = NavItem { path: "/users", label: "Users" };
const KEYS: NavItem = NavItem { path: "/keys", label: "API keys" };
const VERIFICATIONS: NavItem = NavItem { path: "/verifications", label: "Verifications" };
const VERIFY: NavItem = NavItem { path: "/verify", label: "Verify" };
const RECEIPTS: NavItem = NavItem { path: "/receipts", label: "Receipts" };
const PACKS: NavItem = NavItem { path: "/packs", label: "Packs" };
const AUDIT: NavItem = NavItem { path: "/audit-log", label: "Audit log" };
const ACCOUNT: NavItem = NavItem { path: "/account", label: "Account" };
const USAGE: NavItem = NavItem { path: "/usage", label: "Usage" };
const PRICES: NavItem = NavItem { path: "/prices", label: "Prices" };
const WEBHOOKS: NavItem = NavItem { path: "/webhooks", label: "Webhooks" };
const ONBOARDING: NavItem = NavItem { path: "/onboarding", label: "Onboarding" };
const SIGNATURES: NavItem = NavItem { path: "/signature-status", label: "Signature status" };

impl Role {
    /// The organisation kind this role belongs to.
    pub fn org_kind(self) -> OrgKind {
        match self {
            Role::TenantAdmin | Role::TenantMember => OrgKind::Tenant,
            Role::OperatorAdmin | Role::Security | Role::Finance | Role::Auditor => OrgKind::Operator,
        }
    }

    /// Human name of the role.
    pub fn label(self) -> &'static str {
        match self {
            Role::OperatorAdmin => "Operator admin",
            Role::Security => "Security",
            Role::Finance => "Finance",
            Role::TenantAdmin => "Tenant admin",
            Role::TenantMember => "Tenant member",
            Role::Auditor => "Auditor",
        }
    }

    /// Read-only roles never change state.
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::Auditor)
    }

    /// May see every tenant (operator staff and auditors).
    pub fn sees_all_tenants(self) -> bool {
        self.org_kind() == OrgKind::Operator
    }

    /// Navigation entries, first one being the role's home screen.
    pub fn nav(self) -> &'static [NavItem] {
        match self {
            Role::OperatorAdmin => &[TENANTS, USERS, ONBOARDING, USAGE, PRICES, SIGNATURES, AUDIT, ACCOUNT],
            Role::Security => &[AUDIT, SIGNATURES, TENANTS, ACCOUNT],
            Role::Finance => &[TENANTS, USAGE, PRICES, ACCOUNT],
            Role::TenantAdmin => &[KEYS, VERIFICATIONS, VERIFY, RECEIPTS, PACKS, USAGE, WEBHOOKS, USERS, ACCOUNT],
            Role::TenantMember => &[KEYS, VERIFICATIONS, VERIFY, RECEIPTS, PACKS, ACCOUNT],
            Role::Auditor => &[AUDIT, SIGNATURES, TENANTS, ACCOUNT],
        }
    }

    /// The first screen after login.
    pub fn home(self) -> &'static str {
        self.nav().first().map_or("/account", |n| n.path)
    }

    /// Whether the role may open `path` (used to hide links and to guard pages).
    pub fn can_open(self, path: &str) -> bool {
        self.nav().iter().any(|n| n.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_roundtrips_and_has_a_home() {
        for &r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
            assert!(r.can_open(r.home()));
        }
        assert!(Role::parse("root").unwrap_err().contains("operator_admin"));
    }

    #[test]
    fn tenants_never_see_operator_pages() {
        for r in [Role::TenantAdmin, Role::TenantMember] {
            assert!(!r.can_open("/tenants"));
            assert!(!r.can_open("/audit-log"));
            assert!(!r.sees_all_tenants());
        }
        assert!(Role::Auditor.is_read_only());
        assert!(!Role::OperatorAdmin.is_read_only());
    }

    #[test]
    fn plans_parse() {
        assert_eq!(Plan::parse(" pro "), Ok(Plan::Pro));
        assert!(Plan::parse("gold").is_err());
    }
}
