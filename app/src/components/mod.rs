//! Reusable view pieces.

pub mod audit_status;
pub mod charts;
pub mod confirm;
pub mod data_table;
pub mod entitlements_note;
pub mod feedback;
pub mod layout;
pub mod onboard_wizard;
pub mod page_links;
pub mod short_id;
pub mod sla_badge;
pub mod ui;
pub mod usage_panel;

pub use audit_status::AuditStatus;
pub use confirm::Confirm;
pub use data_table::DataTable;
pub use entitlements_note::EntitlementsNote;
pub use feedback::{ErrorNotice, action_error, action_feedback, cleared_on_success};
pub use layout::{CurrentUserCtx, Layout};
pub use onboard_wizard::{OnboardWizard, WizardActions};
pub use page_links::PageLinks;
pub use short_id::ShortId;
pub use sla_badge::{SlaBadge, SlaBadgeView};
pub use usage_panel::UsagePanel;
