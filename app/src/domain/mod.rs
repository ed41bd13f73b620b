//! Pure types and rules shared by the server and the browser. No IO here.

pub mod adoption;
pub mod alert_rules;
pub mod alerts;
pub mod api_scope;
pub mod audit_kit;
pub mod audit_log;
pub mod call_days;
pub mod chart;
pub mod cursor;
pub mod dashboard;
pub mod drill;
pub mod entitlements;
pub mod error;
pub mod identity;
pub mod ids;
pub mod invoice;
pub mod money;
pub mod okr;
pub mod onboarding;
pub mod overview;
pub mod period;
pub mod policy_signers;
pub mod receipt_check;
pub mod receipt_search;
pub mod reconciliation;
pub mod revealed;
pub mod sla;
pub mod slo;
pub mod status;
pub mod text;
pub mod unique_json;
pub mod usage;
pub mod verify_form;
pub mod workflow;

pub use error::{AppError, ErrorCode};
pub use identity::{Action, OrgKind, Plan, Role};
