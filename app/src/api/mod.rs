//! Server functions, one file per feature. Each is a public endpoint: it
//! parses its inputs into domain types, checks the caller's role and tenant,
//! calls the `ssr` services and maps errors to [`crate::domain::AppError`].
//! Endpoints are named explicitly so their URLs (`/api/<name>`) are stable.

pub mod audit;
pub mod audit_fieldwork;
pub mod audit_library;
pub mod audits;
pub mod auth;
pub mod evidence;
#[cfg(feature = "ssr")]
mod flash;
pub mod invoices;
pub mod keys;
pub mod onboarding;
pub mod operations;
pub mod overview;
pub mod policy_signers;
pub mod prices;
pub mod signature_status;
pub mod sla;
pub mod tenants;
pub mod usage;
pub mod users;
pub mod verifications;
pub mod webhooks;
