//! Reusable view pieces.

pub mod feedback;
pub mod layout;
pub mod sla_badge;

pub use feedback::{ErrorNotice, action_feedback};
pub use layout::{CurrentUserCtx, Layout};
pub use sla_badge::{SlaBadge, SlaBadgeView};
