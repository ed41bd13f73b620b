//! The decisions tab: the Decisions log (each decision's versions, newest
//! first; never edited) and the risks the engagement links. The owner's
//! staff record decisions (general or a risk acceptance naming a finding),
//! record new versions and link risks of the register.

use super::{EngagementField, Refresh};
use crate::api::audit_fieldwork::{LinkRisk, RecordDecision, ReviseDecision, engagement_decisions};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::audit_kit::view::{DecisionView, RiskView};
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The decisions of an engagement.
#[component]
pub fn DecisionsTab(id: String, can_manage: bool) -> impl IntoView {
    let record = ServerAction::<RecordDecision>::new();
    let revise = ServerAction::<ReviseDecision>::new();
    let link = ServerAction::<LinkRisk>::new();
    Refresh::after(record);
    let data = {
        let id = id.clone();
        Resource::new(
            move || (id.clone(), record.version().get(), revise.version().get(), link.version().get()),
            |(id, ..)| engagement_decisions(id),
        )
    };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(v) => view! {
                            <div class="space-y-4">
                                {action_feedback(revise, "New version recorded.")}
                                {if v.decisions.is_empty() {
                                    view! { <p class="text-sm text-slate-600">"No decision yet."</p> }.into_any()
                                } else {
                                    v.decisions.into_iter().map(|versions| view! { <Decision versions id=id.clone() can_manage revise /> }).collect_view().into_any()
                                }}
                                {can_manage.then(|| view! { <RecordForm id=id.clone() action=record /> })}
                                <Risks risks=v.risks others=v.other_risks id=id.clone() can_manage link />
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Decision(
    versions: Vec<DecisionView>,
    id: String,
    can_manage: bool,
    revise: ServerAction<ReviseDecision>,
) -> impl IntoView {
    let Some(latest) = versions.first().cloned() else { return ().into_any() };
    let earlier: Vec<DecisionView> = versions.into_iter().skip(1).collect();
    let heading = format!("dec-{}", latest.reference);
    let label = heading.clone();
    let r = latest.reference.clone();
    let key = move |n: &str| format!("{n}-{r}");
    view! {
        <article class=ui::CARD data-testid="decision" aria-labelledby=label>
            <h2 id=heading class="text-base font-semibold">{format!("{} v{}: {}", latest.reference, latest.version, latest.title)}</h2>
            <p class="text-sm text-slate-700">
                {format!("{} · owner {} · decided {} · recorded by {} {}", latest.kind.as_str().replace('_', " "), latest.owner, latest.decided_on, latest.recorded_by, display_time(latest.recorded_at))}
                {latest.finding.clone().map(|f| format!(" · finding {f}"))}
                {latest.scope_version.map(|s| format!(" · scope version {s}"))}
            </p>
            <p class="mt-1 text-sm">{latest.rationale.clone()}</p>
            {(!earlier.is_empty()).then(|| view! {
                <details class="mt-2 text-sm">
                    <summary>{format!("{} earlier version{}", earlier.len(), if earlier.len() == 1 { "" } else { "s" })}</summary>
                    <ul class="ml-4 list-disc">
                        {earlier.into_iter().map(|d| view! {
                            <li>{format!("v{}: {} (owner {}, decided {}, recorded by {} {}): {}", d.version, d.title, d.owner, d.decided_on, d.recorded_by, display_time(d.recorded_at), d.rationale)}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
            {can_manage.then(|| view! {
                <details class="mt-2">
                    <summary class="cursor-pointer text-sm font-semibold text-indigo-800">{format!("Record a new version of {}", latest.reference)}</summary>
                    <ActionForm action=revise attr:class="mt-2 grid gap-2 sm:grid-cols-2">
                        <EngagementField id />
                        <input type="hidden" name="reference" value=latest.reference.clone() />
                        <input type="hidden" name="kind" value=latest.kind.as_str() />
                        <input type="hidden" name="finding_ref" value=latest.finding.clone().unwrap_or_default() />
                        <div><label for=key("title") class=ui::LABEL>"Decision"</label><input id=key("title") name="title" required value=latest.title.clone() class=ui::INPUT /></div>
                        <div><label for=key("owner") class=ui::LABEL>"Owner"</label><input id=key("owner") name="owner" required value=latest.owner.clone() class=ui::INPUT /></div>
                        <div><label for=key("on") class=ui::LABEL>"Decided on"</label><input id=key("on") name="decided_on" type="date" required value=latest.decided_on.clone() class=ui::INPUT /></div>
                        <div class="sm:col-span-2"><label for=key("why") class=ui::LABEL>"Rationale"</label><textarea id=key("why") name="rationale" rows="2" required class=ui::INPUT>{latest.rationale.clone()}</textarea></div>
                        <div><button type="submit" class=ui::BUTTON_QUIET>"Record new version"</button></div>
                    </ActionForm>
                </details>
            })}
        </article>
    }
    .into_any()
}

#[component]
fn RecordForm(id: String, action: ServerAction<RecordDecision>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="record-heading">
            <h2 id="record-heading" class="mb-2 text-lg font-semibold">"Record a decision"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-2">
                <EngagementField id />
                <div>
                    <label for="dec-kind" class=ui::LABEL>"Kind"</label>
                    <select id="dec-kind" name="kind" class=ui::INPUT>
                        <option value="general">"Decision"</option>
                        <option value="risk_acceptance">"Risk acceptance (names a finding)"</option>
                    </select>
                </div>
                <div>
                    <label for="dec-finding" class=ui::LABEL>"Finding (for a risk acceptance)"</label>
                    <input id="dec-finding" name="finding_ref" placeholder="FND-001" class=ui::INPUT />
                </div>
                <div>
                    <label for="dec-title" class=ui::LABEL>"Decision"</label>
                    <input id="dec-title" name="title" required maxlength="200" class=ui::INPUT />
                </div>
                <div>
                    <label for="dec-owner" class=ui::LABEL>"Owner"</label>
                    <input id="dec-owner" name="owner" required class=ui::INPUT />
                </div>
                <div>
                    <label for="dec-on" class=ui::LABEL>"Decided on"</label>
                    <input id="dec-on" name="decided_on" type="date" required class=ui::INPUT />
                </div>
                <div class="sm:col-span-2">
                    <label for="dec-why" class=ui::LABEL>"Rationale"</label>
                    <textarea id="dec-why" name="rationale" rows="2" required class=ui::INPUT></textarea>
                </div>
                <div class="sm:col-span-2"><button type="submit" class=ui::BUTTON>"Record decision"</button></div>
            </ActionForm>
            <div class="mt-2">{action_feedback(action, "Decision recorded.")}</div>
        </section>
    }
}

#[component]
fn Risks(
    risks: Vec<RiskView>,
    others: Vec<RiskView>,
    id: String,
    can_manage: bool,
    link: ServerAction<LinkRisk>,
) -> impl IntoView {
    view! {
        <DataTable show_caption=true caption="Risks this engagement links" headers=&["Risk", "Likelihood", "Impact", "Mitigation", "Owner", "Review"]>
            {risks.into_iter().map(|r| view! {
                <tr data-testid="linked-risk">
                    <td class=ui::TD>{format!("{} {}", r.reference, r.title)}</td>
                    <td class=ui::TD>{r.likelihood.as_str()}</td>
                    <td class=ui::TD>{r.impact.as_str()}</td>
                    <td class=ui::TD>{r.mitigation}</td>
                    <td class=ui::TD>{r.owner}</td>
                    <td class=ui::TD>{r.review_date.unwrap_or_else(|| "not set".into())}</td>
                </tr>
            }).collect_view()}
        </DataTable>
        {(can_manage && !others.is_empty()).then(|| view! {
            <ActionForm action=link attr:class="flex flex-wrap items-end gap-2">
                <EngagementField id />
                <div>
                    <label for="link-risk" class=ui::LABEL>"Link a risk of the register"</label>
                    <select id="link-risk" name="risk_id" class=ui::INPUT>
                        {others.into_iter().map(|r| view! { <option value=r.id>{format!("{} {}", r.reference, r.title)}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class=ui::BUTTON_QUIET>"Link risk"</button>
            </ActionForm>
            {action_feedback(link, "Risk linked.")}
        })}
    }
}
