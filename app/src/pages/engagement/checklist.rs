//! The checklist tab: the five items computed from live evidence, each with
//! its reason and a link to the evidence, and the manual items (operators add
//! and tick them; who ticked is shown).

use super::{EngagementField, Refresh};
use crate::api::audit_fieldwork::{AddChecklistItem, TickChecklistItem, engagement_checklist};
use crate::components::ui;
use crate::components::{ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::audit_kit::checklist::{ChecklistItem, ItemKey};
use crate::domain::status::CheckStatus;
use leptos::prelude::*;

/// The checklist of an engagement.
#[component]
pub fn ChecklistTab(id: String, can_manage: bool) -> impl IntoView {
    let add = ServerAction::<AddChecklistItem>::new();
    let tick = ServerAction::<TickChecklistItem>::new();
    Refresh::after(add);
    Refresh::after(tick);
    let list = {
        let id = id.clone();
        Resource::new(
            move || (id.clone(), add.version().get(), tick.version().get()),
            |(id, ..)| engagement_checklist(id),
        )
    };
    view! {
        <Suspense fallback=|| view! { <p>"Evaluating the checklist…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(c) => view! {
                            <section class=ui::CARD aria-labelledby="checklist-heading">
                                <h2 id="checklist-heading" class="mb-3 text-lg font-semibold">
                                    {format!("Checklist: {} of {} passed", c.passed, c.items.len())}
                                </h2>
                                <ol class="space-y-3">
                                    {c.items.into_iter().map(|i| view! { <Item i id=id.clone() can_manage tick /> }).collect_view()}
                                </ol>
                            </section>
                            {action_feedback(tick, "Saved.")}
                            {can_manage.then(|| view! {
                                <section class=format!("{} mt-6", ui::CARD) aria-labelledby="manual-heading">
                                    <h2 id="manual-heading" class="mb-2 text-lg font-semibold">"Add a manual item"</h2>
                                    <ActionForm action=add node_ref=cleared_on_success(add) attr:class="flex flex-wrap items-end gap-3">
                                        <EngagementField id=id.clone() />
                                        <div class="min-w-64 flex-1">
                                            <label for="item-title" class=ui::LABEL>"Item"</label>
                                            <input id="item-title" name="title" required maxlength="200" class=ui::INPUT />
                                        </div>
                                        <div>
                                            <label for="item-doc" class=ui::LABEL>"Evidence document id (optional)"</label>
                                            <input id="item-doc" name="document_id" placeholder="doc_…" class=ui::INPUT />
                                        </div>
                                        <button type="submit" class=ui::BUTTON>"Add item"</button>
                                    </ActionForm>
                                    <div class="mt-2">{action_feedback(add, "Item added.")}</div>
                                </section>
                            })}
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The words and colour of an item's status.
pub(super) fn status_badge(status: CheckStatus) -> (&'static str, &'static str) {
    match status {
        CheckStatus::Passed => ("passed", "bg-green-100 text-green-900"),
        CheckStatus::Failed => ("failed", "bg-red-100 text-red-900"),
        CheckStatus::NotChecked => ("not checked", "bg-slate-100 text-slate-800"),
    }
}

#[component]
fn Item(i: ChecklistItem, id: String, can_manage: bool, tick: ServerAction<TickChecklistItem>) -> impl IntoView {
    let (label, class) = status_badge(i.status);
    let manual = match &i.key {
        ItemKey::Manual(item) => Some(item.clone()),
        _ => None,
    };
    let ticked = i.ticked.is_some();
    view! {
        <li class="rounded border border-slate-200 p-3" data-testid="checklist-item" data-status=i.status.as_str()>
            <div class="flex flex-wrap items-center gap-2">
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {class}")>{label}</span>
                <span class="font-medium">{i.title.clone()}</span>
                {i.link.clone().map(|href| view! { <a class="text-sm text-indigo-700 underline" href=href>"evidence"</a> })}
            </div>
            <p class="mt-1 text-sm text-slate-700">{i.reason.clone()}</p>
            {(can_manage && manual.is_some()).then(|| view! {
                <ActionForm action=tick attr:class="mt-2">
                    <EngagementField id=id.clone() />
                    <input type="hidden" name="item_id" value=manual.clone().unwrap_or_default() />
                    <input type="hidden" name="ticked" value=if ticked { "no" } else { "yes" } />
                    <button type="submit" class=ui::BUTTON_QUIET>{if ticked { format!("Untick: {}", i.title) } else { format!("Tick: {}", i.title) }}</button>
                </ActionForm>
            })}
        </li>
    }
}
