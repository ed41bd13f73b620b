//! The `trust-portal` server: the axum application (portal pages, server
//! functions, the machine API under `/api/v1`, health and metrics) and the CLI.

pub mod cli;
pub mod demo;
pub mod invoice_cli;
pub mod middleware;
pub mod onboard_cli;
pub mod pack_cli;
pub mod policy_cli;
pub mod remote;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod verify_cli;
