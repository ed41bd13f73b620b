//! Drill reports: what a rehearsal did, step by step, and the audit log excerpt.

use serde::{Deserialize, Serialize};

/// One step of a drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillStep {
    /// 1-based.
    pub n: u32,
    /// What the step checks.
    pub name: String,
    /// Whether it behaved as it should.
    pub ok: bool,
    /// What happened.
    pub detail: String,
    /// When (ms).
    pub at: i64,
}

/// A finished drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillReport {
    /// `drill_…` id.
    pub id: String,
    /// `rotate-policy-key`.
    pub kind: String,
    /// Who ran it.
    pub actor: String,
    /// Start (ms).
    pub started_at: i64,
    /// End (ms).
    pub finished_at: i64,
    /// Every step passed.
    pub passed: bool,
    /// The steps, in order.
    pub steps: Vec<DrillStep>,
    /// The audit log entries written during the drill (with their hashes).
    pub audit_excerpt: Vec<String>,
    /// What a restore drill measured (`None` for other drills).
    #[serde(default)]
    pub restore: Option<RestoreMeasure>,
}

/// What a restore drill measured: how long the backup and the recovery took,
/// how much data a failure at that moment would have lost, and what was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreMeasure {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Writing the backup (ms).
    pub backup_ms: i64,
    /// The recovery time (RTO measured): restoring into the scratch database
    /// until it opened, its rows were counted and its audit chain verified (ms).
    pub restore_ms: i64,
    /// The data-loss window (RPO measured): from the backup's snapshot to the
    /// simulated failure when the restore began; writes in it would be lost (ms).
    pub data_loss_window_ms: i64,
    /// Tables compared.
    pub tables: usize,
    /// Rows counted in the restored copy, all tables together.
    pub rows_checked: i64,
    /// Rows the live database gained after the snapshot (what a failure then would have lost).
    pub rows_written_since: i64,
}

impl DrillReport {
    /// The downloadable report (Markdown).
    pub fn to_markdown(&self) -> String {
        let time = crate::domain::period::display_time;
        let mut out = format!(
            "# Drill report: {}\n\n- Drill: `{}`\n- Run by: {}\n- Started: {}\n- Finished: {}\n- Result: **{}**\n\n## Steps\n\n| # | Step | Result | Detail |\n|---|------|--------|--------|\n",
            self.kind,
            self.id,
            self.actor,
            time(self.started_at),
            time(self.finished_at),
            if self.passed { "passed" } else { "FAILED" }
        );
        for s in &self.steps {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                s.n,
                s.name,
                if s.ok { "ok" } else { "FAILED" },
                s.detail.replace('|', "\\|")
            ));
        }
        if let Some(m) = &self.restore {
            out.push_str(&format!(
                "\n## Measured\n\n- Backend: {}\n- Backup written in: {} ms\n- Recovery time (RTO measured): {} ms\n- Data-loss window (RPO measured): {} ms\n- Tables compared: {}\n- Rows checked: {}\n- Rows written to the live database after the snapshot: {}\n",
                m.backend, m.backup_ms, m.restore_ms, m.data_loss_window_ms, m.tables, m.rows_checked, m.rows_written_since
            ));
        }
        out.push_str("\n## Audit log excerpt\n\nEach entry carries the hash of the one before it; `trust-portal audit-log verify` checks the whole chain.\n\n```\n");
        for line in &self.audit_excerpt {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("```\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_lists_every_step_and_the_excerpt() {
        let r = DrillReport {
            id: "drill_1".into(),
            kind: "rotate-policy-key".into(),
            actor: "security@example.com".into(),
            started_at: 0,
            finished_at: 60_000,
            passed: false,
            steps: vec![
                DrillStep { n: 1, name: "old key accepted".into(), ok: true, detail: "v1".into(), at: 0 },
                DrillStep { n: 2, name: "revoked key refused".into(), ok: false, detail: "a|b".into(), at: 1 },
            ],
            audit_excerpt: vec!["#7 drill.step".into()],
            restore: None,
        };
        let md = r.to_markdown();
        assert!(md.contains("Result: **FAILED**"));
        assert!(md.contains("| 1 | old key accepted | ok | v1 |"));
        assert!(md.contains("| 2 | revoked key refused | FAILED | a\\|b |"));
        assert!(md.contains("#7 drill.step"));
    }
}
