//! Service level objectives: their definitions as OpenSLO files
//! ([`definitions`]). The arithmetic of SLIs, budgets and burn rates is pure
//! and lives in [`crate::domain::slo`].

pub mod definitions;
