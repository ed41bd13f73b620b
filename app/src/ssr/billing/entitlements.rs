//! Decides and records each tenant's entitlements from its plan and its newest
//! evidence ([`crate::domain::entitlements`] holds the rule). A change is
//! recorded once and written to the audit log; the Attestation API reads a
//! short-lived per-process cache.

use crate::domain::entitlements::{Entitlements, Evidence, Feature};
use crate::domain::status::Verdict;
use crate::domain::{AppError, Plan};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::error::log_internal;
use crate::ssr::store::{EntitlementRow, OrgRow};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long the Attestation API trusts a cached decision.
const CACHE_TTL: Duration = Duration::from_secs(5);

/// The evidence a tenant's entitlements rest on: its newest release pack that
/// verified. A newer pack that fails does not switch features off (anyone
/// with an upload key could otherwise do that with junk); only when no pack
/// ever verified is the newest failing one named, for its reason.
async fn newest_evidence(state: &AppState, org_id: &str) -> Result<Option<Evidence>, AppError> {
    let verified = state.db.newest_verified_pack(org_id).await?;
    let pack = match verified {
        Some(p) => Some(p),
        None => state.db.packs(org_id, 1).await?.into_iter().next(),
    };
    Ok(pack.map(|p| Evidence {
        label: format!("release pack {}@{}", p.repo, p.tag),
        verified: p.status == Verdict::Verified,
        reason: p.reason,
        verified_at: p.created_at,
        id: p.id,
    }))
}

/// A tenant's entitlements now. When the decision differs from the recorded
/// one it is recorded and audited (`entitlements.changed`, by `actor`).
pub async fn current(state: &AppState, org: &OrgRow, actor: &str) -> Result<Entitlements, AppError> {
    let plan = Plan::parse(org.plan.as_deref().unwrap_or("starter")).map_err(log_internal)?;
    let evidence = newest_evidence(state, &org.id).await?;
    let decision = Entitlements::decide(plan, evidence, state.now_ms(), state.config.evidence_max_age_days);
    let row = EntitlementRow {
        org_id: org.id.clone(),
        effective: decision.effective.as_str().to_owned(),
        reason: decision.reason.clone(),
        evidence_id: decision.evidence.as_ref().map(|e| e.id.clone()),
        updated_at: state.now_ms(),
    };
    // Read first: pages and the API read entitlements often and the decision rarely changes,
    // so only a change takes the database's write path (the upsert stays conditional for races).
    let stored = state.db.entitlements_row(&org.id).await?;
    let unchanged = stored.is_some_and(|s| s.effective == row.effective && s.evidence_id == row.evidence_id);
    if !unchanged && state.db.record_entitlements(&row).await? {
        let detail = match &decision.reason {
            Some(why) => format!("plan={} active={}; {why}", plan.as_str(), decision.summary()),
            None => format!("plan={} active={}", plan.as_str(), decision.summary()),
        };
        AuditEvent::new(actor, "entitlements.changed").about(&org.id, &org.id).detail(&detail).log(state).await?;
        tracing::info!(tenant = %org.slug, active = %decision.summary(), "entitlements changed");
    }
    state.entitlements.put(&org.id, &decision);
    Ok(decision)
}

/// [`current`] for a tenant id (404 when it is not a tenant).
pub async fn for_org(state: &AppState, org_id: &str, actor: &str) -> Result<Entitlements, AppError> {
    let org = state.db.org(org_id).await?.ok_or_else(|| AppError::not_found("Tenant"))?;
    current(state, &org, actor).await
}

/// Re-decides every tenant (evidence expires with time); returns how many changed.
pub async fn refresh_all(state: &AppState) -> Result<usize, AppError> {
    let mut changed = 0;
    for org in state.db.tenants().await? {
        let before = state.db.entitlements_row(&org.id).await?;
        let after = current(state, &org, "system").await?;
        if before.is_none_or(|b| b.effective != after.effective.as_str()) {
            changed += 1;
        }
    }
    Ok(changed)
}

/// Whether a tenant may use `feature`, from the cache when fresh.
pub async fn allows(state: &AppState, org_id: &str, feature: Feature) -> Result<bool, AppError> {
    if let Some(e) = state.entitlements.get(org_id) {
        return Ok(e.allows(feature));
    }
    Ok(for_org(state, org_id, "system").await?.allows(feature))
}

/// Recent decisions per tenant, for hot paths (the Attestation API's rate tier).
#[derive(Debug, Default)]
pub struct EntitlementCache(Mutex<HashMap<String, (Entitlements, Instant)>>);

impl EntitlementCache {
    fn get(&self, org_id: &str) -> Option<Entitlements> {
        let map = self.0.lock().ok()?;
        map.get(org_id).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(e, _)| e.clone())
    }

    fn put(&self, org_id: &str, e: &Entitlements) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(org_id.to_owned(), (e.clone(), Instant::now()));
        }
    }
}
