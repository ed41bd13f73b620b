//! The engagement checklist: the sprint plan's five items, each computed from
//! live evidence with the reason and a link to that evidence, plus manual
//! items an operator adds and ticks. An item that could not be evaluated is
//! `not_checked`, never passed.

use crate::domain::period::Day;
use crate::domain::status::CheckStatus;
use serde::{Deserialize, Serialize};

/// Which item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum ItemKey {
    /// "Auditor tenant active & scoped".
    AuditorAccess,
    /// "Policy bundle signature verified in portal" (every in-scope active repository).
    PolicySignatures,
    /// "Compliance Pack signature verified".
    CompliancePack,
    /// "DPA/DPIA present & current".
    DpaDpia,
    /// "DR metrics (RPO/RTO) in pack".
    DrMetrics,
    /// An item an operator added (its id).
    Manual(String),
}

/// One checklist item, evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Which item.
    pub key: ItemKey,
    /// The item as the checklist words it.
    pub title: String,
    /// Passed, failed, or not checked (never passed when it was not checked).
    pub status: CheckStatus,
    /// Why, in words.
    pub reason: String,
    /// Where the evidence is (a portal path).
    pub link: Option<String>,
    /// Who ticked a manual item, and when (ms).
    pub ticked: Option<(String, i64)>,
    /// The evidence document a manual item carries (`doc_…` id).
    pub document_id: Option<String>,
}

/// The whole checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    /// Items in order: the five automatic ones, then the manual ones.
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    /// (passed, total).
    pub fn progress(&self) -> (usize, usize) {
        (self.items.iter().filter(|i| i.status == CheckStatus::Passed).count(), self.items.len())
    }

    /// Every item passed.
    pub fn complete(&self) -> bool {
        self.items.iter().all(|i| i.status == CheckStatus::Passed)
    }

    /// The checklist as Markdown (for the sign-off pack).
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Audit checklist\n\n");
        for i in &self.items {
            let mark = match i.status {
                CheckStatus::Passed => "x",
                _ => " ",
            };
            out.push_str(&format!("- [{mark}] {} — {}: {}\n", i.title, i.status.as_str(), i.reason));
        }
        out
    }
}

/// An item's outcome: status and reason.
pub type Outcome = (CheckStatus, String);

/// A document the DPA/DPIA item looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFacts {
    /// `dpa`, `dpia`, …
    pub kind: super::DocumentKind,
    /// Title and version, for the reason.
    pub name: String,
    /// When it must be reviewed again; `None` counts as not current.
    pub review_date: Option<Day>,
}

/// "DPA/DPIA present & current": at least one DPA and one DPIA whose review
/// date has not passed (the review day itself still counts as current).
pub fn dpa_dpia(documents: &[DocumentFacts], today: Day) -> Outcome {
    use super::DocumentKind::{Dpa, Dpia};
    let mut problems = Vec::new();
    let mut current = Vec::new();
    for kind in [Dpa, Dpia] {
        let of_kind: Vec<&DocumentFacts> = documents.iter().filter(|d| d.kind == kind).collect();
        match of_kind.iter().find(|d| d.review_date.is_some_and(|r| r >= today)) {
            Some(d) => current.push(format!(
                "{} {} (review by {})",
                kind.label(),
                d.name,
                d.review_date.map(|r| r.to_string()).unwrap_or_default()
            )),
            None if of_kind.is_empty() => problems.push(format!("no {} uploaded", kind.label())),
            None => problems.push(format!(
                "the {} is past its review date ({})",
                kind.label(),
                of_kind
                    .iter()
                    .map(|d| format!("{} {}", d.name, d.review_date.map_or("no date".to_owned(), |r| r.to_string())))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if problems.is_empty() {
        (CheckStatus::Passed, format!("current: {}", current.join("; ")))
    } else {
        (CheckStatus::Failed, problems.join("; "))
    }
}

/// Recovery targets and the last restore drill, as the DR item sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrFacts {
    /// Recovery point objective (minutes), when set.
    pub rpo_minutes: Option<i64>,
    /// Recovery time objective (minutes), when set.
    pub rto_minutes: Option<i64>,
    /// The last restore drill: (passed, measured RTO ms, measured data-loss window ms, when).
    pub last_drill: Option<(bool, i64, i64, i64)>,
}

/// "DR metrics (RPO/RTO) in pack": targets set, a restore drill measured and
/// passed, and its measured restore time and data-loss window within them.
pub fn dr_metrics(f: DrFacts) -> Outcome {
    let (Some(rpo), Some(rto)) = (f.rpo_minutes, f.rto_minutes) else {
        return (CheckStatus::Failed, "no RPO/RTO targets are set".into());
    };
    let Some((passed, rto_ms, loss_ms, at)) = f.last_drill else {
        return (CheckStatus::Failed, format!("targets RPO {rpo} min, RTO {rto} min; no restore drill has run"));
    };
    let measured = format!(
        "targets RPO {rpo} min, RTO {rto} min; restore drill of {} measured RTO {} and a data-loss window of {}",
        crate::domain::period::display_time(at),
        duration_text(rto_ms),
        duration_text(loss_ms)
    );
    if !passed {
        (CheckStatus::Failed, format!("{measured}, but the drill failed"))
    } else if rto_ms > rto * 60_000 || loss_ms > rpo * 60_000 {
        (CheckStatus::Failed, format!("{measured}: outside the targets"))
    } else {
        (CheckStatus::Passed, format!("{measured}: within the targets"))
    }
}

/// A duration for people: `850 ms`, `12.4 s`, `3 min 5 s`.
pub fn duration_text(ms: i64) -> String {
    match ms {
        ..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{}.{} s", ms / 1000, (ms % 1000) / 100),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// One in-scope repository, as the policy item sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFacts {
    /// `owner/name`.
    pub repo: String,
    /// Counts towards adoption (recent activity).
    pub active: bool,
    /// Its bundle in force verified and is current.
    pub signed: bool,
    /// Why not, when not.
    pub problem: Option<String>,
}

/// "Policy bundle signature verified in portal": every in-scope active
/// repository runs a verified, current policy bundle. No active repository
/// in scope is `not_checked` (nothing was there to check).
pub fn policy_signatures(repos: &[RepoFacts]) -> Outcome {
    let active: Vec<&RepoFacts> = repos.iter().filter(|r| r.active).collect();
    if active.is_empty() {
        return (CheckStatus::NotChecked, "no active repository is in scope".into());
    }
    let failing: Vec<String> = active
        .iter()
        .filter(|r| !r.signed)
        .map(|r| format!("{} ({})", r.repo, r.problem.as_deref().unwrap_or("not signed")))
        .collect();
    if failing.is_empty() {
        (
            CheckStatus::Passed,
            format!("all {} active repositories in scope run a verified, current bundle", active.len()),
        )
    } else {
        (
            CheckStatus::Failed,
            format!("{} of {} active repositories fail: {}", failing.len(), active.len(), failing.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit_kit::DocumentKind::{Dpa, Dpia};

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn doc(kind: crate::domain::audit_kit::DocumentKind, review: Option<&str>) -> DocumentFacts {
        DocumentFacts { kind, name: "v1".into(), review_date: review.map(day) }
    }

    #[test]
    fn dpa_dpia_flips_when_a_review_date_passes() {
        let docs = [doc(Dpa, Some("2026-12-31")), doc(Dpia, Some("2026-06-30"))];
        assert_eq!(dpa_dpia(&docs, day("2026-06-30")).0, CheckStatus::Passed, "the review day itself is current");
        let (status, why) = dpa_dpia(&docs, day("2026-07-01"));
        assert_eq!(status, CheckStatus::Failed);
        assert!(why.contains("DPIA is past its review date"), "{why}");
        let (status, why) = dpa_dpia(&docs[..1], day("2026-01-01"));
        assert_eq!(status, CheckStatus::Failed);
        assert!(why.contains("no DPIA"), "{why}");
        assert_eq!(dpa_dpia(&[doc(Dpa, None), docs[1].clone()], day("2026-01-01")).0, CheckStatus::Failed);
    }

    #[test]
    fn dr_metrics_need_targets_a_passed_drill_and_numbers_within() {
        let mut f = DrFacts { rpo_minutes: None, rto_minutes: None, last_drill: None };
        assert_eq!(dr_metrics(f).0, CheckStatus::Failed);
        f.rpo_minutes = Some(15);
        f.rto_minutes = Some(60);
        assert!(dr_metrics(f).1.contains("no restore drill"));
        f.last_drill = Some((true, 4_200, 900, 0));
        assert_eq!(dr_metrics(f).0, CheckStatus::Passed);
        f.last_drill = Some((true, 60 * 60_000 + 1, 900, 0));
        assert_eq!(dr_metrics(f).0, CheckStatus::Failed, "one millisecond over the RTO");
        f.last_drill = Some((false, 10, 10, 0));
        assert!(dr_metrics(f).1.contains("drill failed"));
    }

    #[test]
    fn policy_item_needs_every_active_repo_signed() {
        let r = |repo: &str, active, signed| RepoFacts { repo: repo.into(), active, signed, problem: None };
        assert_eq!(policy_signatures(&[]).0, CheckStatus::NotChecked);
        assert_eq!(policy_signatures(&[r("a/b", false, false)]).0, CheckStatus::NotChecked);
        assert_eq!(policy_signatures(&[r("a/b", true, true), r("a/c", false, false)]).0, CheckStatus::Passed);
        let (s, why) = policy_signatures(&[r("a/b", true, true), r("a/c", true, false)]);
        assert_eq!(s, CheckStatus::Failed);
        assert!(why.contains("a/c"), "{why}");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration_text(850), "850 ms");
        assert_eq!(duration_text(12_400), "12.4 s");
        assert_eq!(duration_text(185_000), "3 min 5 s");
    }
}
