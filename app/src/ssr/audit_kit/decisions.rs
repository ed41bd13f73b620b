//! The Decisions log and the risk register.
//!
//! A decision is never edited: a change is a new version under the same
//! reference (`DEC-003` v2), and every version is in the hash-chained audit
//! log. A risk-acceptance decision names a finding and moves it to "accepted
//! risk" in the same unit of work; a scope-delta decision is recorded by the
//! scope change it allows ([`super::engagements::change_scope`]).

use super::{MAX_TEXT_CHARS, MAX_TITLE_CHARS, day_field, lookup, text_field};
use crate::domain::AppError;
use crate::domain::audit_kit::{DecisionKind, FindingStatus, Level, reference};
use crate::domain::ids::DecisionId;
use crate::domain::period::Day;
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{DecisionRow, EngagementRow, RiskRow, Tx};

/// A decision as given from outside, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    /// General, scope delta or risk acceptance.
    pub kind: DecisionKind,
    /// What was decided.
    pub title: String,
    /// Why.
    pub rationale: String,
    /// Who owns it.
    pub owner: String,
    /// When it was decided.
    pub decided_on: Day,
    /// The finding it is about (`FND-001`), for a risk acceptance.
    pub finding_ref: Option<String>,
}

impl DecisionInput {
    /// Checks the form fields of a decision.
    pub fn parse(
        kind: &str,
        title: &str,
        rationale: &str,
        owner: &str,
        decided_on: &str,
        finding_ref: &str,
    ) -> Result<Self, AppError> {
        let kind = if kind.trim().is_empty() {
            DecisionKind::General
        } else {
            DecisionKind::parse(kind).map_err(|e| AppError::invalid("Kind", e))?
        };
        let finding_ref = Some(finding_ref.trim().to_owned()).filter(|f| !f.is_empty());
        if kind == DecisionKind::RiskAcceptance && finding_ref.is_none() {
            return Err(AppError::invalid("Finding", "a risk acceptance names the finding whose risk it accepts"));
        }
        Ok(Self {
            kind,
            title: text_field("Title", title, MAX_TITLE_CHARS, false)?,
            rationale: text_field("Rationale", rationale, MAX_TEXT_CHARS, true)?,
            owner: text_field("Owner", owner, MAX_TITLE_CHARS, false)?,
            decided_on: day_field("Decided on", decided_on)?,
            finding_ref,
        })
    }
}

/// Writes version 1 of a new decision inside `tx` (the caller commits).
/// A risk acceptance moves its finding to "accepted risk".
pub(super) async fn insert_new(
    tx: &mut Tx<'_>,
    state: &AppState,
    e: &EngagementRow,
    actor: &str,
    d: &DecisionInput,
    scope_version: Option<i64>,
) -> Result<DecisionRow, AppError> {
    let n = tx.decision_count(&e.id).await? + 1;
    insert_version(tx, state, e, actor, d, reference("DEC", n), 1, scope_version).await
}

#[expect(clippy::too_many_arguments, reason = "one row's parts, named at the two call sites")]
async fn insert_version(
    tx: &mut Tx<'_>,
    state: &AppState,
    e: &EngagementRow,
    actor: &str,
    d: &DecisionInput,
    reference: String,
    version: i64,
    scope_version: Option<i64>,
) -> Result<DecisionRow, AppError> {
    let finding = match &d.finding_ref {
        None => None,
        Some(r) => Some(
            tx.finding_by_ref(&e.id, r)
                .await?
                .ok_or_else(|| AppError::invalid("Finding", format!("{r} is not a finding of this engagement")))?,
        ),
    };
    let row = DecisionRow {
        id: state.new_id(DecisionId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        reference,
        version,
        kind: d.kind,
        title: d.title.clone(),
        rationale: d.rationale.clone(),
        owner: d.owner.clone(),
        decided_on: d.decided_on.to_string(),
        finding_id: finding.as_ref().map(|f| f.id.clone()),
        scope_version,
        recorded_by: actor.to_owned(),
        recorded_at: state.now_ms(),
    };
    tx.insert_decision(&row).await?;
    if let (DecisionKind::RiskAcceptance, Some(mut f)) = (d.kind, finding)
        && f.status.is_outstanding()
    {
        f.status = FindingStatus::AcceptedRisk;
        f.closed_at = Some(row.recorded_at);
        f.updated_at = row.recorded_at;
        tx.update_finding(&f).await?;
    }
    lookup::touch(tx, state, &e.id).await?;
    let detail = format!(
        "{} v{} kind={} owner={} decided_on={} title={}{}",
        row.reference,
        row.version,
        row.kind,
        row.owner,
        row.decided_on,
        row.title,
        d.finding_ref.as_deref().map(|f| format!(" finding={f}")).unwrap_or_default()
    );
    lookup::log(tx, state, actor, e, "audit.decision.recorded", &detail).await?;
    Ok(row)
}

/// Records a new decision (operator side).
pub async fn record(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    d: DecisionInput,
) -> Result<DecisionRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    if d.kind == DecisionKind::ScopeDelta {
        return Err(AppError::invalid("Kind", "a scope delta is recorded with the scope change it allows"));
    }
    let mut tx = state.db.transaction().await?;
    let row = insert_new(&mut tx, state, &e, &p.email, &d, None).await?;
    tx.commit().await?;
    crate::ssr::audit_kit::alerts::sync_after_change(state).await;
    Ok(row)
}

/// Records a new version of decision `reference` (the earlier versions stay as they were).
pub async fn revise(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    reference: &str,
    d: DecisionInput,
) -> Result<DecisionRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let mut tx = state.db.transaction().await?;
    let latest = tx.latest_decision(&e.id, reference.trim()).await?.ok_or_else(|| AppError::not_found("Decision"))?;
    if d.kind != latest.kind {
        return Err(AppError::invalid(
            "Kind",
            format!("{} is a {} decision; a new version keeps its kind", latest.reference, latest.kind),
        ));
    }
    let row = insert_version(
        &mut tx,
        state,
        &e,
        &p.email,
        &d,
        latest.reference.clone(),
        latest.version + 1,
        latest.scope_version,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A risk's new assessment, as given from outside.
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    /// `low`, `med`, `high`.
    pub likelihood: String,
    /// `low`, `med`, `high`.
    pub impact: String,
    /// How it is mitigated.
    pub mitigation: String,
    /// Who owns it.
    pub owner: String,
    /// Next review (`YYYY-MM-DD`), or empty.
    pub review_date: String,
}

/// Reassesses a risk of the register (operator staff).
pub async fn update_risk(
    state: &AppState,
    p: &Principal,
    risk_id: &str,
    input: RiskInput,
) -> Result<RiskRow, AppError> {
    p.require(crate::domain::Action::ManageAuditLibrary)?;
    let mut risk = state
        .db
        .audit_risks()
        .await?
        .into_iter()
        .find(|r| r.id == risk_id.trim())
        .ok_or_else(|| AppError::not_found("Risk"))?;
    risk.likelihood = Level::parse(&input.likelihood).map_err(|e| AppError::invalid("Likelihood", e))?;
    risk.impact = Level::parse(&input.impact).map_err(|e| AppError::invalid("Impact", e))?;
    risk.mitigation = text_field("Mitigation", &input.mitigation, MAX_TEXT_CHARS, true)?;
    risk.owner = text_field("Owner", &input.owner, MAX_TITLE_CHARS, false)?;
    risk.review_date = match input.review_date.trim() {
        "" => None,
        d => Some(day_field("Review date", d)?.to_string()),
    };
    risk.updated_by.clone_from(&p.email);
    risk.updated_at = state.now_ms();
    let mut tx = state.db.transaction().await?;
    if !tx.update_risk(&risk).await? {
        return Err(AppError::not_found("Risk"));
    }
    let detail = format!(
        "{} likelihood={} impact={} owner={} review={}",
        risk.reference,
        risk.likelihood,
        risk.impact,
        risk.owner,
        risk.review_date.as_deref().unwrap_or("-")
    );
    AuditEvent::new(&p.email, "audit.risk.updated")
        .about_target(&risk.id)
        .detail(&detail)
        .log_in(&mut tx, state)
        .await?;
    tx.commit().await?;
    Ok(risk)
}

/// Links a risk of the register to an engagement (idempotent).
pub async fn link_risk(state: &AppState, p: &Principal, engagement_id: &str, risk_id: &str) -> Result<(), AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    if !state.db.audit_risks().await?.iter().any(|r| r.id == risk_id.trim()) {
        return Err(AppError::not_found("Risk"));
    }
    let mut tx = state.db.transaction().await?;
    tx.link_risk(&e.id, risk_id.trim()).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(&mut tx, state, &p.email, &e, "audit.risk.linked", risk_id.trim()).await?;
    tx.commit().await?;
    Ok(())
}
