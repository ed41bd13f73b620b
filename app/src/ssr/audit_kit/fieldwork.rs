//! Fieldwork: evidence requests, samples, findings and their threads.
//!
//! The auditor raises requests (`REQ-001`), draws samples, files findings
//! (`FND-001`) and comments; the owner's staff answer requests with evidence
//! (see [`super::library::upload_document`]), remediate findings and comment.
//! A finding is closed only with an effectiveness check, and its risk is
//! accepted only by a risk-acceptance decision ([`super::decisions`]).

use super::{MAX_TEXT_CHARS, MAX_TITLE_CHARS, day_field, lookup, optional_field, text_field};
use crate::domain::audit_kit::{FindingKind, FindingStatus, RequestStatus, Severity, reference};
use crate::domain::ids::{CommentId, FindingId, RequestId, SampleId};
use crate::domain::period::Day;
use crate::domain::{Action, AppError, ErrorCode};
use crate::ssr::AppState;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{AuditTable, CommentRow, EngagementRow, FindingRow, RequestRow, SampleRow};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

fn conflict(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::Conflict, message)
}

/// Raises an evidence request (the auditor).
pub async fn raise_request(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    title: &str,
    detail: &str,
) -> Result<RequestRow, AppError> {
    let e = lookup::for_fieldwork(state, p, engagement_id).await?;
    let title = text_field("Title", title, MAX_TITLE_CHARS, false)?;
    let detail = optional_field("Detail", detail, MAX_TEXT_CHARS)?.unwrap_or_default();
    let now = state.now_ms();
    let mut tx = state.db.transaction().await?;
    let n = tx.count_of_engagement(AuditTable::Requests, &e.id).await? + 1;
    let row = RequestRow {
        id: state.new_id(RequestId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        reference: reference("REQ", n),
        title,
        detail,
        owner: None,
        status: RequestStatus::Outstanding,
        evidence_date: None,
        raised_by: p.email.clone(),
        raised_at: now,
        updated_at: now,
    };
    tx.insert_request(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(&mut tx, state, &p.email, &e, "audit.request.raised", &format!("{} {}", row.reference, row.title))
        .await?;
    tx.commit().await?;
    Ok(row)
}

/// Names who answers a request (the owner's staff).
pub async fn assign_request(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    request_id: &str,
    owner: &str,
) -> Result<RequestRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let owner = text_field("Owner", owner, MAX_TITLE_CHARS, false)?;
    let mut tx = state.db.transaction().await?;
    let mut r = tx.request(&e.id, request_id.trim()).await?.ok_or_else(|| AppError::not_found("Request"))?;
    r.owner = Some(owner);
    r.updated_at = state.now_ms();
    tx.update_request(&r).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.request.assigned",
        &format!("{} owner={}", r.reference, r.owner.as_deref().unwrap_or("")),
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// The auditor's review of the evidence supplied for a request: accepted, or changes requested.
pub async fn review_request(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    request_id: &str,
    accept: bool,
) -> Result<RequestRow, AppError> {
    let e = lookup::for_fieldwork(state, p, engagement_id).await?;
    let mut tx = state.db.transaction().await?;
    let mut r = tx.request(&e.id, request_id.trim()).await?.ok_or_else(|| AppError::not_found("Request"))?;
    if r.status != RequestStatus::InReview {
        return Err(conflict(format!("{} has no evidence waiting for review ({})", r.reference, r.status.label())));
    }
    r.status = if accept { RequestStatus::Accepted } else { RequestStatus::ChangesRequested };
    r.updated_at = state.now_ms();
    tx.update_request(&r).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(&mut tx, state, &p.email, &e, "audit.request.reviewed", &format!("{} {}", r.reference, r.status))
        .await?;
    tx.commit().await?;
    Ok(r)
}

/// What can be sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// Release packs of the scope uploaded in the period under review.
    Packs,
    /// Attestation API calls of the scope's tenants in the period under review.
    Verifications,
}

impl Population {
    /// Parses the form's spelling.
    pub fn parse(s: &str) -> Result<Self, AppError> {
        match s.trim() {
            "packs" => Ok(Self::Packs),
            "verifications" => Ok(Self::Verifications),
            _ => Err(AppError::invalid("Population", "choose packs or verifications")),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Packs => "packs",
            Self::Verifications => "verifications",
        }
    }
}

/// One item of a population, as fixed in a sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleItem {
    /// The object's id.
    pub id: String,
    /// What it is, for people.
    pub label: String,
    /// Its digest or outcome when drawn.
    pub digest: String,
}

/// Most items one sample may hold.
pub const MAX_SAMPLE: usize = 100;
/// Most items a population is read from.
const MAX_POPULATION: i64 = 100_000;

/// The population's items in scope and in the period under review.
async fn population(state: &AppState, e: &EngagementRow, which: Population) -> Result<Vec<SampleItem>, AppError> {
    let scope = super::engagements::current_scope(state, &e.id).await?;
    let tenants = super::access::id_set(Some(&scope.tenants))?;
    let repos = super::access::id_set(Some(&scope.repos))?;
    let from = Day::parse(&e.period_start).map_err(crate::ssr::error::log_internal)?.start_ms();
    let to = Day::parse(&e.period_end).map_err(crate::ssr::error::log_internal)?.end_ms();
    let mut items = Vec::new();
    for org in &tenants {
        match which {
            Population::Packs => {
                for pk in state.db.packs(org, MAX_POPULATION).await? {
                    if (repos.is_empty() || repos.contains(&pk.repo)) && (from..to).contains(&pk.created_at) {
                        items.push(SampleItem {
                            label: format!("{}@{} ({})", pk.repo, pk.tag, pk.status),
                            digest: format!("sha256:{}", pk.sha256),
                            id: pk.id,
                        });
                    }
                }
            }
            Population::Verifications => {
                for v in state.db.verifications(org, MAX_POPULATION).await? {
                    if (from..to).contains(&v.created_at) {
                        items.push(SampleItem {
                            label: format!(
                                "{} {} {}",
                                v.kind,
                                v.outcome,
                                crate::domain::period::display_time(v.created_at)
                            ),
                            digest: v.subject_sha256.map_or_else(|| "-".into(), |d| format!("sha256:{d}")),
                            id: v.id,
                        });
                    }
                }
            }
        }
    }
    Ok(items)
}

/// The draw: items ranked by SHA-256(seed ‖ id), the lowest `n` taken. Anyone
/// with the seed and the population can perform it again.
pub fn draw(mut items: Vec<SampleItem>, seed: &str, n: usize) -> Vec<SampleItem> {
    let rank = |i: &SampleItem| Sha256::digest(format!("{seed}{}", i.id).as_bytes());
    items.sort_by_cached_key(rank);
    items.truncate(n);
    items
}

/// Draws a sample of `size` items (the auditor); the items are fixed as they are now.
pub async fn draw_sample(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    which: Population,
    size: usize,
    request_id: Option<&str>,
) -> Result<SampleRow, AppError> {
    let e = lookup::for_fieldwork(state, p, engagement_id).await?;
    if !(1..=MAX_SAMPLE).contains(&size) {
        return Err(AppError::invalid("Sample size", format!("between 1 and {MAX_SAMPLE}")));
    }
    let items = population(state, &e, which).await?;
    if items.is_empty() {
        return Err(AppError::invalid("Population", "holds no items in scope and in the period under review"));
    }
    let seed = hex::encode(rand::random::<[u8; 16]>());
    let size_all = items.len();
    let drawn = draw(items, &seed, size);
    let mut tx = state.db.transaction().await?;
    let request_id = match request_id.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(tx.request(&e.id, r).await?.ok_or_else(|| AppError::not_found("Request"))?.id),
        None => None,
    };
    let row = SampleRow {
        id: state.new_id(SampleId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        request_id,
        population: which.as_str().into(),
        population_size: i64::try_from(size_all).unwrap_or(i64::MAX),
        seed,
        items: serde_json::to_string(&drawn).map_err(crate::ssr::error::log_internal)?,
        drawn_by: p.email.clone(),
        drawn_at: state.now_ms(),
    };
    tx.insert_sample(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.sample.drawn",
        &format!("{} of {} {} seed={}", drawn.len(), size_all, row.population, row.seed),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A finding as the auditor files it.
#[derive(Debug, Clone, Default)]
pub struct NewFinding {
    /// Short title.
    pub title: String,
    /// The condition found.
    pub detail: String,
    /// `observation`, `minor`, `major`.
    pub kind: String,
    /// `low`, `medium`, `high`.
    pub severity: String,
}

/// Files a finding (the auditor).
pub async fn file_finding(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    new: NewFinding,
) -> Result<FindingRow, AppError> {
    let e = lookup::for_fieldwork(state, p, engagement_id).await?;
    let title = text_field("Title", &new.title, MAX_TITLE_CHARS, false)?;
    let detail = text_field("Detail", &new.detail, MAX_TEXT_CHARS, true)?;
    let kind = FindingKind::parse(&new.kind).map_err(|why| AppError::invalid("Kind", why))?;
    let severity = Severity::parse(&new.severity).map_err(|why| AppError::invalid("Severity", why))?;
    let now = state.now_ms();
    let mut tx = state.db.transaction().await?;
    let n = tx.count_of_engagement(AuditTable::Findings, &e.id).await? + 1;
    let row = FindingRow {
        id: state.new_id(FindingId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        reference: reference("FND", n),
        title,
        detail,
        kind,
        severity,
        root_cause: None,
        corrective_action: None,
        owner: None,
        due_date: None,
        status: FindingStatus::Open,
        effectiveness: None,
        raised_by: p.email.clone(),
        raised_at: now,
        updated_at: now,
        closed_at: None,
    };
    tx.insert_finding(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.finding.filed",
        &format!("{} kind={} severity={} {}", row.reference, row.kind, row.severity, row.title),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A finding's remediation, as the owner's staff record it.
#[derive(Debug, Clone, Default)]
pub struct Remediation {
    /// Why it happened.
    pub root_cause: String,
    /// What fixes it.
    pub corrective_action: String,
    /// Who remediates it.
    pub owner: String,
    /// Due (`YYYY-MM-DD`), or empty.
    pub due_date: String,
    /// `open`, `remediating` or `closed`.
    pub status: String,
    /// How the fix was shown to work (needed to close).
    pub effectiveness: String,
}

/// Records a finding's remediation (the owner's staff). Closing needs an
/// effectiveness check; accepting the risk needs a risk-acceptance decision;
/// a closed finding or an accepted risk does not change any more.
pub async fn remediate(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    finding_id: &str,
    r: Remediation,
) -> Result<FindingRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let status = FindingStatus::parse(&r.status).map_err(|why| AppError::invalid("Status", why))?;
    if status == FindingStatus::AcceptedRisk {
        return Err(AppError::invalid("Status", "a risk is accepted by recording a risk-acceptance decision"));
    }
    let effectiveness = optional_field("Effectiveness check", &r.effectiveness, MAX_TEXT_CHARS)?;
    if status == FindingStatus::Closed && effectiveness.is_none() {
        return Err(AppError::invalid("Effectiveness check", "say how the fix was shown to work before closing"));
    }
    let due_date = match r.due_date.trim() {
        "" => None,
        d => Some(day_field("Due date", d)?.to_string()),
    };
    let now = state.now_ms();
    let mut tx = state.db.transaction().await?;
    let mut f = tx.finding(&e.id, finding_id.trim()).await?.ok_or_else(|| AppError::not_found("Finding"))?;
    if !f.status.is_outstanding() {
        return Err(conflict(format!(
            "{} is {} and does not change any more",
            f.reference,
            f.status.label().to_lowercase()
        )));
    }
    f.root_cause = optional_field("Root cause", &r.root_cause, MAX_TEXT_CHARS)?;
    f.corrective_action = optional_field("Corrective action", &r.corrective_action, MAX_TEXT_CHARS)?;
    f.owner = optional_field("Owner", &r.owner, MAX_TITLE_CHARS)?;
    f.due_date = due_date;
    f.status = status;
    f.effectiveness = effectiveness;
    f.updated_at = now;
    f.closed_at = (status == FindingStatus::Closed).then_some(now);
    tx.update_finding(&f).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.finding.remediation",
        &format!(
            "{} status={} owner={} due={}",
            f.reference,
            f.status,
            f.owner.as_deref().unwrap_or("-"),
            f.due_date.as_deref().unwrap_or("-")
        ),
    )
    .await?;
    tx.commit().await?;
    super::alerts::sync_after_change(state).await;
    Ok(f)
}

/// Adds a comment to a finding's or request's thread (both sides of the engagement).
pub async fn comment(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    subject: &str,
    body: &str,
) -> Result<CommentRow, AppError> {
    p.require(Action::CommentOnAudits)?;
    let e = lookup::visible(state, p, engagement_id).await?;
    let body = text_field("Comment", body, MAX_TEXT_CHARS, true)?;
    let mut tx = state.db.transaction().await?;
    let subject = subject.trim();
    let about = match (tx.finding(&e.id, subject).await?, tx.request(&e.id, subject).await?) {
        (Some(f), _) => f.reference,
        (None, Some(r)) => r.reference,
        (None, None) => return Err(AppError::not_found("Finding or request")),
    };
    let row = CommentRow {
        id: state.new_id(CommentId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        subject: subject.to_owned(),
        author: p.email.clone(),
        author_role: p.role.as_str().into(),
        body,
        at: state.now_ms(),
    };
    tx.insert_comment(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(
        &mut tx,
        state,
        &p.email,
        &e,
        "audit.comment.added",
        &format!("on {about} ({} characters)", row.body.chars().count()),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<SampleItem> {
        (0..n).map(|i| SampleItem { id: format!("pack_{i}"), label: String::new(), digest: String::new() }).collect()
    }

    #[test]
    fn a_draw_can_be_performed_again_from_its_seed() {
        let a = draw(items(50), "00ff", 5);
        let mut shuffled = items(50);
        shuffled.reverse();
        assert_eq!(a, draw(shuffled, "00ff", 5), "the population's order does not matter");
        assert_ne!(a, draw(items(50), "0100", 5), "another seed draws other items");
        assert_eq!(draw(items(3), "00", 10).len(), 3);
    }
}
