//! The OKR scoreboard, measured now from stored rows: accepted audit
//! engagements and their findings, this month's ledger, signed-policy
//! adoption, the onboarding funnel and the time-to-pack and availability
//! SLOs. The rules are in [`crate::domain::okr`]; the page, `GET
//! /api/v1/okrs` and `trust-portal okrs` all call [`board`].

use crate::domain::AppError;
use crate::domain::audit_kit::{EngagementState, FindingFacts, remediation_rule};
use crate::domain::okr::{AcceptedAudit, OkrBoard, OkrFacts};
use crate::domain::period::Period;
use crate::domain::slo::SliEvents;
use crate::ssr::AppState;

/// The scoreboard now.
pub async fn board(state: &AppState) -> Result<OkrBoard, AppError> {
    let now = state.now_ms();
    Ok(crate::domain::okr::board(&facts(state, now).await?, now))
}

async fn facts(state: &AppState, now: i64) -> Result<OkrFacts, AppError> {
    let (accepted_audits, audits_in_progress) = audits(state).await?;
    let period = Period::containing(now).to_string();
    let verify: Vec<_> = state
        .db
        .ledger_totals(&period)
        .await?
        .into_iter()
        .filter(|t| t.event == "attestation.verify" && t.units > 0)
        .collect();
    let slo = async |events: SliEvents| -> Result<_, AppError> {
        match state.config.slos.iter().find(|s| s.events == events) {
            Some(def) => Ok(Some(crate::ssr::slo::status::status(state, def).await?)),
            None => Ok(None),
        }
    };
    Ok(OkrFacts {
        accepted_audits,
        audits_in_progress,
        metered_tenants: verify.len(),
        metered_units: verify.iter().map(|t| t.units).sum(),
        period,
        adoption: crate::ssr::policy::status::report(state, None).await?.adoption,
        funnel: crate::domain::onboarding::funnel(&crate::ssr::onboarding::funnel::funnel_sessions(state).await?, &[]),
        time_to_pack: slo(SliEvents::PackTimings).await?,
        availability: slo(SliEvents::Probes).await?,
    })
}

/// Accepted engagements with their acceptance rule, and how many are not accepted yet.
async fn audits(state: &AppState) -> Result<(Vec<AcceptedAudit>, usize), AppError> {
    let mut accepted = Vec::new();
    let mut in_progress = 0;
    for e in state.db.engagements(None).await? {
        if e.state != EngagementState::Accepted {
            in_progress += 1;
            continue;
        }
        let findings = state.db.audit_findings(&e.id).await?;
        let facts: Vec<_> = findings.iter().map(|f| FindingFacts { kind: f.kind, severity: f.severity }).collect();
        accepted.push(AcceptedAudit { name: e.name, id: e.id, rule: remediation_rule(&facts) });
    }
    Ok((accepted, in_progress))
}
