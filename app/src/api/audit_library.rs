//! The operator's evidence library: documents (uploaded through
//! `POST /audit-library/documents`), vendor attestations, recovery targets,
//! restore drills and the risk register (security and operator admins).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]
#![allow(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::domain::AppError;
use crate::domain::audit_kit::view::LibraryView;
use leptos::prelude::*;

/// The library: documents, vendor attestations, DR targets and drills, risks.
#[server(endpoint = "audit_library")]
pub async fn audit_library() -> Result<LibraryView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAuditLibrary).await?;
    crate::ssr::audit_kit::views::library(&state, &p).await
}

/// Verifies and stores a vendor attestation (a failing one is stored with its reason).
#[server(endpoint = "add_vendor_attestation")]
pub async fn add_vendor_attestation(
    vendor: String,
    title: String,
    kind: String,
    subject: String,
    evidence: String,
    #[server(default)] public_key: String,
    #[server(default)] identity: String,
    #[server(default)] issuer: String,
) -> Result<bool, AppError> {
    use crate::ssr::audit_kit::library::{self, VendorUpload};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAuditLibrary).await?;
    let up = VendorUpload { vendor, title, kind, subject, evidence, public_key, identity, issuer };
    let row = library::upload_vendor_attestation(&state, &p, up).await?;
    Ok(row.status == crate::domain::status::Verdict::Verified)
}

/// Sets the recovery targets (minutes).
#[server(endpoint = "set_dr_targets")]
pub async fn set_dr_targets(rpo_minutes: String, rto_minutes: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAuditLibrary).await?;
    crate::ssr::audit_kit::library::set_dr_targets(&state, &p, &rpo_minutes, &rto_minutes).await.map(|_| ())
}

/// Runs the restore drill now; returns whether it passed (its report is listed).
#[server(endpoint = "run_restore_drill")]
pub async fn run_restore_drill() -> Result<bool, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAuditLibrary).await?;
    Ok(crate::ssr::audit_kit::restore::run(&state, &p.email).await?.passed)
}

/// Reassesses a risk of the register.
#[server(endpoint = "update_risk")]
pub async fn update_risk(
    risk_id: String,
    likelihood: String,
    impact: String,
    mitigation: String,
    owner: String,
    #[server(default)] review_date: String,
) -> Result<(), AppError> {
    use crate::ssr::audit_kit::decisions::{self, RiskInput};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAuditLibrary).await?;
    let input = RiskInput { likelihood, impact, mitigation, owner, review_date };
    decisions::update_risk(&state, &p, &risk_id, input).await.map(|_| ())
}
