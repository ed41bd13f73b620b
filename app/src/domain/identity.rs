//! Roles, organisation kinds and plans, and what each role may see.

use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

        impl TryFrom<String> for $name {
            type Error = String;

            /// Decodes the stored spelling (rows use `#[sqlx(try_from = "String")]`).
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s)
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

/// What a caller may do. One table, [`Role::may`], answers for server
/// functions, session routes and the navigation (each [`NavItem`] names the
/// action its page needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Sign in and see the own account.
    UseAccount,
    /// See the own tenant's verifications, receipts, packs and API keys; use the Verify page.
    UseTenantWorkspace,
    /// Create and revoke the tenant's API keys; set and test its webhooks.
    ManageTenantSettings,
    /// Usage and invoice previews (operator staff: every tenant; tenant admins: their own).
    ReadUsage,
    /// List users, create them and change roles (tenant admins: in their tenant).
    ManageUsers,
    /// List tenants.
    ListTenants,
    /// Create tenants, change plans, suspend.
    ManageTenants,
    /// See the price versions.
    ReadPrices,
    /// Add price versions.
    ManagePrices,
    /// The onboarding funnel and invitations.
    ManageOnboarding,
    /// The signature status report, drill reports and their exports.
    ReadSignatureStatus,
    /// Set the policy rollout, manage the org workflow identities and run rotation drills.
    ManagePolicyRollout,
    /// Allow or revoke a per-repository policy signer override (security only:
    /// an exception to who may sign is security's call).
    ManageSignerOverrides,
    /// Read (and check) the audit log.
    ReadAuditLog,
    /// Open audit engagements, scope them, invite and revoke auditors, record
    /// decisions and remediate findings (tenant admins: their own tenant's
    /// engagements, with the `auditor_access` feature).
    ManageAudits,
    /// See audit engagements (auditors: only their own).
    ReadAudits,
    /// An auditor's fieldwork: evidence requests, samples, findings, and the answer to a sign-off pack.
    AuditFieldwork,
    /// Comment in a finding's or evidence request's thread.
    CommentOnAudits,
    /// Accept an engagement's confidentiality agreement (auditors).
    AcceptNda,
    /// The operator's evidence library: documents, vendor attestations, recovery targets and restore drills.
    ManageAuditLibrary,
    /// Operations: the alert centre (and acknowledging alerts), the SLOs, the OKR scoreboard and the dashboards.
    WatchOperations,
}

impl Action {
    /// Every action, for the permission matrix.
    pub const ALL: &[Action] = &[
        Action::UseAccount,
        Action::UseTenantWorkspace,
        Action::ManageTenantSettings,
        Action::ReadUsage,
        Action::ManageUsers,
        Action::ListTenants,
        Action::ManageTenants,
        Action::ReadPrices,
        Action::ManagePrices,
        Action::ManageOnboarding,
        Action::ReadSignatureStatus,
        Action::ManagePolicyRollout,
        Action::ManageSignerOverrides,
        Action::ReadAuditLog,
        Action::ManageAudits,
        Action::ReadAudits,
        Action::AuditFieldwork,
        Action::CommentOnAudits,
        Action::AcceptNda,
        Action::ManageAuditLibrary,
        Action::WatchOperations,
    ];
}

/// A page a role can reach from the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavItem {
    /// Route path.
    pub path: &'static str,
    /// Link text.
    pub label: &'static str,
    /// What the page's server functions require.
    pub needs: Action,
}

const OVERVIEW: NavItem = NavItem { path: "/overview", label: "Overview", needs: Action::UseAccount };
const TENANTS: NavItem = NavItem { path: "/tenants", label: "Tenants", needs: Action::ListTenants };
const USERS: NavItem = NavItem { path: "/users", label: "Users", needs: Action::ManageUsers };
const KEYS: NavItem = NavItem { path: "/keys", label: "API keys", needs: Action::UseTenantWorkspace };
const VERIFICATIONS: NavItem =
    NavItem { path: "/verifications", label: "Verifications", needs: Action::UseTenantWorkspace };
const VERIFY: NavItem = NavItem { path: "/verify", label: "Verify", needs: Action::UseTenantWorkspace };
const RECEIPTS: NavItem = NavItem { path: "/receipts", label: "Receipts", needs: Action::UseTenantWorkspace };
const PACKS: NavItem = NavItem { path: "/packs", label: "Packs", needs: Action::UseTenantWorkspace };
const AUDIT: NavItem = NavItem { path: "/audit-log", label: "Audit log", needs: Action::ReadAuditLog };
const ACCOUNT: NavItem = NavItem { path: "/account", label: "Account", needs: Action::UseAccount };
const USAGE: NavItem = NavItem { path: "/usage", label: "Usage", needs: Action::ReadUsage };
const INVOICES: NavItem = NavItem { path: "/invoices", label: "Invoices", needs: Action::ReadUsage };
const PRICES: NavItem = NavItem { path: "/prices", label: "Prices", needs: Action::ReadPrices };
const WEBHOOKS: NavItem = NavItem { path: "/webhooks", label: "Webhooks", needs: Action::ManageTenantSettings };
const ONBOARDING: NavItem = NavItem { path: "/onboarding", label: "Onboarding", needs: Action::ManageOnboarding };
const SIGNATURES: NavItem =
    NavItem { path: "/signature-status", label: "Signature status", needs: Action::ReadSignatureStatus };
const AUDITS: NavItem = NavItem { path: "/audits", label: "Audits", needs: Action::ReadAudits };
const AUDIT_LIBRARY: NavItem =
    NavItem { path: "/audit-library", label: "Audit library", needs: Action::ManageAuditLibrary };
const ALERTS: NavItem = NavItem { path: "/alerts", label: "Alerts", needs: Action::WatchOperations };
const SLOS: NavItem = NavItem { path: "/slos", label: "SLOs", needs: Action::WatchOperations };
const OKRS: NavItem = NavItem { path: "/okrs", label: "OKRs", needs: Action::WatchOperations };
const DASHBOARDS: NavItem = NavItem { path: "/dashboards", label: "Dashboards", needs: Action::WatchOperations };

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

    /// Every role, least privileged first: the order a new user's role is
    /// offered in, so the form's default is the least privileged.
    pub const LEAST_PRIVILEGED_FIRST: &'static [Role] =
        &[Role::TenantMember, Role::TenantAdmin, Role::Auditor, Role::Finance, Role::Security, Role::OperatorAdmin];

    /// Read-only roles never change state.
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::Auditor)
    }

    /// May see every tenant (operator staff; auditors see their engagement's scope).
    pub fn sees_all_tenants(self) -> bool {
        matches!(self, Role::OperatorAdmin | Role::Security | Role::Finance)
    }

    /// Navigation entries, first one being the role's home screen.
    pub fn nav(self) -> &'static [NavItem] {
        match self {
            Role::OperatorAdmin => &[
                OVERVIEW,
                TENANTS,
                USERS,
                ONBOARDING,
                USAGE,
                INVOICES,
                PRICES,
                SIGNATURES,
                AUDITS,
                AUDIT_LIBRARY,
                AUDIT,
                ALERTS,
                SLOS,
                OKRS,
                DASHBOARDS,
                ACCOUNT,
            ],
            Role::Security => {
                &[OVERVIEW, AUDIT, SIGNATURES, AUDITS, AUDIT_LIBRARY, TENANTS, ALERTS, SLOS, OKRS, DASHBOARDS, ACCOUNT]
            }
            Role::Finance => &[OVERVIEW, TENANTS, USAGE, INVOICES, PRICES, ALERTS, SLOS, OKRS, DASHBOARDS, ACCOUNT],
            Role::TenantAdmin => &[
                OVERVIEW,
                KEYS,
                VERIFICATIONS,
                VERIFY,
                RECEIPTS,
                PACKS,
                USAGE,
                INVOICES,
                WEBHOOKS,
                USERS,
                AUDITS,
                ACCOUNT,
            ],
            Role::TenantMember => &[OVERVIEW, KEYS, VERIFICATIONS, VERIFY, RECEIPTS, PACKS, ACCOUNT],
            Role::Auditor => &[OVERVIEW, AUDITS, SIGNATURES, TENANTS, AUDIT, ACCOUNT],
        }
    }

    /// Whether this role may do `action`: the one permission table.
    pub fn may(self, action: Action) -> bool {
        use Role::{Auditor, Finance, OperatorAdmin, Security, TenantAdmin, TenantMember};
        match action {
            Action::UseAccount => true,
            Action::UseTenantWorkspace => matches!(self, TenantAdmin | TenantMember),
            Action::ManageTenantSettings => self == TenantAdmin,
            Action::ReadUsage => matches!(self, Finance | OperatorAdmin | TenantAdmin),
            Action::ManageUsers => matches!(self, OperatorAdmin | TenantAdmin),
            Action::ListTenants => matches!(self, OperatorAdmin | Security | Finance | Auditor),
            Action::ManageTenants | Action::ManagePrices | Action::ManageOnboarding => self == OperatorAdmin,
            Action::ReadPrices => matches!(self, OperatorAdmin | Finance),
            Action::ReadSignatureStatus | Action::ReadAuditLog => matches!(self, Auditor | Security | OperatorAdmin),
            Action::ManagePolicyRollout | Action::ManageAuditLibrary => matches!(self, Security | OperatorAdmin),
            Action::ManageAudits => matches!(self, Security | OperatorAdmin | TenantAdmin),
            Action::ReadAudits | Action::CommentOnAudits => {
                matches!(self, Security | OperatorAdmin | TenantAdmin | Auditor)
            }
            Action::AuditFieldwork | Action::AcceptNda => self == Auditor,
            Action::ManageSignerOverrides => self == Security,
            Action::WatchOperations => matches!(self, OperatorAdmin | Security | Finance),
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

    /// The whole matrix, written out: a change to who may do what changes this test.
    #[test]
    fn the_permission_matrix() {
        use Role::{
            Auditor as Au, Finance as Fi, OperatorAdmin as Op, Security as Se, TenantAdmin as Ta, TenantMember as Tm,
        };
        let expected: &[(Action, &[Role])] = &[
            (Action::UseAccount, &[Op, Se, Fi, Au, Ta, Tm]),
            (Action::UseTenantWorkspace, &[Ta, Tm]),
            (Action::ManageTenantSettings, &[Ta]),
            (Action::ReadUsage, &[Op, Fi, Ta]),
            (Action::ManageUsers, &[Op, Ta]),
            (Action::ListTenants, &[Op, Se, Fi, Au]),
            (Action::ManageTenants, &[Op]),
            (Action::ReadPrices, &[Op, Fi]),
            (Action::ManagePrices, &[Op]),
            (Action::ManageOnboarding, &[Op]),
            (Action::ReadSignatureStatus, &[Op, Se, Au]),
            (Action::ManagePolicyRollout, &[Op, Se]),
            (Action::ManageSignerOverrides, &[Se]),
            (Action::ReadAuditLog, &[Op, Se, Au]),
            (Action::ManageAudits, &[Op, Se, Ta]),
            (Action::ReadAudits, &[Op, Se, Ta, Au]),
            (Action::AuditFieldwork, &[Au]),
            (Action::CommentOnAudits, &[Op, Se, Ta, Au]),
            (Action::AcceptNda, &[Au]),
            (Action::ManageAuditLibrary, &[Op, Se]),
            (Action::WatchOperations, &[Op, Se, Fi]),
        ];
        assert_eq!(expected.len(), Action::ALL.len());
        for &(action, allowed) in expected {
            for &r in Role::ALL {
                assert_eq!(r.may(action), allowed.contains(&r), "{r:?} {action:?}");
            }
        }
        for r in Role::ALL {
            assert!(!r.is_read_only() || !r.may(Action::ManageTenants), "read-only roles change nothing");
        }
        // Auditors write only their fieldwork (requests, findings, comments, the answer to a pack) and the NDA.
        let auditor_writes: Vec<Action> = [
            Action::ManageTenantSettings,
            Action::ManageUsers,
            Action::ManageTenants,
            Action::ManagePrices,
            Action::ManageOnboarding,
            Action::ManagePolicyRollout,
            Action::ManageSignerOverrides,
            Action::ManageAudits,
            Action::ManageAuditLibrary,
            Action::WatchOperations,
        ]
        .into_iter()
        .filter(|a| Au.may(*a))
        .collect();
        assert_eq!(auditor_writes, Vec::<Action>::new());
    }

    /// Navigation follows the table: a role's links are exactly the pages it may use.
    #[test]
    fn navigation_follows_the_permission_table() {
        let pages = [
            OVERVIEW,
            TENANTS,
            USERS,
            KEYS,
            VERIFICATIONS,
            VERIFY,
            RECEIPTS,
            PACKS,
            AUDIT,
            ACCOUNT,
            USAGE,
            INVOICES,
            PRICES,
            WEBHOOKS,
            ONBOARDING,
            SIGNATURES,
            AUDITS,
            AUDIT_LIBRARY,
            ALERTS,
            SLOS,
            OKRS,
            DASHBOARDS,
        ];
        for &r in Role::ALL {
            let mut shown: Vec<&str> = r.nav().iter().map(|n| n.path).collect();
            let mut allowed: Vec<&str> = pages.iter().filter(|p| r.may(p.needs)).map(|p| p.path).collect();
            shown.sort_unstable();
            allowed.sort_unstable();
            assert_eq!(shown, allowed, "{r:?}");
        }
    }

    #[test]
    fn every_role_is_offered_once_least_privileged_first() {
        let mut offered = Role::LEAST_PRIVILEGED_FIRST.to_vec();
        assert_eq!(offered.first(), Some(&Role::TenantMember));
        offered.sort_by_key(|r| r.as_str());
        let mut all = Role::ALL.to_vec();
        all.sort_by_key(|r| r.as_str());
        assert_eq!(offered, all);
    }

    #[test]
    fn plans_parse() {
        assert_eq!(Plan::parse(" pro "), Ok(Plan::Pro));
        assert!(Plan::parse("gold").is_err());
    }
}
