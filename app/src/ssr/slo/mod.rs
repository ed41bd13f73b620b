//! Service level objectives: their definitions as OpenSLO files
//! ([`definitions`]), where each stands, measured from recorded events
//! ([`status`]), burn-rate alerts ([`alerts`]), and the prober that records
//! availability from outside the serving process ([`probe`], with a
//! [`synthetic`] verify). The arithmetic of SLIs, budgets and burn rates is pure
//! and lives in [`crate::domain::slo`].

pub mod alerts;
pub mod definitions;
pub mod probe;
pub mod status;
pub mod synthetic;
