//! The findings tab: the sprint's acceptance rule evaluated live, each
//! finding with its remediation and thread; the auditor files findings, the
//! owner's staff record root cause, corrective action, owner, due date,
//! status and the effectiveness check.

use super::{EngagementField, Refresh, Thread};
use crate::api::audit_fieldwork::{AddAuditComment, FileFinding, RemediateFinding, engagement_findings};
use crate::components::ui;
use crate::components::{ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::audit_kit::view::FindingView;
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The findings of an engagement.
#[component]
pub fn FindingsTab(id: String, can_manage: bool, is_auditor: bool) -> impl IntoView {
    let file = ServerAction::<FileFinding>::new();
    let remediate = ServerAction::<RemediateFinding>::new();
    let comment = ServerAction::<AddAuditComment>::new();
    Refresh::after(file);
    Refresh::after(remediate);
    let data = {
        let id = id.clone();
        Resource::new(
            move || (id.clone(), file.version().get(), remediate.version().get(), comment.version().get()),
            |(id, ..)| engagement_findings(id),
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
                            <p role="status" data-testid="rule-outcome"
                                class=if v.rule.passed { "mb-4 rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900" } else { "mb-4 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900" }>
                                {format!("Acceptance rule (at most 2 remediation items, low severity only): {}", v.rule.summary)}
                            </p>
                            {action_feedback(remediate, "Remediation saved.")}
                            {action_feedback(comment, "Comment added.")}
                            <div class="space-y-4">
                                {if v.findings.is_empty() {
                                    view! { <p class="text-sm text-slate-600">"No finding yet."</p> }.into_any()
                                } else {
                                    v.findings.into_iter().map(|f| view! { <Finding f id=id.clone() can_manage remediate comment /> }).collect_view().into_any()
                                }}
                                {is_auditor.then(|| view! { <FileForm id=id.clone() action=file /> })}
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Finding(
    f: FindingView,
    id: String,
    can_manage: bool,
    remediate: ServerAction<RemediateFinding>,
    comment: ServerAction<AddAuditComment>,
) -> impl IntoView {
    let heading = format!("fnd-{}", f.id);
    let label = heading.clone();
    let outstanding = f.status.is_outstanding();
    let (form_id, thread_id) = (id.clone(), id.clone());
    view! {
        <article class=ui::CARD data-testid="finding" data-status=f.status.as_str() aria-labelledby=label>
            <h2 id=heading class="text-base font-semibold">{format!("{} {}", f.reference, f.title)}</h2>
            <p class="text-sm text-slate-700">
                {format!("{}, {} severity · {} · raised by {} on {}", f.kind.label(), f.severity, f.status.label(), f.raised_by, display_time(f.raised_at))}
                {f.overdue.then(|| view! { <span class="ml-2 rounded bg-red-100 px-1 text-red-900">"overdue"</span> })}
            </p>
            <p class="mt-1 text-sm">{f.detail.clone()}</p>
            <dl class="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-2">
                <dt class="text-slate-600">"Root cause"</dt><dd>{f.root_cause.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt class="text-slate-600">"Corrective action"</dt><dd>{f.corrective_action.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt class="text-slate-600">"Owner, due"</dt><dd>{format!("{} · {}", f.owner.clone().unwrap_or_else(|| "—".into()), f.due_date.clone().unwrap_or_else(|| "—".into()))}</dd>
                <dt class="text-slate-600">"Effectiveness check"</dt><dd>{f.effectiveness.clone().unwrap_or_else(|| "—".into())}</dd>
                {(!f.decisions.is_empty()).then(|| view! { <dt class="text-slate-600">"Decisions"</dt><dd>{f.decisions.join(", ")}</dd> })}
            </dl>
            {(can_manage && outstanding).then(|| view! { <RemediationForm f=f.clone() id=form_id action=remediate /> })}
            <Thread id=thread_id subject=f.id.clone() comments=f.comments.clone() action=comment />
        </article>
    }
}

#[component]
fn RemediationForm(f: FindingView, id: String, action: ServerAction<RemediateFinding>) -> impl IntoView {
    let fid = f.id.clone();
    let key = move |name: &str| format!("{name}-{fid}");
    view! {
        <details class="mt-3">
            <summary class="cursor-pointer text-sm font-semibold text-indigo-800">{format!("Remediate {}", f.reference)}</summary>
            <ActionForm action attr:class="mt-2 grid gap-3 sm:grid-cols-2">
                <EngagementField id />
                <input type="hidden" name="finding_id" value=f.id.clone() />
                <div>
                    <label for=key("root") class=ui::LABEL>"Root cause"</label>
                    <input id=key("root") name="root_cause" value=f.root_cause.clone().unwrap_or_default() class=ui::INPUT />
                </div>
                <div>
                    <label for=key("action") class=ui::LABEL>"Corrective action"</label>
                    <input id=key("action") name="corrective_action" value=f.corrective_action.clone().unwrap_or_default() class=ui::INPUT />
                </div>
                <div>
                    <label for=key("owner") class=ui::LABEL>"Remediation owner"</label>
                    <input id=key("owner") name="owner" value=f.owner.clone().unwrap_or_default() class=ui::INPUT />
                </div>
                <div>
                    <label for=key("due") class=ui::LABEL>"Due date"</label>
                    <input id=key("due") name="due_date" type="date" value=f.due_date.clone().unwrap_or_default() class=ui::INPUT />
                </div>
                <div>
                    <label for=key("status") class=ui::LABEL>"Status"</label>
                    <select id=key("status") name="status" class=ui::INPUT>
                        {[("open", "Open"), ("remediating", "Remediating"), ("closed", "Closed (needs the effectiveness check)")].into_iter().map(|(v, l)| {
                            view! { <option value=v selected=f.status.as_str() == v>{l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=key("eff") class=ui::LABEL>"Effectiveness check"</label>
                    <input id=key("eff") name="effectiveness" value=f.effectiveness.clone().unwrap_or_default() class=ui::INPUT />
                </div>
                <div class="sm:col-span-2"><button type="submit" class=ui::BUTTON>{format!("Save remediation of {}", f.reference)}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
fn FileForm(id: String, action: ServerAction<FileFinding>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="file-heading">
            <h2 id="file-heading" class="mb-2 text-lg font-semibold">"File a finding"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-2">
                <EngagementField id />
                <div class="sm:col-span-2">
                    <label for="fnd-title" class=ui::LABEL>"Title"</label>
                    <input id="fnd-title" name="title" required maxlength="200" class=ui::INPUT />
                </div>
                <div class="sm:col-span-2">
                    <label for="fnd-detail" class=ui::LABEL>"Condition found"</label>
                    <textarea id="fnd-detail" name="detail" rows="3" required class=ui::INPUT></textarea>
                </div>
                <div>
                    <label for="fnd-kind" class=ui::LABEL>"Kind"</label>
                    <select id="fnd-kind" name="kind" class=ui::INPUT>
                        <option value="observation">"Observation"</option>
                        <option value="minor" selected>"Minor nonconformity"</option>
                        <option value="major">"Major nonconformity"</option>
                    </select>
                </div>
                <div>
                    <label for="fnd-severity" class=ui::LABEL>"Severity"</label>
                    <select id="fnd-severity" name="severity" class=ui::INPUT>
                        <option value="low" selected>"Low"</option>
                        <option value="medium">"Medium"</option>
                        <option value="high">"High"</option>
                    </select>
                </div>
                <div class="sm:col-span-2"><button type="submit" class=ui::BUTTON>"File finding"</button></div>
            </ActionForm>
            <div class="mt-2">{action_feedback(action, "Finding filed.")}</div>
        </section>
    }
}
