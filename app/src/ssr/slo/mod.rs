//! Service level objectives: their definitions as OpenSLO files
//! ([`definitions`]) and where each stands, measured from recorded events
//! ([`status`]). The arithmetic of SLIs, budgets and burn rates is pure
//! and lives in [`crate::domain::slo`].

pub mod definitions;
pub mod status;
