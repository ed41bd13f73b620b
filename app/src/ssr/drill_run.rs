//! One run of a drill (a rehearsal against the live system): its steps, each
//! written to the hash-chained audit log as it happens, and the stored report
//! with the audit log excerpt. The policy-key rotation drill and the restore
//! drill both run through this.

use crate::domain::AppError;
use crate::domain::drill::{DrillReport, DrillStep, RestoreMeasure};
use crate::domain::ids::DrillId;
use crate::ssr::AppState;
use crate::ssr::audit::{AuditEvent, verify_chain};
use crate::ssr::error::log_internal;

/// A drill in progress.
pub struct DrillRun<'a> {
    state: &'a AppState,
    actor: &'a str,
    kind: &'static str,
    /// The drill's id (`drill_…`).
    pub id: String,
    started_at: i64,
    first_seq: i64,
    steps: Vec<DrillStep>,
}

impl<'a> DrillRun<'a> {
    /// Starts a drill of `kind` (`rotate-policy-key`, `restore`) and records the start.
    pub async fn start(state: &'a AppState, actor: &'a str, kind: &'static str, what: &str) -> Result<Self, AppError> {
        let first_seq = state.db.audit_entries(None, 1).await?.first().map_or(0, |r| r.seq);
        let id = state.new_id(DrillId::from_parts).to_string();
        AuditEvent::new(actor, "drill.started").about_target(&id).detail(what).log(state).await?;
        Ok(Self { state, actor, kind, id, started_at: state.now_ms(), first_seq, steps: Vec::new() })
    }

    /// Records a step in the report and the audit log; returns `ok`.
    pub async fn record(&mut self, name: &str, ok: bool, detail: String) -> Result<bool, AppError> {
        let n = u32::try_from(self.steps.len() + 1).unwrap_or(u32::MAX);
        let text = format!("step {n} {}: {name}: {detail}", if ok { "ok" } else { "FAILED" });
        AuditEvent::new(self.actor, "drill.step").about_target(&self.id).detail(&text).log(self.state).await?;
        self.steps.push(DrillStep { n, name: name.to_owned(), ok, detail, at: self.state.now_ms() });
        Ok(ok)
    }

    /// Records the last step every drill ends with: the audit log's hash chain verifies.
    pub async fn check_audit_chain(&mut self) -> Result<bool, AppError> {
        let (ok, text) = match verify_chain(&self.state.db).await? {
            Ok(n) => (true, format!("{n} entries, every hash and link verifies")),
            Err(b) => (false, format!("broken at entry {} ({}): {}", b.seq, b.id, b.reason)),
        };
        self.record("the audit log's hash chain verifies", ok, text).await
    }

    /// Ends the drill: the report (passed when every step passed) with the
    /// audit log written since the start, stored and recorded.
    pub async fn finish(self, restore: Option<RestoreMeasure>) -> Result<DrillReport, AppError> {
        let db = &self.state.db;
        let excerpt = db
            .audit_page(self.first_seq, 200)
            .await?
            .into_iter()
            .map(|r| {
                format!(
                    "#{} {} {} {} {} prev={}… hash={}…",
                    r.seq,
                    crate::domain::period::display_time(r.at),
                    r.actor,
                    r.action,
                    r.detail,
                    &r.prev_hash[..12.min(r.prev_hash.len())],
                    &r.hash[..12.min(r.hash.len())]
                )
            })
            .collect();
        let report = DrillReport {
            passed: !self.steps.is_empty() && self.steps.iter().all(|st| st.ok),
            id: self.id.clone(),
            kind: self.kind.into(),
            actor: self.actor.to_owned(),
            started_at: self.started_at,
            finished_at: self.state.now_ms(),
            steps: self.steps,
            audit_excerpt: excerpt,
            restore,
        };
        let body = serde_json::to_string(&report).map_err(log_internal)?;
        db.insert_drill(&report.id, &report.kind, self.actor, report.started_at, report.passed, &body).await?;
        let verdict = if report.passed { "passed" } else { "FAILED" };
        AuditEvent::new(self.actor, "drill.finished").about_target(&report.id).detail(verdict).log(self.state).await?;
        Ok(report)
    }
}
