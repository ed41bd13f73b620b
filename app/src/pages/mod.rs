//! One module per route.
//!
//! Every page is a lazy route: its code is a separate wasm chunk, fetched the
//! first time the route is used, so the first load carries only the shell.
//! Pages create their resources and actions in `view`, not in `data`: `data`
//! runs in the main bundle, and each page's fetch and serde code there added
//! about 27 kB (raw) to every first load (measured with `bench/first-load.mjs`).
//! The cost is one small same-origin chunk request before a page's data on its
//! first client-side visit; server-rendered loads are unaffected.

pub mod account;
pub mod alerts;
pub mod audit_join;
pub mod audit_library;
pub mod audit_log;
pub mod audits;
pub mod dashboards;
pub mod engagement;
pub mod home;
pub mod invoices;
pub mod keys;
pub mod login;
pub mod not_found;
pub mod okrs;
pub mod onboard;
pub mod onboarding;
pub mod overview;
pub mod packs;
pub mod prices;
pub mod receipts;
pub mod signature_status;
pub mod slos;
pub mod tenants;
pub mod usage;
pub mod users;
pub mod verifications;
pub mod verify;
pub mod webhooks;
