//! Self-serve onboarding: invitations and the one server-side state machine
//! that the browser wizard and `trust-portal onboard` both drive.
//!
//! An operator creates an invitation (a random `tpi_…` token; only its
//! SHA-256 is stored) valid for some days. Following it starts the session
//! of that invitation or resumes it, from either client. Steps complete in
//! order and only when their checks pass (see [`crate::domain::onboarding`]);
//! going back is allowed; a failed check is stored with its reason and how to
//! fix it. Every view, completion, failure, step back, abandonment and
//! resumption is a telemetry event, which the funnel is computed from.
//! Completing step 5 uses the invitation up: its link then says so.
//!
//! [`invitations`] issue and check links; [`session`] is the state machine
//! over the [`model`];
//! [`steps`] holds each step's checks; [`funnel`] the telemetry.

pub mod funnel;
pub mod invitations;
pub mod model;
pub mod session;
pub mod steps;

pub use funnel::{funnel_sessions, mark_abandoned};
pub use invitations::{
    INVITE_PREFIX, LinkProblem, MAX_INVITE_DAYS, check_link, create_invitation, renew_invitation, request_new_link,
};
pub use model::{StepInput, Submitted, Via};
pub use session::{go_to, show, submit};
