//! Step 1: the tenant and its admin.

use super::{Refusal, failed, invalid};
use crate::domain::onboarding::Step;
use crate::domain::{OrgKind, Plan, Role};
use crate::ssr::AppState;
use crate::ssr::identity::accounts::{self, NewUser};
use crate::ssr::onboarding::model::{Session, save};

/// Creates the tenant and its admin (or checks the ones created before).
#[expect(clippy::too_many_arguments, reason = "the step's form fields, each checked here")]
pub(crate) async fn details(
    state: &AppState,
    actor: &str,
    s: &mut Session,
    name: &str,
    slug: &str,
    plan: &str,
    admin_name: &str,
    admin_email: &str,
    admin_password: String,
) -> Result<Option<String>, Refusal> {
    let step = Step::Details;
    let plan = Plan::parse(plan)
        .map_err(|e| failed(step, "invalid_input", format!("Plan: {e}"), "pick starter, pro or enterprise"))?;
    match &s.row.org_id {
        Some(org_id) => {
            // The tenant exists: only the plan may change here.
            accounts::set_plan(state, actor, org_id, plan).await.map_err(Refusal::Error)?;
        }
        None => {
            let org = accounts::create_org(state, actor, OrgKind::Tenant, name, slug, Some(plan.as_str()))
                .await
                .map_err(invalid(step))?;
            s.row.org_id = Some(org.id);
            s.data.tenant_name = Some(org.name);
            s.data.tenant_slug = Some(org.slug);
        }
    }
    s.data.plan = Some(plan.as_str().to_owned());
    if s.data.admin_email.is_none() {
        let slug = s.data.tenant_slug.clone().unwrap_or_default();
        let user = accounts::create_user(
            state,
            actor,
            NewUser {
                email: admin_email,
                name: admin_name,
                role: Role::TenantAdmin,
                password: admin_password,
                org_slug: &slug,
            },
        )
        .await;
        // The tenant stays with the session even when the admin needs fixing.
        save(state, s).await.map_err(Refusal::Error)?;
        let user = user.map_err(invalid(step))?;
        s.data.admin_name = Some(user.name);
        s.data.admin_email = Some(user.email);
    }
    Ok(None)
}
