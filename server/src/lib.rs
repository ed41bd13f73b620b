//! The `trust-portal` server: the axum application (portal pages, server
//! functions, the machine API under `/api/v1`, health and metrics) and the CLI.

pub mod cli;
pub mod middleware;
pub mod routes;
pub mod site;
pub mod startup;
pub mod telemetry;
