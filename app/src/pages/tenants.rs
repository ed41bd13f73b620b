//! `/tenants`: operator admins create tenants, change plans and suspend;
//! security, finance and auditors read.

use crate::api::tenants::{CreateTenant, SetTenantPlan, SetTenantSuspended, TenantSummary, list_tenants};
use crate::components::ui;
use crate::components::{
    Confirm, CurrentUserCtx, DataTable, EntitlementsNote, ErrorNotice, action_feedback, cleared_on_success,
};
use crate::domain::period::display_time;
use crate::domain::{Plan, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/tenants`: operator admins manage tenants; others read. See [`super`] for
/// why pages create their data in `view`.
pub struct TenantsPage;

#[lazy_route]
impl LazyRoute for TenantsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let create = ServerAction::<CreateTenant>::new();
        let set_plan = ServerAction::<SetTenantPlan>::new();
        let suspend = ServerAction::<SetTenantSuspended>::new();
        let tenants = Resource::new(
            move || (create.version().get(), set_plan.version().get(), suspend.version().get()),
            |_| list_tenants(),
        );
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
            <Title text="Tenants · Trust Portal" />
            <h1 class=ui::H1>"Tenants"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let can_manage = matches!(user.await, Ok(Some(u)) if u.role == Role::OperatorAdmin);
                    match tenants.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) => view! {
                            <div class="space-y-6">
                                {can_manage.then(|| view! { <CreateTenantForm action=create /> })}
                                {action_feedback(set_plan, "Plan updated.")}
                                {action_feedback(suspend, "Tenant status updated.")}
                                <TenantTable list can_manage set_plan suspend />
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
fn CreateTenantForm(action: ServerAction<CreateTenant>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="new-tenant">
            <h2 id="new-tenant" class="mb-3 text-lg font-semibold">"New tenant"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-4 sm:items-end">
                <div>
                    <label for="tenant-name" class=ui::LABEL>"Name"</label>
                    <input id="tenant-name" name="name" required maxlength="100" class=ui::INPUT />
                </div>
                <div>
                    <label for="tenant-slug" class=ui::LABEL>"Slug"</label>
                    <input id="tenant-slug" name="slug" required pattern="[a-z0-9][a-z0-9\\-]{1,38}[a-z0-9]" aria-describedby="slug-help" class=ui::INPUT />
                    <p id="slug-help" class="mt-1 text-xs text-slate-600">"3-40 lowercase letters, digits, dashes"</p>
                </div>
                <div>
                    <label for="tenant-plan" class=ui::LABEL>"Plan"</label>
                    <select id="tenant-plan" name="plan" class=ui::INPUT>
                        {Plan::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class=ui::BUTTON>"Create tenant"</button>
            </ActionForm>
            <div class="mt-3">{action_feedback(action, "Tenant created.")}</div>
        </section>
    }
}

#[component]
fn TenantTable(
    list: Vec<TenantSummary>,
    can_manage: bool,
    set_plan: ServerAction<SetTenantPlan>,
    suspend: ServerAction<SetTenantSuspended>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-slate-600">"No tenants yet."</p> }.into_any();
    }
    view! {
        <DataTable caption="Tenants" headers=&["Name", "Slug", "Plan", "Entitlements", "Status", "Created"]>
                    {list.into_iter().map(|t| {
                        let suspended = t.suspended_at.is_some();
                        let plan_cell = if can_manage {
                            let id = t.id.clone();
                            let label = format!("Plan for {}", t.name);
                            view! {
                                <ActionForm action=set_plan attr:class="flex gap-2">
                                    <input type="hidden" name="tenant_id" value=id />
                                    <select name="plan" aria-label=label class="rounded border border-slate-300 px-1 py-0.5 text-sm">
                                        {Plan::ALL.iter().map(|p| view! {
                                            <option value=p.as_str() selected=*p == t.plan>{p.label()}</option>
                                        }).collect_view()}
                                    </select>
                                    <button type="submit" class=ui::BUTTON_QUIET>"Save"</button>
                                </ActionForm>
                            }.into_any()
                        } else {
                            view! { <span>{t.plan.label()}</span> }.into_any()
                        };
                        let id_for_toggle = t.id.clone();
                        let toggle_label = if suspended { format!("Reactivate {}", t.name) } else { format!("Suspend {}", t.name) };
                        let status_cell = view! {
                            <span class=if suspended { "text-red-800" } else { "text-green-800" }>
                                {if suspended { "Suspended" } else { "Active" }}
                            </span>
                            {match (can_manage, suspended) {
                                (false, _) => ().into_any(),
                                (true, true) => view! {
                                    <ActionForm action=suspend attr:class="mt-1">
                                        <input type="hidden" name="tenant_id" value=id_for_toggle />
                                        <input type="hidden" name="suspend" value="false" />
                                        <button type="submit" class=ui::BUTTON_QUIET>{toggle_label}</button>
                                    </ActionForm>
                                }.into_any(),
                                (true, false) => view! {
                                    <Confirm label="Suspend…".to_owned() warning=format!("{}'s users are locked out and its API keys refused until it is reactivated.", t.name)>
                                        <ActionForm action=suspend>
                                            <input type="hidden" name="tenant_id" value=id_for_toggle />
                                            <input type="hidden" name="suspend" value="true" />
                                            <button type="submit" class=ui::BUTTON_DANGER>{toggle_label}</button>
                                        </ActionForm>
                                    </Confirm>
                                }.into_any(),
                            }}
                        };
                        view! {
                            <tr data-testid="tenant-row">
                                <td class=ui::TD>{t.name.clone()}</td>
                                <td class=ui::TD><code>{t.slug.clone()}</code></td>
                                <td class=ui::TD>{plan_cell}</td>
                                <td class=ui::TD><EntitlementsNote entitlements=t.entitlements.clone() /></td>
                                <td class=ui::TD>{status_cell}</td>
                                <td class=ui::TD>{display_time(t.created_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
    }.into_any()
}
