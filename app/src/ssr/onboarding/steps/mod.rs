//! The five steps' checks, one file each, and how a refusal is told.

pub mod details;
pub mod finish;
pub mod policy;
pub mod repository;
pub mod webhook;

pub(crate) use details::details;
pub(crate) use finish::finish;
pub(crate) use policy::policy;
pub(crate) use repository::repository;
pub(crate) use webhook::webhook;

use super::model::Session;
use crate::domain::onboarding::{Failure, Step};
use crate::domain::{AppError, ErrorCode};
use crate::ssr::store::StoreError;

/// A step that did not complete: a failed check (stored and shown), or the
/// portal's own error (returned as is).
pub(crate) enum Refusal {
    Failed(Failure),
    Error(AppError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Error(e.into())
    }
}

pub(crate) fn failed(step: Step, reason: &str, message: impl Into<String>, fix: impl Into<String>) -> Refusal {
    Refusal::Failed(Failure { step: step.number(), reason: reason.into(), message: message.into(), fix: fix.into() })
}

/// Input that does not parse fails the step with the field's message.
pub(crate) fn invalid(step: Step) -> impl Fn(AppError) -> Refusal {
    move |e| match e.code {
        ErrorCode::InvalidInput | ErrorCode::Conflict => {
            let reason = if e.code == ErrorCode::Conflict { "conflict" } else { "invalid_input" };
            failed(step, reason, e.message, "correct the field and submit again")
        }
        _ => Refusal::Error(e),
    }
}

pub(crate) fn org_of(s: &Session) -> Result<String, Refusal> {
    s.row
        .org_id
        .clone()
        .ok_or_else(|| Refusal::Error(AppError::new(ErrorCode::Conflict, "Step 1 has not created the tenant yet.")))
}
