//! API integration tests: each test starts the portal on port 0 with a fresh
//! database. SQLite by default; with `PORTAL_TEST_POSTGRES_URL` set, every test
//! runs on a fresh Postgres database instead (CI runs the suite both ways).

#![expect(clippy::unwrap_used, reason = "a test should fail loudly on any unexpected error")]

mod helpers;

mod abuse;
mod alerts;
mod audit;
mod audit_kit;
mod auth;
mod backup;
mod billing;
mod cli;
mod cli_console;
mod config;
mod console;
mod console_writes;
mod csrf;
mod entitlements;
mod health;
mod idempotency;
mod integrity;
mod invoice_documents;
mod invoicing;
mod keys;
mod leases;
mod onboarding;
mod openapi_walk;
mod overview;
mod packs;
mod policy;
mod policy_signers;
mod schema;
mod sla;
mod slo;
mod snapshots;
mod tenants;
mod trust;
mod users;
mod verify;
mod verify_page;
mod webhooks;
