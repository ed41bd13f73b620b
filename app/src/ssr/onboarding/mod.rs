//! Tenant onboarding: invitations, the wizard's session and its steps.

pub mod service;
