//! An engagement's fieldwork: the checklist, the evidence, requests and
//! samples, findings, comments and decisions. Auditors raise requests, draw
//! samples, file findings, comment and answer; the owner's staff answer
//! requests, remediate, comment and decide. Every read an auditor makes is
//! in the access log.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]
#![allow(clippy::too_many_arguments, reason = "one argument per form field")]

use crate::domain::AppError;
use crate::domain::audit_kit::view::{ChecklistView, DecisionsView, EvidenceView, FindingsView, RequestsView};
use leptos::prelude::*;

/// The checklist, evaluated now from live evidence.
#[server(endpoint = "engagement_checklist")]
pub async fn engagement_checklist(engagement_id: String) -> Result<ChecklistView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::checklist(&state, &p, &engagement_id).await
}

/// Adds a manual checklist item (with an evidence document, optionally).
#[server(endpoint = "add_checklist_item")]
pub async fn add_checklist_item(
    engagement_id: String,
    title: String,
    #[server(default)] document_id: String,
) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let doc = Some(document_id.as_str()).filter(|d| !d.trim().is_empty());
    crate::ssr::audit_kit::checklist::add_item(&state, &p, &engagement_id, &title, doc).await.map(|_| ())
}

/// Ticks (`ticked` = `yes`) or unticks a manual item.
#[server(endpoint = "tick_checklist_item")]
pub async fn tick_checklist_item(engagement_id: String, item_id: String, ticked: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::checklist::tick(&state, &p, &engagement_id, &item_id, ticked == "yes").await
}

/// The compliance pack's contents within the scope.
#[server(endpoint = "engagement_evidence")]
pub async fn engagement_evidence(engagement_id: String) -> Result<EvidenceView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::evidence(&state, &p, &engagement_id).await
}

/// Evidence requests and samples.
#[server(endpoint = "engagement_requests")]
pub async fn engagement_requests(engagement_id: String) -> Result<RequestsView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::requests(&state, &p, &engagement_id).await
}

/// Raises an evidence request (the auditor).
#[server(endpoint = "raise_request")]
pub async fn raise_request(
    engagement_id: String,
    title: String,
    #[server(default)] detail: String,
) -> Result<String, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AuditFieldwork).await?;
    Ok(crate::ssr::audit_kit::fieldwork::raise_request(&state, &p, &engagement_id, &title, &detail).await?.reference)
}

/// Names who answers a request (the owner's staff).
#[server(endpoint = "assign_request")]
pub async fn assign_request(engagement_id: String, request_id: String, owner: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::fieldwork::assign_request(&state, &p, &engagement_id, &request_id, &owner).await.map(|_| ())
}

/// The auditor reviews a request's evidence: `accepted` or `changes_requested`.
#[server(endpoint = "review_request")]
pub async fn review_request(engagement_id: String, request_id: String, decision: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AuditFieldwork).await?;
    let accept = match decision.as_str() {
        "accepted" => true,
        "changes_requested" => false,
        _ => return Err(AppError::invalid("Decision", "accepted or changes_requested")),
    };
    crate::ssr::audit_kit::fieldwork::review_request(&state, &p, &engagement_id, &request_id, accept).await.map(|_| ())
}

/// Draws a sample (the auditor): `population` is `packs` or `verifications`.
#[server(endpoint = "draw_sample")]
pub async fn draw_sample(
    engagement_id: String,
    population: String,
    size: String,
    #[server(default)] request_id: String,
) -> Result<String, AppError> {
    use crate::ssr::audit_kit::fieldwork::{self, Population};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AuditFieldwork).await?;
    let size: usize = size.trim().parse().map_err(|_| AppError::invalid("Sample size", "a whole number"))?;
    let which = Population::parse(&population)?;
    let request = Some(request_id.as_str()).filter(|r| !r.trim().is_empty());
    Ok(fieldwork::draw_sample(&state, &p, &engagement_id, which, size, request).await?.id)
}

/// The findings and the acceptance rule.
#[server(endpoint = "engagement_findings")]
pub async fn engagement_findings(engagement_id: String) -> Result<FindingsView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::findings(&state, &p, &engagement_id).await
}

/// Files a finding (the auditor).
#[server(endpoint = "file_finding")]
pub async fn file_finding(
    engagement_id: String,
    title: String,
    detail: String,
    kind: String,
    severity: String,
) -> Result<String, AppError> {
    use crate::ssr::audit_kit::fieldwork::{self, NewFinding};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::AuditFieldwork).await?;
    let f = fieldwork::file_finding(&state, &p, &engagement_id, NewFinding { title, detail, kind, severity }).await?;
    Ok(f.reference)
}

/// Records a finding's remediation (the owner's staff).
#[server(endpoint = "remediate_finding")]
pub async fn remediate_finding(
    engagement_id: String,
    finding_id: String,
    #[server(default)] root_cause: String,
    #[server(default)] corrective_action: String,
    #[server(default)] owner: String,
    #[server(default)] due_date: String,
    status: String,
    #[server(default)] effectiveness: String,
) -> Result<(), AppError> {
    use crate::ssr::audit_kit::fieldwork::{self, Remediation};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let r = Remediation { root_cause, corrective_action, owner, due_date, status, effectiveness };
    fieldwork::remediate(&state, &p, &engagement_id, &finding_id, r).await.map(|_| ())
}

/// Adds a comment to a finding's or request's thread (either side).
#[server(endpoint = "add_audit_comment")]
pub async fn add_audit_comment(engagement_id: String, subject: String, body: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::CommentOnAudits).await?;
    crate::ssr::audit_kit::fieldwork::comment(&state, &p, &engagement_id, &subject, &body).await.map(|_| ())
}

/// Decisions (every version) and the engagement's risks.
#[server(endpoint = "engagement_decisions")]
pub async fn engagement_decisions(engagement_id: String) -> Result<DecisionsView, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadAudits).await?;
    crate::ssr::audit_kit::views::decisions(&state, &p, &engagement_id).await
}

/// Records a decision (`general`, or `risk_acceptance` naming a finding).
#[server(endpoint = "record_decision")]
pub async fn record_decision(
    engagement_id: String,
    #[server(default)] kind: String,
    title: String,
    rationale: String,
    owner: String,
    decided_on: String,
    #[server(default)] finding_ref: String,
) -> Result<String, AppError> {
    use crate::ssr::audit_kit::decisions::{self, DecisionInput};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let d = DecisionInput::parse(&kind, &title, &rationale, &owner, &decided_on, &finding_ref)?;
    Ok(decisions::record(&state, &p, &engagement_id, d).await?.reference)
}

/// Records a new version of a decision (the earlier versions stay).
#[server(endpoint = "revise_decision")]
pub async fn revise_decision(
    engagement_id: String,
    reference: String,
    kind: String,
    title: String,
    rationale: String,
    owner: String,
    decided_on: String,
    #[server(default)] finding_ref: String,
) -> Result<i64, AppError> {
    use crate::ssr::audit_kit::decisions::{self, DecisionInput};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    let d = DecisionInput::parse(&kind, &title, &rationale, &owner, &decided_on, &finding_ref)?;
    Ok(decisions::revise(&state, &p, &engagement_id, &reference, d).await?.version)
}

/// Links a risk of the register to the engagement.
#[server(endpoint = "link_risk")]
pub async fn link_risk(engagement_id: String, risk_id: String) -> Result<(), AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManageAudits).await?;
    crate::ssr::audit_kit::decisions::link_risk(&state, &p, &engagement_id, &risk_id).await
}
