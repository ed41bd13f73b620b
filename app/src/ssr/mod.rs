//! Server-only services (feature `ssr`), one folder per feature. Server
//! functions and the REST API both call these; neither owns rules.
//!
//! Features: [`identity`] (who is calling), [`verification`] (the Attestation
//! API's engine, receipts and trust material), [`evidence`] (release packs),
//! [`policy`] (signed policy bundles, adoption, drills), [`billing`] (usage,
//! ledger, invoices, entitlements), [`onboarding`] (the tenant wizard),
//! [`webhooks`] (signing and delivery), [`audit_kit`] (external audit
//! engagements), [`slo`] (service level objectives). Platform: [`state`],
//! [`config`], [`clock`], [`cookies`], [`error`], [`audit`] (the hash-chained
//! log), [`alerting`], [`drill_run`], [`rate_limit`], [`sla`]. [`store`] is the one place for SQL.

pub mod alert_rules;
pub mod alerting;
pub mod audit;
pub mod audit_kit;
pub mod audit_log;
pub mod backup;
pub mod billing;
pub mod business_metrics;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod dashboard;
pub mod drill_run;
pub mod error;
pub mod evidence;
pub mod identity;
pub mod okrs;
pub mod onboarding;
pub mod overview;
pub mod policy;
pub mod rate_limit;
pub mod sla;
pub mod sla_badge;
pub mod slo;
pub mod state;
pub mod store;
pub mod verification;
pub mod webhooks;

pub use state::AppState;
