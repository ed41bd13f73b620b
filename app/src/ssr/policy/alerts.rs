//! Alerts on policy adoption: every active repository that is unsigned, whose
//! latest bundle failed, or that runs a stale policy version has one open
//! alert; it clears itself once the repository is fixed (or goes inactive).
//! Opening, clearing and delivery are [`crate::ssr::alerting`]'s.

use crate::domain::AppError;
use crate::domain::adoption::PolicyState;
use crate::ssr::AppState;
use crate::ssr::alerting::{self, Synced, Wanted};
use std::collections::BTreeMap;

pub use crate::ssr::alerting::redeliver;

/// Opens and clears policy alerts to match the repositories' states now.
pub async fn sync_policy_alerts(state: &AppState) -> Result<Synced, AppError> {
    let report = crate::ssr::policy::status::report(state, None).await?;
    let tenants: BTreeMap<String, String> = state.db.tenants().await?.into_iter().map(|t| (t.slug, t.id)).collect();
    let mut wanted = Wanted::new();
    for r in report.repos.iter().filter(|r| r.active && r.state != PolicyState::Signed) {
        let kind = format!("policy.{}", r.state.as_str());
        let subject = format!("{}/{}", r.tenant, r.repo);
        let message = format!("{} is {}: {}", r.repo, r.state.as_str(), r.reason.as_deref().unwrap_or(""));
        wanted.insert((kind, subject), (tenants.get(&r.tenant).cloned(), message));
    }
    alerting::reconcile(state, "policy.", wanted).await
}
