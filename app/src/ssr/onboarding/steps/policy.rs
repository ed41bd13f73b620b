//! Step 3: a policy version whose signature verifies.

use super::{Refusal, failed};
use crate::domain::onboarding::Step;
use crate::ssr::AppState;
use crate::ssr::onboarding::model::Session;

/// Checks that the chosen policy version is published and its signature verifies.
pub(crate) async fn policy(state: &AppState, s: &mut Session, version: i64) -> Result<Option<String>, Refusal> {
    let step = Step::Policy;
    let rollout = state.db.rollout().await?;
    let Some((release, bundle, signature)) = state.db.policy_release(version).await? else {
        return Err(failed(
            step,
            "policy_version_unknown",
            format!("policy version {version} is not published"),
            "pick one of the versions listed",
        ));
    };
    let oldest = rollout.current_version - rollout.allowed_lag;
    if version < oldest {
        return Err(failed(
            step,
            "policy_version_outdated",
            format!(
                "version {version} is older than the oldest allowed ({oldest}; current {})",
                rollout.current_version
            ),
            format!("pick version {} (current)", rollout.current_version),
        ));
    }
    match crate::ssr::policy::ingest::verify_signature(state, &bundle, &signature).await.map_err(Refusal::Error)? {
        Ok(signed) => {
            s.data.policy_version = Some(version);
            s.data.policy_signer = Some(signed.signer);
            s.data.policy_sha256 = Some(release.sha256);
            Ok(None)
        }
        Err(refusal) => Err(failed(
            step,
            refusal.code,
            format!("policy.sig of version {version} does not verify: {}", refusal.message),
            "pick another version; if none verifies, the policy key was rotated: ask the security team to re-sign",
        )),
    }
}
