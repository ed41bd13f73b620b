//! The overview tab: the scope (tenants, repositories, document, every
//! version with its digest), the NDA, and for the operator side starting
//! fieldwork, changing the scope (a scope-delta decision once locked) and
//! publishing a new NDA version.

use super::{EngagementField, Refresh};
use crate::api::audits::{ChangeScope, PublishNda, StartFieldwork, engagement};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, action_feedback};
use crate::domain::audit_kit::view::EngagementView;
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The overview of an engagement.
#[component]
pub fn OverviewTab(id: String) -> impl IntoView {
    let start = ServerAction::<StartFieldwork>::new();
    let change = ServerAction::<ChangeScope>::new();
    let nda = ServerAction::<PublishNda>::new();
    Refresh::after(start);
    Refresh::after(change);
    Refresh::after(nda);
    let data = Resource::new(
        move || (id.clone(), start.version().get(), change.version().get(), nda.version().get()),
        |(id, ..)| engagement(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    Ok(v) => view! { <Overview v start change nda /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(
    v: EngagementView,
    start: ServerAction<StartFieldwork>,
    change: ServerAction<ChangeScope>,
    nda: ServerAction<PublishNda>,
) -> impl IntoView {
    let (start_id, change_id, nda_id) = (v.card.id.clone(), v.card.id.clone(), v.card.id.clone());
    let manage = v.can_manage;
    let tenants = v.tenants.iter().map(|(slug, name)| format!("{name} ({slug})")).collect::<Vec<_>>().join(", ");
    let slugs = v.tenants.iter().map(|(slug, _)| slug.clone()).collect::<Vec<_>>().join(", ");
    view! {
        <div class="space-y-6">
            <section class=ui::CARD aria-labelledby="scope-heading">
                <h2 id="scope-heading" class="mb-2 text-lg font-semibold">
                    {format!("Scope, version {}", v.scope_versions.last().map_or(1, |s| s.version))}
                    {if v.locked { " (locked)" } else { " (open while scoping)" }}
                </h2>
                <p class="text-sm"><span class="font-semibold">"Tenants: "</span>{if tenants.is_empty() { "none yet".to_owned() } else { tenants }}</p>
                <p class="text-sm"><span class="font-semibold">"Repositories: "</span>{if v.repos.is_empty() { "every repository of those tenants".to_owned() } else { v.repos.join(", ") }}</p>
                <div class="prose mt-3 max-w-none rounded border border-slate-200 p-3 text-sm" data-testid="scope-document" inner_html=v.scope_html.clone()></div>
            </section>
            <DataTable show_caption=true caption="Scope versions" headers=&["Version", "SHA-256", "Written by", "When", "Scope-delta decision"]>
                {v.scope_versions.iter().rev().map(|s| view! {
                    <tr data-testid="scope-version">
                        <td class=ui::TD>{s.version}</td>
                        <td class=ui::TD><code title=s.sha256.clone()>{format!("{}…", &s.sha256[..12.min(s.sha256.len())])}</code></td>
                        <td class=ui::TD>{s.created_by.clone()}</td>
                        <td class=ui::TD>{display_time(s.created_at)}</td>
                        <td class=ui::TD>{s.decision.clone().unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <section class=ui::CARD aria-labelledby="nda-heading">
                <h2 id="nda-heading" class="mb-2 text-lg font-semibold">{format!("Confidentiality agreement (NDA), version {}", v.nda_version)}</h2>
                <div class="prose max-w-none text-sm" inner_html=v.nda_html.clone()></div>
                <p class="mt-2 text-xs text-slate-600">"SHA-256 " <code>{v.nda_sha256.clone()}</code></p>
            </section>
            {(manage && !v.locked).then(|| view! {
                <section class=ui::CARD aria-labelledby="start-heading">
                    <h2 id="start-heading" class="mb-2 text-lg font-semibold">"Fieldwork"</h2>
                    <p class="mb-2 text-sm text-slate-700">"Starting fieldwork locks the scope: any later change needs a recorded scope-delta decision."</p>
                    <ActionForm action=start>
                        <EngagementField id=start_id />
                        <button type="submit" class=ui::BUTTON>"Start fieldwork (lock scope)"</button>
                    </ActionForm>
                    <div class="mt-2">{action_feedback(start, "Fieldwork started; the scope is locked.")}</div>
                </section>
            })}
            {manage.then(|| view! {
                <section class=ui::CARD aria-labelledby="change-heading">
                    <h2 id="change-heading" class="mb-2 text-lg font-semibold">"Change the scope"</h2>
                    <ActionForm action=change attr:class="grid gap-3 sm:grid-cols-2">
                        <EngagementField id=change_id />
                        <div>
                            <label for="scope-tenants" class=ui::LABEL>"Tenants (slugs, comma-separated)"</label>
                            <input id="scope-tenants" name="tenants" value=slugs class=ui::INPUT />
                        </div>
                        <div>
                            <label for="scope-repos" class=ui::LABEL>"Repositories (owner/name, one per line)"</label>
                            <textarea id="scope-repos" name="repos" rows="2" class=ui::INPUT>{v.repos.join("\n")}</textarea>
                        </div>
                        <div class="sm:col-span-2">
                            <label for="scope-doc" class=ui::LABEL>"Scope document (Markdown)"</label>
                            <textarea id="scope-doc" name="document" rows="6" required class=format!("{} font-mono", ui::INPUT)>{v.scope_markdown.clone()}</textarea>
                        </div>
                        {v.locked.then(|| view! {
                            <fieldset class="sm:col-span-2 grid gap-3 rounded border border-amber-300 bg-amber-50 p-3 sm:grid-cols-2">
                                <legend class="px-1 text-sm font-semibold text-amber-900">"Scope-delta decision (required: the scope is locked)"</legend>
                                <div>
                                    <label for="delta-title" class=ui::LABEL>"Decision"</label>
                                    <input id="delta-title" name="decision_title" required class=ui::INPUT />
                                </div>
                                <div>
                                    <label for="delta-owner" class=ui::LABEL>"Owner"</label>
                                    <input id="delta-owner" name="decision_owner" required class=ui::INPUT />
                                </div>
                                <div>
                                    <label for="delta-on" class=ui::LABEL>"Decided on"</label>
                                    <input id="delta-on" name="decided_on" type="date" required class=ui::INPUT />
                                </div>
                                <div class="sm:col-span-2">
                                    <label for="delta-why" class=ui::LABEL>"Rationale"</label>
                                    <textarea id="delta-why" name="decision_rationale" rows="2" required class=ui::INPUT></textarea>
                                </div>
                            </fieldset>
                        })}
                        <div class="sm:col-span-2"><button type="submit" class=ui::BUTTON>"Save a new scope version"</button></div>
                    </ActionForm>
                    <div class="mt-2">{action_feedback(change, "New scope version saved.")}</div>
                </section>
                <section class=ui::CARD aria-labelledby="nda-new-heading">
                    <h2 id="nda-new-heading" class="mb-2 text-lg font-semibold">"Publish a new NDA version"</h2>
                    <p class="mb-2 text-sm text-slate-700">"Every auditor must accept the new version before their next view."</p>
                    <ActionForm action=nda>
                        <EngagementField id=nda_id />
                        <label for="nda-body" class=ui::LABEL>"NDA (Markdown)"</label>
                        <textarea id="nda-body" name="body" rows="5" required class=format!("{} font-mono", ui::INPUT)></textarea>
                        <button type="submit" class=format!("{} mt-2", ui::BUTTON)>"Publish NDA"</button>
                    </ActionForm>
                    <div class="mt-2">{action_feedback(nda, "New NDA version published.")}</div>
                </section>
            })}
        </div>
    }
}
