//! Engagements: opening one, its scope, fieldwork and its NDA.
//!
//! The scope (tenants, repositories, the scope document) is versioned: every
//! change is a new version with the SHA-256 of its canonical form, and no
//! version is ever changed. While the engagement is being scoped it may change
//! freely; once fieldwork starts it is locked, and a change must come with a
//! scope-delta decision, recorded in the same unit of work and named by the
//! new version. A tenant-side engagement (a tenant admin auditing their own
//! evidence, with the `auditor_access` feature) scopes only that tenant.

use super::{MAX_DOCUMENT_CHARS, MAX_TITLE_CHARS, day_field, lookup, text_field};
use crate::domain::audit_kit::{DecisionKind, EngagementState, NDA_TEMPLATE};
use crate::domain::entitlements::Feature;
use crate::domain::ids::EngagementId;
use crate::domain::text::RepoName;
use crate::domain::{AppError, ErrorCode, OrgKind, Role};
use crate::ssr::AppState;
use crate::ssr::audit_kit::decisions::{self, DecisionInput};
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{EngagementRow, NdaRow, OrgRow, ScopeRow, Tx};
use sha2::{Digest, Sha256};

/// Longest engagement (and so auditor access) the portal grants, in days.
pub const MAX_ACCESS_DAYS: i64 = 366;

/// What an engagement is opened with.
#[derive(Debug, Clone, Default)]
pub struct NewEngagement {
    /// Name.
    pub name: String,
    /// The audit firm.
    pub firm: String,
    /// First day under review (`YYYY-MM-DD`).
    pub period_start: String,
    /// Last day under review.
    pub period_end: String,
    /// Last day auditors have access (`YYYY-MM-DD`, inclusive).
    pub access_ends: String,
    /// The scope.
    pub scope: ScopeInput,
}

/// A scope as given from outside.
#[derive(Debug, Clone, Default)]
pub struct ScopeInput {
    /// Tenants in scope, by slug.
    pub tenants: Vec<String>,
    /// Repositories in scope (`owner/name`); empty: every repository of those tenants.
    pub repos: Vec<String>,
    /// The scope document (Markdown).
    pub document: String,
}

/// A checked scope: tenant ids and repository names, sorted, and the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
struct CanonicalScope {
    document: String,
    tenants: Vec<String>,
    repos: Vec<String>,
}

impl CanonicalScope {
    fn sha256(&self) -> String {
        // Field order is fixed by the struct, so the digest does not depend on any map's order.
        hex::encode(Sha256::digest(serde_json::to_vec(self).unwrap_or_default()))
    }
}

/// The organisation that owns engagements `p` opens: their tenant (tenant
/// admins, who need the `auditor_access` feature) or the operator.
async fn owner_of(state: &AppState, p: &Principal) -> Result<OrgRow, AppError> {
    let org = state.db.org(&p.org_id).await?.ok_or_else(AppError::internal)?;
    if p.role == Role::TenantAdmin {
        require_auditor_access(state, &org, &p.email).await?;
    }
    Ok(org)
}

/// Refuses a tenant whose plan does not (now) grant auditor access.
pub async fn require_auditor_access(state: &AppState, tenant: &OrgRow, actor: &str) -> Result<(), AppError> {
    let ent = crate::ssr::billing::entitlements::current(state, tenant, actor).await?;
    if ent.allows(Feature::AuditorAccess) {
        return Ok(());
    }
    Err(AppError::new(
        ErrorCode::Forbidden,
        format!(
            "Inviting an auditor to your own evidence needs the Auditor access feature (Enterprise plan with verified evidence); {} has {}.",
            tenant.name,
            ent.summary()
        ),
    ))
}

/// Checks a scope for the engagement owned by `owner`.
async fn check_scope(state: &AppState, owner: &OrgRow, input: &ScopeInput) -> Result<CanonicalScope, AppError> {
    let document = text_field("Scope document", &input.document, MAX_DOCUMENT_CHARS, true)?;
    let mut tenants = Vec::new();
    let mut slugs: Vec<&str> = input.tenants.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if owner.kind == OrgKind::Tenant.as_str() {
        // A tenant-side engagement audits its owner's evidence and nothing else.
        if slugs.iter().any(|s| *s != owner.slug) {
            return Err(AppError::invalid("Tenants", "a tenant's own engagement scopes only that tenant"));
        }
        slugs = vec![owner.slug.as_str()];
    }
    for slug in slugs {
        let org = state.db.org_by_slug(slug).await?.filter(|o| o.kind == OrgKind::Tenant.as_str());
        let org = org.ok_or_else(|| AppError::invalid("Tenants", format!("no tenant has the slug '{slug}'")))?;
        tenants.push(org.id);
    }
    tenants.sort();
    tenants.dedup();
    let mut repos = Vec::new();
    for name in input.repos.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        let name = RepoName::parse(name)?;
        let owned_in_scope = state.db.repo_owner(name.as_str()).await?.is_some_and(|r| tenants.contains(&r.org_id));
        if !owned_in_scope {
            return Err(AppError::invalid(
                "Repositories",
                format!("{} is not a repository of a tenant in scope", name.as_str()),
            ));
        }
        repos.push(name.as_str().to_owned());
    }
    repos.sort();
    repos.dedup();
    Ok(CanonicalScope { document, tenants, repos })
}

fn scope_row(engagement_id: &str, version: i64, s: &CanonicalScope, actor: &str, now: i64) -> ScopeRow {
    ScopeRow {
        engagement_id: engagement_id.to_owned(),
        version,
        sha256: s.sha256(),
        document: s.document.clone(),
        tenants: serde_json::to_string(&s.tenants).unwrap_or_else(|_| "[]".into()),
        repos: serde_json::to_string(&s.repos).unwrap_or_else(|_| "[]".into()),
        decision_id: None,
        created_by: actor.to_owned(),
        created_at: now,
    }
}

fn nda_row(engagement_id: &str, version: i64, body: &str, actor: &str, now: i64) -> NdaRow {
    NdaRow {
        engagement_id: engagement_id.to_owned(),
        version,
        body: body.to_owned(),
        sha256: hex::encode(Sha256::digest(body.as_bytes())),
        created_by: actor.to_owned(),
        created_at: now,
    }
}

/// Opens an engagement (scoping), with scope version 1 and the template NDA.
pub async fn open(state: &AppState, p: &Principal, new: NewEngagement) -> Result<EngagementRow, AppError> {
    p.require(crate::domain::Action::ManageAudits)?;
    let owner = owner_of(state, p).await?;
    let name = text_field("Name", &new.name, MAX_TITLE_CHARS, false)?;
    let firm = text_field("Audit firm", &new.firm, MAX_TITLE_CHARS, false)?;
    let start = day_field("Period start", &new.period_start)?;
    let end = day_field("Period end", &new.period_end)?;
    if end < start {
        return Err(AppError::invalid("Period end", "must not be before the period start"));
    }
    let ends = day_field("Access ends", &new.access_ends)?;
    let now = state.now_ms();
    if ends.end_ms() <= now {
        return Err(AppError::invalid("Access ends", "must be today or later"));
    }
    if ends.end_ms() - now > MAX_ACCESS_DAYS * 86_400_000 {
        return Err(AppError::invalid("Access ends", format!("at most {MAX_ACCESS_DAYS} days from today")));
    }
    let scope = check_scope(state, &owner, &new.scope).await?;
    let row = EngagementRow {
        id: state.new_id(EngagementId::from_parts).to_string(),
        owner_org_id: owner.id.clone(),
        name,
        firm,
        period_start: start.to_string(),
        period_end: end.to_string(),
        access_ends_at: ends.end_ms(),
        state: EngagementState::Scoping,
        created_by: p.email.clone(),
        created_at: now,
        started_at: None,
        accepted_at: None,
        updated_at: now,
    };
    let mut tx = state.db.transaction().await?;
    tx.insert_engagement(&row).await?;
    tx.insert_scope(&scope_row(&row.id, 1, &scope, &p.email, now)).await?;
    tx.insert_nda(&nda_row(&row.id, 1, NDA_TEMPLATE, &p.email, now)).await?;
    let detail =
        format!("name={} firm={} tenants={} scope_sha256={}", row.name, row.firm, scope.tenants.len(), scope.sha256());
    lookup::log(&mut tx, state, &p.email, &row, "audit.engagement.opened", &detail).await?;
    tx.commit().await?;
    Ok(row)
}

/// The engagements `p` may see, newest first.
pub async fn list(state: &AppState, p: &Principal) -> Result<Vec<EngagementRow>, AppError> {
    p.require(crate::domain::Action::ReadAudits)?;
    let all = match p.role {
        Role::TenantAdmin => state.db.engagements(Some(&p.org_id)).await?,
        _ => state.db.engagements(None).await?,
    };
    Ok(all.into_iter().filter(|e| lookup::may_see(p, e)).collect())
}

/// Changes the scope: a new version. Once fieldwork started, `delta` (the
/// scope-delta decision) is required and recorded with it.
pub async fn change_scope(
    state: &AppState,
    p: &Principal,
    engagement_id: &str,
    input: ScopeInput,
    delta: Option<DecisionInput>,
) -> Result<ScopeRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let owner = state.db.org(&e.owner_org_id).await?.ok_or_else(AppError::internal)?;
    let scope = check_scope(state, &owner, &input).await?;
    let mut tx = state.db.transaction().await?;
    let e = tx.engagement(&e.id).await?.ok_or_else(AppError::internal)?;
    let current = tx.current_scope(&e.id).await?.ok_or_else(AppError::internal)?;
    if current.sha256 == scope.sha256() {
        return Err(AppError::new(ErrorCode::Conflict, "The scope is unchanged; nothing to record."));
    }
    let now = state.now_ms();
    let mut row = scope_row(&e.id, current.version + 1, &scope, &p.email, now);
    let locked = e.state != EngagementState::Scoping;
    match (locked, delta) {
        (true, None) => {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "The scope is locked since fieldwork started: record a scope-delta decision (title, rationale, owner, date) with the change.",
            ));
        }
        (_, Some(d)) => {
            let d = DecisionInput { kind: DecisionKind::ScopeDelta, finding_ref: None, ..d };
            let decision = decisions::insert_new(&mut tx, state, &e, &p.email, &d, Some(row.version)).await?;
            row.decision_id = Some(decision.id);
        }
        (false, None) => {}
    }
    tx.insert_scope(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    let detail = format!(
        "version={} sha256={} previous_sha256={}{}",
        row.version,
        row.sha256,
        current.sha256,
        row.decision_id.as_deref().map(|d| format!(" decision={d}")).unwrap_or_default()
    );
    lookup::log(&mut tx, state, &p.email, &e, "audit.scope.changed", &detail).await?;
    tx.commit().await?;
    Ok(row)
}

/// Starts fieldwork: the scope is locked from now on.
pub async fn start(state: &AppState, p: &Principal, engagement_id: &str) -> Result<EngagementRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let mut tx = state.db.transaction().await?;
    let e = tx.engagement(&e.id).await?.ok_or_else(AppError::internal)?;
    if e.state != EngagementState::Scoping {
        return Err(AppError::new(ErrorCode::Conflict, "Fieldwork has already started."));
    }
    let scope = tx.current_scope(&e.id).await?.ok_or_else(AppError::internal)?;
    if crate::ssr::audit_kit::access::id_set(Some(&scope.tenants))?.is_empty() {
        return Err(AppError::invalid("Tenants", "put at least one tenant in scope before fieldwork starts"));
    }
    tx.set_engagement_state(&e.id, EngagementState::Fieldwork, state.now_ms()).await?;
    let detail = format!("scope version {} locked (sha256 {})", scope.version, scope.sha256);
    lookup::log(&mut tx, state, &p.email, &e, "audit.engagement.started", &detail).await?;
    tx.commit().await?;
    state.db.engagement(&e.id).await?.ok_or_else(AppError::internal)
}

/// Publishes a new NDA version: every auditor must accept it before their next view.
pub async fn publish_nda(state: &AppState, p: &Principal, engagement_id: &str, body: &str) -> Result<NdaRow, AppError> {
    let e = lookup::managed(state, p, engagement_id).await?;
    let body = text_field("NDA", body, MAX_DOCUMENT_CHARS, true)?;
    let mut tx = state.db.transaction().await?;
    let version = tx.current_nda_version(&e.id).await? + 1;
    let row = nda_row(&e.id, version, &body, &p.email, state.now_ms());
    tx.insert_nda(&row).await?;
    lookup::touch(&mut tx, state, &e.id).await?;
    let detail = format!("version={} sha256={}", row.version, row.sha256);
    lookup::log(&mut tx, state, &p.email, &e, "audit.nda.published", &detail).await?;
    tx.commit().await?;
    Ok(row)
}

/// What an engagement's current scope covers, as the visibility rule every
/// reader applies (an auditor's own scope is this, resolved per request).
pub async fn scope_for(
    state: &AppState,
    e: &EngagementRow,
) -> Result<crate::domain::audit_kit::AuditorScope, AppError> {
    let scope = current_scope(state, &e.id).await?;
    let owner = state.db.org(&e.owner_org_id).await?.ok_or_else(AppError::internal)?;
    Ok(crate::domain::audit_kit::AuditorScope {
        engagement_id: e.id.clone(),
        owner_org_id: e.owner_org_id.clone(),
        operator_owned: owner.kind == OrgKind::Operator.as_str(),
        tenants: crate::ssr::audit_kit::access::id_set(Some(&scope.tenants))?,
        repos: crate::ssr::audit_kit::access::id_set(Some(&scope.repos))?,
        nda_accepted: true,
        ends_at: e.access_ends_at,
    })
}

/// The current scope of an engagement (its highest version).
pub async fn current_scope(state: &AppState, engagement_id: &str) -> Result<ScopeRow, AppError> {
    state.db.scopes(engagement_id).await?.pop().ok_or_else(AppError::internal)
}

/// Moves an engagement to `accepted` inside `tx` (an auditor accepted a pack).
pub(super) async fn mark_accepted(tx: &mut Tx<'_>, state: &AppState, e: &EngagementRow) -> Result<(), AppError> {
    Ok(tx.set_engagement_state(&e.id, EngagementState::Accepted, state.now_ms()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scope_digest_covers_every_part() {
        let a = CanonicalScope { document: "doc".into(), tenants: vec!["org_a".into()], repos: vec![] };
        let b = CanonicalScope { repos: vec!["a/b".into()], ..a.clone() };
        let c = CanonicalScope { document: "doc2".into(), ..a.clone() };
        assert_ne!(a.sha256(), b.sha256());
        assert_ne!(a.sha256(), c.sha256());
        assert_eq!(a.sha256(), a.clone().sha256());
        assert_eq!(a.sha256().len(), 64);
    }
}
