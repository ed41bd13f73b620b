//! The engagement checklist, evaluated now from live evidence (the rules are
//! in [`crate::domain::audit_kit::checklist`]), and the manual items
//! operators add and tick.

use super::compliance::{self, Compliance};
use super::{MAX_TITLE_CHARS, lookup, text_field};
use crate::domain::AppError;
use crate::domain::audit_kit::checklist::{self as rules, ChecklistItem, DrFacts, ItemKey, RepoFacts};
use crate::domain::audit_kit::{AuditorScope, EngagementState};
use crate::domain::ids::ChecklistItemId;
use crate::domain::period::Day;
use crate::domain::status::CheckStatus;
use crate::ssr::AppState;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{ChecklistItemRow, EngagementRow};

fn item(key: ItemKey, title: &str, (status, reason): rules::Outcome, link: String) -> ChecklistItem {
    ChecklistItem { key, title: title.to_owned(), status, reason, link: Some(link), ticked: None, document_id: None }
}

/// "Auditor tenant active & scoped": fieldwork started with the scope locked
/// on at least one tenant, and an auditor with live access who accepted the current NDA.
async fn auditor_access(state: &AppState, e: &EngagementRow, scope: &AuditorScope) -> Result<rules::Outcome, AppError> {
    let now = state.now_ms();
    if e.state == EngagementState::Scoping {
        return Ok((CheckStatus::Failed, "fieldwork has not started: the scope is not locked yet".into()));
    }
    if scope.tenants.is_empty() {
        return Ok((CheckStatus::Failed, "no tenant is in scope".into()));
    }
    let nda = state.db.ndas(&e.id).await?.pop().map_or(0, |n| n.version);
    let auditors = state.db.auditors(&e.id).await?;
    let live: Vec<&str> = auditors
        .iter()
        .filter(|a| a.revoked_at.is_none() && now < e.access_ends_at && a.nda_version == Some(nda))
        .map(|a| a.email.as_str())
        .collect();
    if live.is_empty() {
        let why = if now >= e.access_ends_at {
            "the access window has closed".to_owned()
        } else if auditors.is_empty() {
            "no auditor has joined".to_owned()
        } else {
            format!("no auditor with live access has accepted NDA v{nda}")
        };
        return Ok((CheckStatus::Failed, why));
    }
    Ok((
        CheckStatus::Passed,
        format!(
            "{} read-only until {} (NDA v{nda} accepted); scope locked on {} tenant{}{}",
            live.join(", "),
            crate::domain::period::display_time(e.access_ends_at),
            scope.tenants.len(),
            if scope.tenants.len() == 1 { "" } else { "s" },
            if scope.repos.is_empty() { String::new() } else { format!(", {} repositories", scope.repos.len()) }
        ),
    ))
}

/// "Compliance Pack signature verified": the pack is sealed with the portal's
/// key, its signature and every file check out against the published key
/// set, and every signed item inside verified.
async fn compliance_pack(
    state: &AppState,
    e: &EngagementRow,
    c: &Compliance,
    today: Day,
) -> Result<rules::Outcome, AppError> {
    let files = c.sealed(state, e, today).await?;
    let keys: Vec<(Option<String>, String)> = crate::ssr::verification::receipts::key_set(&state.db)
        .await?
        .keys
        .into_iter()
        .map(|k| (Some(k.keyid), k.public_key_pem))
        .collect();
    let checked = match super::manifest::check(&files, compliance::DIR, &keys, compliance::PAYLOAD_TYPE) {
        Ok(c) => c,
        Err(p) => return Ok((CheckStatus::Failed, format!("the compliance pack does not verify: {p}"))),
    };
    let items = c.signed_items();
    let failed: Vec<String> = items.iter().filter(|i| !i.ok).map(|i| i.what.clone()).collect();
    if items.is_empty() {
        return Ok((
            CheckStatus::NotChecked,
            format!(
                "manifest of {} files verifies (key {}), but it holds no signed evidence to check",
                checked.manifest.files.len(),
                checked.keyid
            ),
        ));
    }
    if !failed.is_empty() {
        return Ok((
            CheckStatus::Failed,
            format!(
                "manifest verifies (key {}), but {} of {} signed items did not verify: {}",
                checked.keyid,
                failed.len(),
                items.len(),
                failed.join(", ")
            ),
        ));
    }
    Ok((
        CheckStatus::Passed,
        format!(
            "manifest of {} files signed by {} verifies against the published key set; all {} signed items inside verified",
            checked.manifest.files.len(),
            checked.keyid,
            items.len()
        ),
    ))
}

/// The checklist of an engagement now, and the compliance pack it was evaluated on.
pub async fn evaluate(state: &AppState, e: &EngagementRow) -> Result<(rules::Checklist, Compliance), AppError> {
    let scope = super::engagements::scope_for(state, e).await?;
    let today = Day::containing(state.now_ms());
    let c = compliance::gather(state, e, &scope).await?;
    let tab = |t: &str| format!("/audits/{}?tab={t}", e.id);
    let repos: Vec<RepoFacts> = c
        .policy
        .repos
        .iter()
        .map(|r| RepoFacts {
            repo: r.repo.clone(),
            active: r.active,
            signed: r.state == crate::domain::adoption::PolicyState::Signed,
            problem: r.reason.clone(),
        })
        .collect();
    let last = c.dr.last_restore_drill.as_ref();
    let dr = DrFacts {
        rpo_minutes: c.dr.rpo_minutes,
        rto_minutes: c.dr.rto_minutes,
        last_drill: last
            .and_then(|d| d.restore.as_ref().map(|m| (d.passed, m.restore_ms, m.data_loss_window_ms, d.started_at))),
    };
    let mut items = vec![
        item(
            ItemKey::AuditorAccess,
            "Auditor tenant active & scoped",
            auditor_access(state, e, &scope).await?,
            tab("auditors"),
        ),
        item(
            ItemKey::PolicySignatures,
            "Policy bundle signature verified in portal",
            rules::policy_signatures(&repos),
            tab("evidence"),
        ),
        item(
            ItemKey::CompliancePack,
            "Compliance Pack signature verified",
            compliance_pack(state, e, &c, today).await?,
            tab("evidence"),
        ),
        item(
            ItemKey::DpaDpia,
            "DPA/DPIA present & current",
            rules::dpa_dpia(&c.document_facts(), today),
            tab("evidence"),
        ),
        item(ItemKey::DrMetrics, "DR metrics (RPO/RTO) in pack", rules::dr_metrics(dr), tab("evidence")),
    ];
    for m in state.db.checklist_items(&e.id).await? {
        let (status, reason) = match (&m.ticked_by, m.ticked_at) {
            (Some(by), Some(at)) => {
                (CheckStatus::Passed, format!("ticked by {by} on {}", crate::domain::period::display_time(at)))
            }
            _ => (CheckStatus::NotChecked, "not ticked yet".to_owned()),
        };
        items.push(ChecklistItem {
            key: ItemKey::Manual(m.id.clone()),
            title: m.title,
            status,
            reason,
            link: m.document_id.as_ref().map(|d| format!("/audits/{}/documents/{d}", e.id)),
            ticked: m.ticked_by.zip(m.ticked_at),
            document_id: m.document_id,
        });
    }
    Ok((rules::Checklist { items }, c))
}

/// Adds a manual item (operator side), with an evidence document of the engagement if given.
pub async fn add_item(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    title: &str,
    document_id: Option<&str>,
) -> Result<ChecklistItemRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let title = text_field("Item", title, MAX_TITLE_CHARS, false)?;
    let document_id = match document_id.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            let doc = state
                .db
                .document(d)
                .await?
                .filter(|doc| doc.engagement_id.as_deref() == Some(e.id.as_str()) || doc.org_id == e.owner_org_id);
            Some(doc.ok_or_else(|| AppError::not_found("Document"))?.id)
        }
        None => None,
    };
    let row = ChecklistItemRow {
        id: state.new_id(ChecklistItemId::from_parts).to_string(),
        engagement_id: e.id.clone(),
        title,
        document_id,
        added_by: p.email.clone(),
        added_at: state.now_ms(),
        ticked_by: None,
        ticked_at: None,
    };
    let mut tx = state.db.transaction().await?;
    tx.insert_checklist_item(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    lookup::log(&mut tx, state, &p.email, &e, "audit.checklist.item_added", &row.title).await?;
    tx.commit().await?;
    Ok(row)
}

/// Ticks or unticks a manual item (operator side); who and when are recorded.
pub async fn tick(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    item_id: &str,
    ticked: bool,
) -> Result<(), AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let now = state.now_ms();
    let mut tx = state.db.transaction().await?;
    if !tx.tick_checklist_item(&e.id, item_id.trim(), ticked.then_some((p.email.as_str(), now))).await? {
        return Err(AppError::not_found("Checklist item"));
    }
    lookup::touch(&mut tx, state, &e.id).await?;
    let action = if ticked { "audit.checklist.ticked" } else { "audit.checklist.unticked" };
    lookup::log(&mut tx, state, &p.email, &e, action, item_id.trim()).await?;
    tx.commit().await?;
    Ok(())
}
