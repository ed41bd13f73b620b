//! What the audit pages and the REST API show ([`crate::domain::audit_kit::view`]),
//! built from the stored rows for a caller who may see the engagement. Every
//! read an auditor makes is recorded in the access log with the SHA-256 of
//! exactly what was served.

use super::access::viewed;
use super::lookup;
use crate::domain::AppError;
use crate::domain::audit_kit::view::*;
use crate::domain::audit_kit::{EngagementState, FindingFacts, remediation_rule};
use crate::domain::period::Day;
use crate::domain::status::Verdict;
use crate::ssr::AppState;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{CommentRow, DocumentRow, EngagementRow, RiskRow, SampleRow, VendorAttestationRow};
use std::collections::BTreeMap;

/// An engagement's card: its status now.
pub async fn card(state: &AppState, e: &EngagementRow) -> Result<EngagementCard, AppError> {
    let owner = state.db.org(&e.owner_org_id).await?.map(|o| o.name).unwrap_or_default();
    let findings = state.db.audit_findings(&e.id).await?;
    let today = Day::containing(state.now_ms());
    let outstanding: Vec<_> = findings.iter().filter(|f| f.status.is_outstanding()).collect();
    let overdue = outstanding
        .iter()
        .filter(|f| f.due_date.as_deref().and_then(|d| Day::parse(d).ok()).is_some_and(|d| d < today))
        .count();
    let (list, _) = super::checklist::evaluate(state, e).await?;
    Ok(EngagementCard {
        checklist: list.progress(),
        id: e.id.clone(),
        name: e.name.clone(),
        firm: e.firm.clone(),
        owner,
        state: e.state,
        period_start: e.period_start.clone(),
        period_end: e.period_end.clone(),
        access_ends_at: e.access_ends_at,
        open_findings: outstanding.len(),
        overdue_findings: overdue,
        rule: remediation_rule(
            &findings.iter().map(|f| FindingFacts { kind: f.kind, severity: f.severity }).collect::<Vec<_>>(),
        ),
        created_at: e.created_at,
    })
}

/// The engagements `p` may see, as cards.
pub async fn cards(state: &AppState, p: &Principal) -> Result<Vec<EngagementCard>, AppError> {
    let mut out = Vec::new();
    for e in super::engagements::list(state, p).await? {
        out.push(card(state, &e).await?);
    }
    viewed(state, p.viewer(), "engagement list", out).await
}

/// The engagement page's header: status, scope, NDA.
pub async fn engagement(state: &AppState, p: &Principal, id: &str) -> Result<EngagementView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let scopes = state.db.scopes(&e.id).await?;
    let current = scopes.last().ok_or_else(AppError::internal)?;
    let decisions = state.db.audit_decisions(&e.id).await?;
    let names: BTreeMap<String, (String, String)> =
        state.db.tenants().await?.into_iter().map(|t| (t.id, (t.slug, t.name))).collect();
    let nda = state.db.ndas(&e.id).await?.pop().ok_or_else(AppError::internal)?;
    let view = EngagementView {
        card: card(state, &e).await?,
        tenants: super::access::id_set(Some(&current.tenants))?
            .into_iter()
            .filter_map(|id| names.get(&id).cloned())
            .collect(),
        repos: super::access::id_set(Some(&current.repos))?.into_iter().collect(),
        scope_markdown: current.document.clone(),
        scope_html: super::markdown::to_safe_html(&current.document),
        scope_versions: scopes
            .iter()
            .map(|s| ScopeVersionView {
                version: s.version,
                sha256: s.sha256.clone(),
                created_by: s.created_by.clone(),
                created_at: s.created_at,
                decision: s
                    .decision_id
                    .as_ref()
                    .and_then(|d| decisions.iter().find(|x| &x.id == d))
                    .map(|d| format!("{} v{}", d.reference, d.version)),
            })
            .collect(),
        locked: e.state != EngagementState::Scoping,
        nda_version: nda.version,
        nda_sha256: nda.sha256.clone(),
        nda_html: super::markdown::to_safe_html(&nda.body),
        can_manage: lookup::may_manage(p, &e),
        is_auditor: p.audit.is_some(),
    };
    viewed(state, p.viewer(), "engagement", view).await
}

/// The checklist, evaluated now.
pub async fn checklist(state: &AppState, p: &Principal, id: &str) -> Result<ChecklistView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let (list, _) = super::checklist::evaluate(state, &e).await?;
    let passed = list.progress().0;
    viewed(state, p.viewer(), "checklist", ChecklistView { items: list.items, passed }).await
}

fn document_view(d: &DocumentRow, href: String, today: Day) -> DocumentView {
    DocumentView {
        id: d.id.clone(),
        kind: d.kind,
        title: d.title.clone(),
        version: d.version.clone(),
        owner: d.owner.clone(),
        current: d.review_date.as_deref().and_then(|r| Day::parse(r).ok()).is_some_and(|r| r >= today),
        review_date: d.review_date.clone(),
        evidence_date: d.evidence_date.clone(),
        filename: d.filename.clone(),
        sha256: d.sha256.clone(),
        size_bytes: d.size_bytes,
        uploaded_by: d.uploaded_by.clone(),
        uploaded_at: d.uploaded_at,
        href,
    }
}

fn vendor_view(v: &VendorAttestationRow) -> VendorView {
    let signer = v.signer.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()).map(|s| {
        match (s["identity"].as_str(), s["key_id"].as_str()) {
            (Some(id), _) => format!("{id} (issuer {})", s["issuer"].as_str().unwrap_or("?")),
            (None, Some(key)) => format!("key {key}"),
            _ => s.to_string(),
        }
    });
    VendorView {
        id: v.id.clone(),
        vendor: v.vendor.clone(),
        title: v.title.clone(),
        kind: v.kind.clone(),
        subject_sha256: v.subject_sha256.clone(),
        verified: v.status == Verdict::Verified,
        reason: v.reason.clone(),
        signer,
        checks: serde_json::from_str(&v.checks).unwrap_or_default(),
        uploaded_at: v.uploaded_at,
    }
}

/// Restore drills as listed: (id, passed, started, RTO ms, data-loss window ms, rows checked).
fn drill_rows(bodies: &[String]) -> Vec<(String, bool, i64, i64, i64, i64)> {
    bodies
        .iter()
        .filter_map(|b| serde_json::from_str::<crate::domain::drill::DrillReport>(b).ok())
        .map(|d| {
            let m = d.restore.as_ref();
            (
                d.id.clone(),
                d.passed,
                d.started_at,
                m.map_or(0, |m| m.restore_ms),
                m.map_or(0, |m| m.data_loss_window_ms),
                m.map_or(0, |m| m.rows_checked),
            )
        })
        .collect()
}

fn dr_view(rpo: Option<i64>, rto: Option<i64>, drills: &[(String, bool, i64, i64, i64, i64)]) -> DrView {
    DrView { rpo_minutes: rpo, rto_minutes: rto, last_drill: drills.first().cloned() }
}

/// Receipts listed per tenant in the evidence tab (the newest).
const RECEIPTS_PER_TENANT: i64 = 20;

/// The evidence tab: the compliance pack's contents within the scope.
pub async fn evidence(state: &AppState, p: &Principal, id: &str) -> Result<EvidenceView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let scope = super::engagements::scope_for(state, &e).await?;
    let c = super::compliance::gather(state, &e, &scope).await?;
    let today = Day::containing(state.now_ms());
    let slugs: BTreeMap<String, String> = state.db.tenants().await?.into_iter().map(|t| (t.id, t.slug)).collect();
    let mut packs = Vec::new();
    let mut receipts = Vec::new();
    for (org, slug) in slugs.iter().filter(|(id, _)| scope.sees_tenant(id)) {
        for r in state.db.receipts(org, RECEIPTS_PER_TENANT).await? {
            receipts.push(ReceiptView {
                href: format!("/audits/{}/receipts/{}", e.id, r.id),
                id: r.id,
                tenant: slug.clone(),
                subject_sha256: r.subject_sha256,
                key_id: r.key_id,
                created_at: r.created_at,
            });
        }
        for pk in state.db.packs(org, 200).await?.into_iter().filter(|pk| scope.sees_repo(org, &pk.repo)) {
            packs.push(PackView {
                href: format!("/audits/{}/packs/{}", e.id, pk.id),
                id: pk.id,
                tenant: slug.clone(),
                repo: pk.repo,
                tag: pk.tag,
                sha256: pk.sha256,
                status: pk.status.as_str().into(),
                reason: pk.reason,
                time_to_pack_ms: pk.time_to_pack_ms,
                uploaded_at: pk.created_at,
            });
        }
    }
    let drills = drill_rows(&state.db.drill_reports_of("restore", 1).await?);
    let view = EvidenceView {
        adoption: c.policy.adoption,
        repos: c.policy.repos.clone(),
        packs,
        receipts,
        sbom: c.sbom.clone(),
        vendors: c.vendors.iter().map(vendor_view).collect(),
        documents: c
            .documents
            .iter()
            .map(|(d, _)| document_view(d, format!("/audits/{}/documents/{}", e.id, d.id), today))
            .collect(),
        dr: dr_view(c.dr.rpo_minutes, c.dr.rto_minutes, &drills),
    };
    viewed(state, p.viewer(), "evidence", view).await
}

fn comments_of(all: &[CommentRow], subject: &str) -> Vec<CommentView> {
    all.iter()
        .filter(|c| c.subject == subject)
        .map(|c| CommentView { author: c.author.clone(), role: c.author_role.clone(), body: c.body.clone(), at: c.at })
        .collect()
}

fn sample_view(s: &SampleRow) -> SampleView {
    let items: Vec<super::fieldwork::SampleItem> = serde_json::from_str(&s.items).unwrap_or_default();
    SampleView {
        id: s.id.clone(),
        population: s.population.clone(),
        population_size: s.population_size,
        seed: s.seed.clone(),
        items: items.into_iter().map(|i| (i.id, i.label, i.digest)).collect(),
        drawn_by: s.drawn_by.clone(),
        drawn_at: s.drawn_at,
    }
}

/// Evidence requests with their evidence, samples and threads.
pub async fn requests(state: &AppState, p: &Principal, id: &str) -> Result<RequestsView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let comments = state.db.audit_comments(&e.id).await?;
    let samples = state.db.audit_samples(&e.id).await?;
    let docs = state.db.documents(&[], Some(&e.id)).await?;
    let today = Day::containing(state.now_ms());
    let view = RequestsView {
        requests: state
            .db
            .audit_requests(&e.id)
            .await?
            .into_iter()
            .map(|r| RequestView {
                documents: docs
                    .iter()
                    .filter(|d| d.subject.as_deref() == Some(r.id.as_str()))
                    .map(|d| document_view(d, format!("/audits/{}/documents/{}", e.id, d.id), today))
                    .collect(),
                samples: samples
                    .iter()
                    .filter(|s| s.request_id.as_deref() == Some(r.id.as_str()))
                    .map(sample_view)
                    .collect(),
                comments: comments_of(&comments, &r.id),
                id: r.id,
                reference: r.reference,
                title: r.title,
                detail: r.detail,
                owner: r.owner,
                status: r.status,
                evidence_date: r.evidence_date,
                raised_by: r.raised_by,
                raised_at: r.raised_at,
            })
            .collect(),
        samples: samples.iter().filter(|s| s.request_id.is_none()).map(sample_view).collect(),
    };
    viewed(state, p.viewer(), "requests", view).await
}

/// Findings with the acceptance rule.
pub async fn findings(state: &AppState, p: &Principal, id: &str) -> Result<FindingsView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let rows = state.db.audit_findings(&e.id).await?;
    let comments = state.db.audit_comments(&e.id).await?;
    let decisions = state.db.audit_decisions(&e.id).await?;
    let today = Day::containing(state.now_ms());
    let rule =
        remediation_rule(&rows.iter().map(|f| FindingFacts { kind: f.kind, severity: f.severity }).collect::<Vec<_>>());
    let findings = rows
        .into_iter()
        .map(|f| {
            let mut refs: Vec<String> = decisions
                .iter()
                .filter(|d| d.finding_id.as_deref() == Some(f.id.as_str()))
                .map(|d| d.reference.clone())
                .collect();
            refs.dedup();
            FindingView {
                overdue: f.status.is_outstanding()
                    && f.due_date.as_deref().and_then(|d| Day::parse(d).ok()).is_some_and(|d| d < today),
                decisions: refs,
                comments: comments_of(&comments, &f.id),
                id: f.id,
                reference: f.reference,
                title: f.title,
                detail: f.detail,
                kind: f.kind,
                severity: f.severity,
                root_cause: f.root_cause,
                corrective_action: f.corrective_action,
                owner: f.owner,
                due_date: f.due_date,
                status: f.status,
                effectiveness: f.effectiveness,
                raised_by: f.raised_by,
                raised_at: f.raised_at,
                closed_at: f.closed_at,
            }
        })
        .collect();
    viewed(state, p.viewer(), "findings", FindingsView { rule, findings }).await
}

fn risk_view(r: &RiskRow) -> RiskView {
    RiskView {
        id: r.id.clone(),
        reference: r.reference.clone(),
        title: r.title.clone(),
        likelihood: r.likelihood,
        impact: r.impact,
        mitigation: r.mitigation.clone(),
        owner: r.owner.clone(),
        review_date: r.review_date.clone(),
    }
}

/// Decisions (every version) and the engagement's risks.
pub async fn decisions(state: &AppState, p: &Principal, id: &str) -> Result<DecisionsView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let findings = state.db.audit_findings(&e.id).await?;
    let mut grouped: BTreeMap<String, Vec<DecisionView>> = BTreeMap::new();
    for d in state.db.audit_decisions(&e.id).await? {
        grouped.entry(d.reference.clone()).or_default().push(DecisionView {
            finding: d
                .finding_id
                .as_ref()
                .and_then(|id| findings.iter().find(|f| &f.id == id))
                .map(|f| f.reference.clone()),
            reference: d.reference,
            version: d.version,
            kind: d.kind,
            title: d.title,
            rationale: d.rationale,
            owner: d.owner,
            decided_on: d.decided_on,
            scope_version: d.scope_version,
            recorded_by: d.recorded_by,
            recorded_at: d.recorded_at,
        });
    }
    let linked = state.db.engagement_risks(&e.id).await?;
    let others = if lookup::may_manage(p, &e) {
        state
            .db
            .audit_risks()
            .await?
            .into_iter()
            .filter(|r| !linked.iter().any(|l| l.id == r.id))
            .map(|r| risk_view(&r))
            .collect()
    } else {
        Vec::new()
    };
    let view = DecisionsView {
        decisions: grouped
            .into_values()
            .map(|mut v| {
                v.reverse();
                v
            })
            .collect(),
        risks: linked.iter().map(risk_view).collect(),
        other_risks: others,
    };
    viewed(state, p.viewer(), "decisions", view).await
}

/// Auditors, invitations and the access log (those who manage the engagement).
pub async fn auditors(state: &AppState, p: &Principal, id: &str) -> Result<AuditorsView, AppError> {
    let e = lookup::managed(state, p, id).await?;
    Ok(AuditorsView {
        auditors: state
            .db
            .auditors(&e.id)
            .await?
            .into_iter()
            .map(|a| AuditorView {
                user_id: a.user_id,
                email: a.email,
                name: a.name,
                joined_at: a.joined_at,
                revoked_at: a.revoked_at,
                nda_version: a.nda_version,
            })
            .collect(),
        invitations: state
            .db
            .audit_invitations(&e.id)
            .await?
            .into_iter()
            .map(|i| InvitationView {
                id: i.id,
                email: i.email,
                name: i.name,
                created_at: i.created_at,
                expires_at: i.expires_at,
                used_at: i.used_at,
                revoked_at: i.revoked_at,
            })
            .collect(),
        access_log: access_log(state, &e.id, 500).await?,
        nda_version: state.db.ndas(&e.id).await?.pop().map_or(0, |n| n.version),
    })
}

/// An engagement's access log, newest first.
pub async fn access_log(state: &AppState, engagement_id: &str, limit: i64) -> Result<Vec<AccessView>, AppError> {
    Ok(state
        .db
        .access_log(engagement_id, limit)
        .await?
        .into_iter()
        .map(|a| AccessView { at: a.at, email: a.email, kind: a.kind, object: a.object, sha256: a.sha256 })
        .collect())
}

/// Sign-off packs built and the answers given.
pub async fn signoffs(state: &AppState, p: &Principal, id: &str) -> Result<SignoffsView, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    let view = SignoffsView {
        packs: state
            .db
            .signoffs(&e.id)
            .await?
            .into_iter()
            .map(|s| SignoffView {
                sha256: s.sha256,
                size_bytes: s.size_bytes,
                as_of: s.as_of,
                built_by: s.built_by,
                built_at: s.built_at,
            })
            .collect(),
        answers: state
            .db
            .acceptances(&e.id)
            .await?
            .into_iter()
            .map(|a| AnswerView {
                pack_sha256: a.pack_sha256,
                decision: a.decision,
                statement: a.statement,
                email: a.email,
                at: a.at,
            })
            .collect(),
    };
    viewed(state, p.viewer(), "sign-off packs", view).await
}

/// The operator's evidence library.
pub async fn library(state: &AppState, p: &Principal) -> Result<LibraryView, AppError> {
    p.require(crate::domain::Action::ManageAuditLibrary)?;
    let orgs = vec![p.org_id.clone()];
    let today = Day::containing(state.now_ms());
    let drills = drill_rows(&state.db.drill_reports_of("restore", 20).await?);
    let targets = state.db.dr_targets().await?;
    Ok(LibraryView {
        documents: state
            .db
            .documents(&orgs, None)
            .await?
            .iter()
            .map(|d| document_view(d, format!("/audit-library/documents/{}", d.id), today))
            .collect(),
        vendors: state.db.vendor_attestations(&orgs).await?.iter().map(vendor_view).collect(),
        dr: dr_view(targets.map(|t| t.rpo_minutes), targets.map(|t| t.rto_minutes), &drills),
        drills,
        risks: state.db.audit_risks().await?.iter().map(risk_view).collect(),
    })
}

/// What the join page shows for an invitation token.
pub async fn join(state: &AppState, token: &str) -> Result<JoinView, AppError> {
    let found = super::invitations::invitation(state, token).await?;
    Ok(JoinView {
        engagement: found.engagement.name.clone(),
        firm: found.engagement.firm.clone(),
        owner: found.owner_name,
        period: format!("{} to {}", found.engagement.period_start, found.engagement.period_end),
        access_ends_at: found.engagement.access_ends_at,
        email: found.invitation.email,
        name: found.invitation.name,
        nda_version: found.nda.version,
        nda_sha256: found.nda.sha256.clone(),
        nda_html: super::markdown::to_safe_html(&found.nda.body),
    })
}

/// The current NDA of the auditor's engagement, for (re-)acceptance.
pub async fn current_nda(state: &AppState, p: &Principal) -> Result<(String, i64, String, String), AppError> {
    p.require(crate::domain::Action::AcceptNda)?;
    let scope = p.audit.as_deref().ok_or_else(AppError::forbidden)?;
    let e = state.db.engagement(&scope.engagement_id).await?.ok_or_else(AppError::internal)?;
    let nda = state.db.ndas(&e.id).await?.pop().ok_or_else(AppError::internal)?;
    Ok((e.name, nda.version, nda.sha256.clone(), super::markdown::to_safe_html(&nda.body)))
}
