//! `/audits`: audit engagements and their status (state, acceptance rule,
//! open and overdue findings). Operator staff, and tenant admins with the
//! Auditor access feature, open new ones here; an auditor sees their own.

use crate::api::audits::{OpenEngagement, list_engagements};
use crate::components::ui;
use crate::components::{AuditStatus, CurrentUserCtx, ErrorNotice, action_feedback};
use crate::domain::Role;
use crate::domain::audit_kit::SCOPE_TEMPLATE;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/audits`. See [`super`] for why pages create their data in `view`.
pub struct AuditsPage;

#[lazy_route]
impl LazyRoute for AuditsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let open = ServerAction::<OpenEngagement>::new();
        let list = Resource::new(move || open.version().get(), |_| list_engagements());
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
            <Title text="Audits · Trust Portal" />
            <h1 class=ui::H1>"Audits"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "An engagement is one audit: its scope is locked when fieldwork starts, its auditors see only what it scopes (every view is logged), and it ends with a signed sign-off pack the auditor accepts."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let role = user.await.ok().flatten().map(|u| u.role);
                    let can_open = matches!(role, Some(Role::OperatorAdmin | Role::Security | Role::TenantAdmin));
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(cards) => view! {
                            <div class="space-y-6">
                                {if cards.is_empty() {
                                    view! { <p class="text-sm text-slate-600">"No engagement yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="grid gap-4 md:grid-cols-2">
                                            {cards.into_iter().map(|c| view! { <li><AuditStatus card=c /></li> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                {can_open.then(|| view! { <OpenForm action=open tenant_side=role == Some(Role::TenantAdmin) /> })}
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn OpenForm(action: ServerAction<OpenEngagement>, tenant_side: bool) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="open-heading">
            <h2 id="open-heading" class="mb-3 text-lg font-semibold">"Open an engagement"</h2>
            <ActionForm action attr:class="grid gap-3 sm:grid-cols-2">
                <div>
                    <label for="eng-name" class=ui::LABEL>"Name"</label>
                    <input id="eng-name" name="name" required maxlength="200" placeholder="External audit dry-run Q2" class=ui::INPUT />
                </div>
                <div>
                    <label for="eng-firm" class=ui::LABEL>"Audit firm"</label>
                    <input id="eng-firm" name="firm" required maxlength="200" class=ui::INPUT />
                </div>
                <div>
                    <label for="eng-start" class=ui::LABEL>"Period under review: from"</label>
                    <input id="eng-start" name="period_start" type="date" required class=ui::INPUT />
                </div>
                <div>
                    <label for="eng-end" class=ui::LABEL>"to"</label>
                    <input id="eng-end" name="period_end" type="date" required class=ui::INPUT />
                </div>
                <div>
                    <label for="eng-access" class=ui::LABEL>"Auditor access ends (last day)"</label>
                    <input id="eng-access" name="access_ends" type="date" required class=ui::INPUT />
                </div>
                {(!tenant_side).then(|| view! {
                    <div>
                        <label for="eng-tenants" class=ui::LABEL>"Tenants in scope (slugs, comma-separated)"</label>
                        <input id="eng-tenants" name="tenants" placeholder="acme-robotics, globex" class=ui::INPUT />
                    </div>
                })}
                <div class="sm:col-span-2">
                    <label for="eng-repos" class=ui::LABEL>"Repositories in scope (owner/name, one per line; empty: all of those tenants')"</label>
                    <textarea id="eng-repos" name="repos" rows="2" class=ui::INPUT></textarea>
                </div>
                <div class="sm:col-span-2">
                    <label for="eng-doc" class=ui::LABEL>"Scope document (Markdown)"</label>
                    <textarea id="eng-doc" name="document" rows="6" required class=format!("{} font-mono", ui::INPUT)>{SCOPE_TEMPLATE}</textarea>
                </div>
                <div class="sm:col-span-2"><button type="submit" class=ui::BUTTON>"Open engagement"</button></div>
            </ActionForm>
            <div class="mt-3">{action_feedback(action, "Engagement opened: it is listed above.")}</div>
        </section>
    }
}
