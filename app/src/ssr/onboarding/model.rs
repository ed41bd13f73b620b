//! What the onboarding state machine works on: which client drove a
//! transition, what a step was given, the live session and how it is saved.
//! A leaf: the machine, the steps and the telemetry all use it.

use crate::domain::AppError;
use crate::domain::onboarding::{OnboardingData, OnboardingView, RepoSource, Step};
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::{InvitationRow, OnboardingRow};

/// Which client drove a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The browser wizard.
    Browser,
    /// `trust-portal onboard`.
    Cli,
}

impl Via {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Via::Browser => "browser",
            Via::Cli => "cli",
        }
    }
}

/// What a step was given. (No `Debug`: details carry the admin's password.)
#[derive(Clone)]
pub enum StepInput {
    /// Step 1.
    Details {
        /// Company name.
        name: String,
        /// URL handle.
        slug: String,
        /// Plan.
        plan: String,
        /// Tenant admin's name.
        admin_name: String,
        /// Tenant admin's e-mail (their login).
        admin_email: String,
        /// Tenant admin's password (checked against the policy; stored as argon2id).
        admin_password: String,
    },
    /// Step 2.
    Webhook {
        /// Where deliveries go.
        url: String,
    },
    /// Step 3.
    Policy {
        /// The version picked.
        version: i64,
    },
    /// Step 4.
    Repository {
        /// `owner/name`.
        repo: String,
        /// Releases API or packs already uploaded.
        source: RepoSource,
        /// The pack-signing public key (PEM), when the tenant has none yet.
        public_key: Option<String>,
        /// The pack itself, for [`crate::domain::onboarding::RepoSource::Upload`].
        pack: Option<Vec<u8>>,
    },
    /// Step 5.
    Finish,
}

impl StepInput {
    /// The step this input is for.
    pub fn step(&self) -> Step {
        match self {
            StepInput::Details { .. } => Step::Details,
            StepInput::Webhook { .. } => Step::Webhook,
            StepInput::Policy { .. } => Step::Policy,
            StepInput::Repository { .. } => Step::Repository,
            StepInput::Finish => Step::Finish,
        }
    }
}

/// The result of submitting a step.
pub struct Submitted {
    /// The session now (with the failure, if the checks failed).
    pub view: OnboardingView,
    /// Step 5 only: the tenant's first API key, shown this once.
    pub api_key: Option<String>,
}

/// A live session with its invitation.
pub(crate) struct Session {
    pub(crate) invitation: InvitationRow,
    pub(crate) row: OnboardingRow,
    pub(crate) data: OnboardingData,
}

pub(crate) async fn save(state: &AppState, s: &mut Session) -> Result<(), AppError> {
    s.row.data = serde_json::to_string(&s.data).map_err(log_internal)?;
    Ok(state.db.save_onboarding(&s.row).await?)
}
