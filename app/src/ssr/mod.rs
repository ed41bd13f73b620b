//! Server-only services (feature `ssr`): configuration, state, storage,
//! authentication, the audit log and SLA measurement. Server functions and the
//! REST API both call these; neither owns rules.

pub mod accounts;
pub mod alerts;
pub mod attestation;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod clock;
pub mod config;
pub mod drill;
pub mod dsse;
pub mod entitlements;
pub mod error;
pub mod evidence;
pub mod group_commit;
pub mod idempotency;
pub mod invoicing;
pub mod ledger;
pub mod onboarding;
pub mod packs;
pub mod policy;
pub mod policy_bundle;
pub mod public_key;
pub mod rate_limit;
pub mod receipts;
pub mod releases;
pub mod signature_status;
pub mod signing;
pub mod sla;
pub mod ssrf;
pub mod state;
pub mod store;
pub mod strict_zip;
pub mod trust;
pub mod usage;
pub mod usage_schema;
pub mod verifier;
pub mod webhook_delivery;
pub mod webhooks;

pub use state::AppState;
